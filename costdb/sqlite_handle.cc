// RAII over the SQLite C API (see sqlite_handle.h).
#include "costdb/sqlite_handle.h"

#include <limits>

namespace pietune::costdb {

namespace {

int checked_size(std::string_view text, const Connection& connection) {
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw Error(connection.path() + ": text of " + std::to_string(text.size()) + " bytes is too large to store");
  }
  return static_cast<int>(text.size());
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

Connection::Connection(const std::string& path) : path_(path) {
  // NOMUTEX: one Database is used from one thread at a time, so SQLite's per-connection mutex is waste.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
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
    throw SqliteError(path_, context, text, sqlite3_extended_errcode(db_));
  }
}

StatementUse Connection::cached(const char* sql, std::string_view context) {
  std::unique_ptr<Statement>& slot = cache_[sql];
  if (!slot) slot = std::make_unique<Statement>(*this, sql, context);
  return StatementUse(*slot);
}

void Connection::fail(std::string_view context) const {
  throw SqliteError(path_, context, sqlite3_errmsg(db_), sqlite3_extended_errcode(db_));
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
