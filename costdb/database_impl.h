// Database's private state, shared by the .cc files that implement its record groups.
#pragma once

#include <string>

#include "costdb/costdb.h"
#include "costdb/sqlite_handle.h"

// The SQL expression every stored timestamp comes from: ISO 8601 UTC with milliseconds. A macro so it
// can be pasted into the SQL string constants at compile time.
#define PIETUNE_COSTDB_NOW "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

namespace pietune::costdb {

struct Database::Impl {
  explicit Impl(const std::string& path) : connection(path) {}

  Connection connection;
  int schema_version = 0;
};

}  // namespace pietune::costdb
