// Database::open and the handle's lifetime. open() reads and refuses first (file_sniff, schema_check),
// and only then writes: the WAL switch and the migration.
#include <utility>

#include "costdb/costdb.h"
#include "costdb/database_impl.h"
#include "costdb/file_sniff.h"
#include "costdb/migrations.h"
#include "costdb/schema_check.h"

namespace pietune::costdb {

namespace {

constexpr int kBusyTimeoutMs = 5000;  // other processes' writes are short (one statement)

void use_wal(Connection& connection) {
  Statement statement(connection, "PRAGMA journal_mode = WAL", "switching to WAL");
  const std::string mode = statement.step() ? statement.column_text(0) : "";
  if (mode != "wal") {
    throw Error(connection.path() + ": cannot switch to WAL journal mode (journal_mode is '" + mode + "')");
  }
}

}  // namespace

Database Database::open(const std::string& path) {
  sniff_file(path);
  auto impl = std::make_unique<Impl>(path);
  Connection& connection = impl->connection;
  sqlite3_busy_timeout(connection.handle(), kBusyTimeoutMs);
  const int found = check_database(connection);
  if (sqlite3_db_readonly(connection.handle(), "main") == 1) throw Error(path + ": file is read-only");
  use_wal(connection);
  // NORMAL in WAL mode: a commit survives the process dying; only an OS crash can lose the last commits.
  connection.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", "setting connection pragmas");
  if (found < kSchemaVersion) migrate_to_latest(connection);
  impl->schema_version = kSchemaVersion;
  return Database(std::move(impl));
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;

const std::string& Database::path() const { return impl_->connection.path(); }
int Database::schema_version() const { return impl_->schema_version; }

}  // namespace pietune::costdb
