// The schema as an ordered list of steps: step N brings a version N-1 file to version N (PRAGMA
// user_version). A fresh file runs every step; an older one runs the steps it lacks. Steps are never
// edited once released: a change to the schema is a new step and a new kSchemaVersion.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "costdb/sqlite_handle.h"

namespace pietune::costdb {

struct MigrationStep {
  int version;            // user_version once this step has run
  std::string_view what;  // one line, for humans reading the code or the README
  std::string_view sql;
};

std::span<const MigrationStep> migration_steps();

// Brings the open, already-checked file to kSchemaVersion in one IMMEDIATE transaction (all steps or
// none). The version is read again inside the transaction: another process may have migrated the
// file since it was checked. Returns the version the file had.
int migrate_to_latest(Connection& connection);

// PRAGMA user_version of the open file.
int read_user_version(Connection& connection);

// "<path>: schema version N is newer than this pietune supports (M)".
Error newer_schema_error(const std::string& path, int version);

}  // namespace pietune::costdb
