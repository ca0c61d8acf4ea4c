// RAII over the SQLite C API (see sqlite_handle.h).
#include "costdb/sqlite_handle.h"

#include <cstring>
#include <limits>

namespace pietune::costdb {

namespace {

int checked_size(std::string_view text, const Connection& connection) {
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw Error(connection.path() + ": text of " + std::to_string(text.size()) + " bytes is too large to store");
  }
  return static_cast<int>(text.size());
}

// A path as the path part of a file: URI: '%', '?' and '#' (and non-ASCII bytes) percent-encoded.
std::string uri_path(const std::string& path) {
  std::string out;
  for (unsigned char c : path) {
    if (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7f) {
      constexpr char kHex[] = "0123456789abcdef";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

Statement::Statement(Connection& connection, std::string_view sql, std::string_view context)
    : connection_(connection), context_(context) {
  const int size = checked_size(sql, connection);
  if (sqlite3_prepare_v2(connection.handle(), sql.data(), size, &stmt_, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    connection.fail(context_);
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind_text(int index, std::string_view text) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's string may go away before step().
  if (sqlite3_bind_text(stmt_, index, text.data(), checked_size(text, connection_), SQLITE_TRANSIENT) != SQLITE_OK) {
    connection_.fail(context_);
  }
  return *this;
}

Statement& Statement::bind_int(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) connection_.fail(context_);
  return *this;
}

Statement& Statement::bind_real(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) connection_.fail(context_);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  connection_.fail(context_);
}

void Statement::run() {
  while (step()) {
  }
}

std::int64_t Statement::column_int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::column_real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

void Statement::reset() noexcept {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Connection::Connection(const std::string& path, OpenMode mode) : path_(path) {
  // NOMUTEX: one Database is used from one thread at a time, so SQLite's per-connection mutex is waste.
  int flags = SQLITE_OPEN_NOMUTEX;
  std::string name = path;
  switch (mode) {
    case OpenMode::kReadWrite: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    case OpenMode::kReadOnly: flags |= SQLITE_OPEN_READONLY; break;
    case OpenMode::kImmutable:
      flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
      name = "file:" + uri_path(path) + "?immutable=1";
      break;
  }
  if (sqlite3_open_v2(name.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close_v2(db_);
    throw Error(path + ": cannot open: " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() {
  cache_.clear();  // statements first: sqlite3_close refuses a connection with live statements
  sqlite3_close(db_);
}

void Connection::exec(const std::string& sql, std::string_view context) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    throw SqliteError(path_, context, explained(text), sqlite3_extended_errcode(db_));
  }
}

StatementUse Connection::cached(const char* sql, std::string_view context) {
  std::unique_ptr<Statement>& slot = cache_[sql];
  if (!slot) slot = std::make_unique<Statement>(*this, sql, context);
  return StatementUse(*slot);
}

void Connection::fail(std::string_view context) const {
  throw SqliteError(path_, context, explained(sqlite3_errmsg(db_)), sqlite3_extended_errcode(db_));
}

std::string Connection::explained(std::string message) const {
  // "disk I/O error" alone does not say why: the system's reason does, or at least which operation
  // failed (a failed write is most often a full disk).
  const int code = sqlite3_extended_errcode(db_);
  if ((code & 0xff) != SQLITE_IOERR && (code & 0xff) != SQLITE_FULL) return message;
  if (const int error = sqlite3_system_errno(db_); error != 0) return message + " (" + std::strerror(error) + ")";
  if (code == SQLITE_IOERR_WRITE || code == SQLITE_IOERR_TRUNCATE || code == SQLITE_IOERR_FSYNC)
    return message + " (writing the file failed: is the disk full?)";
  return message;
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.exec("BEGIN IMMEDIATE", "begin transaction");
}

Transaction::~Transaction() {
  // Unwinding: the original exception matters more than a failed rollback, which SQLite finishes on close.
  if (open_) sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  connection_.exec("COMMIT", "commit");
  open_ = false;
}

}  // namespace pietune::costdb
