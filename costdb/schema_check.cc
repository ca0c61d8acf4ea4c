// Identity, version and integrity checks of an open file (see schema_check.h).
#include "costdb/schema_check.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costdb/migrations.h"

namespace pietune::costdb {

namespace {

constexpr const char* kApplication = "pietune-costdb";

std::vector<std::string> user_tables(Connection& connection) {
  Statement statement(connection,
                      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                      "ORDER BY name",
                      "reading the table list");
  std::vector<std::string> names;
  while (statement.step()) names.push_back(statement.column_text(0));
  return names;
}

// The marker row, or nullopt when there is none (a foreign pietune_meta of another shape counts as none).
std::optional<std::string> application_marker(Connection& connection) {
  try {
    Statement statement(connection, "SELECT value FROM pietune_meta WHERE key = 'application'", "reading pietune_meta");
    if (!statement.step()) return std::nullopt;
    return statement.column_text(0);
  } catch (const SqliteError& e) {
    if (e.primary_code() == SQLITE_ERROR) return std::nullopt;  // no such table or column
    throw;
  }
}

// quick_check's verdict on one line: "*** in database main ***\nPage 80: ..." -> "Page 80: ...".
std::string one_line(const std::string& verdict) {
  constexpr std::string_view kBanner = "*** in database main ***\n";
  std::string text = verdict.starts_with(kBanner) ? verdict.substr(kBanner.size()) : verdict;
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// PRAGMA quick_check: every b-tree page well formed, O(file size) but without the index-vs-table
// cross-check of integrity_check, which costs a lookup per row.
void quick_check(Connection& connection) {
  Statement statement(connection, "PRAGMA quick_check(1)", "quick_check");
  const std::string verdict = statement.step() ? statement.column_text(0) : "no result";
  if (verdict == "ok") return;
  throw Error(connection.path() + ": corrupt database (quick_check: " + one_line(verdict) + ")");
}

int check_identity_and_version(Connection& connection) {
  const std::string& path = connection.path();
  const std::vector<std::string> tables = user_tables(connection);
  const int version = read_user_version(connection);
  if (tables.empty()) {
    if (version == 0) return 0;  // empty file or a database nobody wrote to: ours to create
    throw Error(path + ": not a pietune cost database (user_version " + std::to_string(version) + ", no tables)");
  }
  if (std::find(tables.begin(), tables.end(), "runs") == tables.end()) {
    throw Error(path + ": not a pietune cost database (table '" + tables.front() + "' found, no 'runs')");
  }
  const std::optional<std::string> marker = application_marker(connection);
  if (!marker) throw Error(path + ": not a pietune cost database (no pietune_meta application marker)");
  if (*marker != kApplication) {
    throw Error(path + ": not a pietune cost database (pietune_meta application is '" + *marker + "')");
  }
  if (version > kSchemaVersion) throw newer_schema_error(path, version);
  if (version < 1) throw Error(path + ": not a pietune cost database (schema version " + std::to_string(version) + ")");
  quick_check(connection);
  return version;
}

}  // namespace

int check_database(Connection& connection) {
  try {
    return check_identity_and_version(connection);
  } catch (const SqliteError& e) {
    // A damaged page can fail the very first read (the schema, a table's root) before quick_check runs.
    if (e.primary_code() == SQLITE_CORRUPT || e.primary_code() == SQLITE_NOTADB) {
      throw Error(connection.path() + ": corrupt database (" + e.sqlite_message() + ")");
    }
    throw;
  }
}

}  // namespace pietune::costdb
