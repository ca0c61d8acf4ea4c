// Checks on the raw file before SQLite opens it (see file_sniff.h).
#include "costdb/file_sniff.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "costdb/costdb.h"

namespace pietune::costdb {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kHeaderBytes = 100;                // the SQLite database header
constexpr std::string_view kMagic{"SQLite format 3\0", 16};  // its first 16 bytes

}  // namespace

FileKind sniff_file(const std::string& path) {
  const fs::path file(path);
  const fs::path directory = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    throw Error(path + ": directory '" + directory.string() + "' does not exist");
  }
  const fs::file_status status = fs::status(file, ec);
  if (status.type() == fs::file_type::not_found) return FileKind::kNew;
  if (ec) throw Error(path + ": cannot read: " + ec.message());
  if (status.type() == fs::file_type::directory) throw Error(path + ": is a directory, not a database file");
  if (status.type() != fs::file_type::regular) throw Error(path + ": not a regular file");

  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(path + ": cannot read: " + std::strerror(errno));
  std::array<char, kHeaderBytes> header{};
  in.read(header.data(), header.size());
  const auto got = static_cast<std::size_t>(in.gcount());
  if (got == 0) return FileKind::kNew;
  if (got < kMagic.size() || std::string_view(header.data(), kMagic.size()) != kMagic) {
    throw Error(path + ": not a SQLite database (no \"SQLite format 3\" header)");
  }
  if (got < kHeaderBytes) {
    throw Error(path + ": truncated or corrupt database (" + std::to_string(got) + " bytes, shorter than its header)");
  }
  return FileKind::kSqlite;
}

}  // namespace pietune::costdb
