// What the bytes on disk say before SQLite is let near the file: SQLite would happily "open" a text
// file (and fail later with a vaguer message), and it reports a missing directory as "unable to open".
#pragma once

#include <string>

namespace pietune::costdb {

enum class FileKind {
  kNew,     // missing or empty: created fresh
  kSqlite,  // starts with the SQLite header; its content is checked once it is open
};

// Throws Error "<path>: ..." for a missing directory, a directory, an unreadable file, a file that
// is not SQLite, or one too short to hold the 100-byte SQLite header. Reads only.
FileKind sniff_file(const std::string& path);

}  // namespace pietune::costdb
