// Database::open and the handle's lifetime. open() reads and refuses first (file_sniff, schema_check),
// and only then writes: the WAL switch and the migration. A read-only open never writes.
#include <unistd.h>

#include <filesystem>
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

std::string folder_of(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// A WAL file needs its -wal and -shm files beside it: writing takes a writable file and folder.
bool writable(const std::string& path) {
  return ::access(folder_of(path).c_str(), W_OK) == 0 &&
         (::access(path.c_str(), F_OK) != 0 || ::access(path.c_str(), W_OK) == 0);
}

// Reading a WAL file takes a -shm file beside it. In a folder we cannot write (a read-only mount,
// a CI artifact) none can be made, so a file with no -wal (everything checkpointed into it, as
// SQLite leaves it when the last writer closes) is read as immutable: no -shm needed.
OpenMode read_only_mode(const std::string& path) {
  const bool folder_writable = ::access(folder_of(path).c_str(), W_OK) == 0;
  const bool has_wal = ::access((path + "-wal").c_str(), F_OK) == 0;
  return folder_writable || has_wal ? OpenMode::kReadOnly : OpenMode::kImmutable;
}

// Returns the schema version found; the file stays as it is.
int check_read_only(Connection& connection) {
  const std::string& path = connection.path();
  const int found = check_database(connection);
  if (found == 0) throw Error(path + ": not a pietune cost database yet (no tables)");
  if (found < kSchemaVersion)
    throw Error(path + ": schema version " + std::to_string(found) + " is older than this pietune's (" +
                std::to_string(kSchemaVersion) + ") and the file is opened read-only: run a writing command "
                "(pietune tune) on it once to migrate it");
  return found;
}

// Checks, switches to WAL and migrates; returns the schema version found.
void prepare_read_write(Connection& connection) {
  const int found = check_database(connection);
  if (sqlite3_db_readonly(connection.handle(), "main") == 1) throw Error(connection.path() + ": file is read-only");
  use_wal(connection);
  // NORMAL in WAL mode: a commit survives the process dying; only an OS crash can lose the last commits.
  connection.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", "setting connection pragmas");
  if (found < kSchemaVersion) migrate_to_latest(connection);
}

}  // namespace

Database Database::open(const std::string& path, Access access) {
  const bool read_only = access == Access::kReadOnly || (access == Access::kReadWriteIfPossible && !writable(path));
  if (sniff_file(path) == FileKind::kNew && read_only)
    throw Error(path + ": no such cost database (missing or empty file)");
  auto impl = std::make_unique<Impl>(path, read_only ? read_only_mode(path) : OpenMode::kReadWrite);
  sqlite3_busy_timeout(impl->connection.handle(), kBusyTimeoutMs);
  if (read_only) {
    check_read_only(impl->connection);
  } else {
    prepare_read_write(impl->connection);
  }
  impl->schema_version = kSchemaVersion;
  return Database(std::move(impl));
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;

const std::string& Database::path() const { return impl_->connection.path(); }
int Database::schema_version() const { return impl_->schema_version; }
bool Database::read_only() const { return impl_->read_only; }

}  // namespace pietune::costdb
