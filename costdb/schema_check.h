// Decides, reading only, whether an open file may be used: every refusal happens here, before
// open() writes anything (WAL switch, migration).
#pragma once

#include "costdb/sqlite_handle.h"

namespace pietune::costdb {

// Returns the file's schema version (0 for a fresh, empty database) or throws Error:
//   "<path>: not a pietune cost database (table 'foo' found, no 'runs')"
//   "<path>: not a pietune cost database (no pietune_meta application marker)"
//   "<path>: schema version 99 is newer than this pietune supports (2)"
//   "<path>: corrupt database (<what SQLite or PRAGMA quick_check reported>)"
int check_database(Connection& connection);

}  // namespace pietune::costdb
