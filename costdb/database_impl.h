// Database's private state, shared by the .cc files that implement its record groups.
#pragma once

#include <string>
#include <string_view>

#include "costdb/costdb.h"
#include "costdb/sqlite_handle.h"

// The SQL expression every stored timestamp comes from: ISO 8601 UTC with milliseconds. A macro so it
// can be pasted into the SQL string constants at compile time.
#define PIETUNE_COSTDB_NOW "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

namespace pietune::costdb {

struct Database::Impl {
  Impl(const std::string& path, OpenMode mode) : connection(path, mode), read_only(mode != OpenMode::kReadWrite) {}

  // Error "<path>: <what>: opened read-only" before any write is tried.
  void require_writable(std::string_view what) const {
    if (read_only) throw Error(connection.path() + ": " + std::string(what) + ": opened read-only");
  }

  Connection connection;
  bool read_only = false;
  int schema_version = 0;
};

}  // namespace pietune::costdb
