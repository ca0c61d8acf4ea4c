// RAII over the SQLite C API: one connection, prepared statements with bind/step/column helpers, a
// transaction guard. Every SQLite failure throws SqliteError "<path>: <context>: <sqlite message>".
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "costdb/costdb.h"

namespace pietune::costdb {

// A costdb::Error that keeps SQLite's extended result code, so a caller can tell a constraint
// violation (SQLITE_CONSTRAINT_FOREIGNKEY) or corruption (SQLITE_CORRUPT) from other failures.
class SqliteError : public Error {
 public:
  SqliteError(const std::string& path, std::string_view context, const std::string& sqlite_message, int code)
      : Error(path + ": " + std::string(context) + ": " + sqlite_message),
        sqlite_message_(sqlite_message),
        code_(code) {}
  const std::string& sqlite_message() const { return sqlite_message_; }
  int code() const { return code_; }
  int primary_code() const { return code_ & 0xff; }

 private:
  std::string sqlite_message_;
  int code_;
};

class Connection;

// One prepared statement. Bind indices are 1-based, column indices 0-based (SQLite's convention).
// `context` names the operation in error messages ("<path>: put_estimate: database is locked").
class Statement {
 public:
  Statement(Connection& connection, std::string_view sql, std::string_view context);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind_text(int index, std::string_view text);
  Statement& bind_int(int index, std::int64_t value);
  Statement& bind_real(int index, double value);

  bool step();  // true when a row is ready to read, false when the statement is done
  void run();   // steps a statement that yields no rows to completion

  std::int64_t column_int(int column) const;
  double column_real(int column) const;
  std::string column_text(int column) const;  // "" for NULL

  // Ends the statement's implicit read or write transaction and clears its bindings, so it can run again.
  void reset() noexcept;

 private:
  Connection& connection_;
  std::string context_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A cached statement borrowed for one call. Resetting on scope exit matters: an un-reset SELECT keeps
// its WAL snapshot, which would hide other connections' commits and block checkpoints.
class StatementUse {
 public:
  explicit StatementUse(Statement& statement) : statement_(statement) {}
  ~StatementUse() { statement_.reset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  Statement* operator->() { return &statement_; }
  Statement& operator*() { return statement_; }

 private:
  Statement& statement_;
};

// How a Connection opens its file. kImmutable reads a file nobody can be writing (SQLite then needs
// no -shm file, which a read-only folder cannot hold).
enum class OpenMode { kReadWrite, kReadOnly, kImmutable };

// An open sqlite3*: read-write (created if missing) or read-only. Not movable: statements refer to it.
class Connection {
 public:
  Connection(const std::string& path, OpenMode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Runs one or more statements that yield no rows we need (DDL, PRAGMA assignments).
  void exec(const std::string& sql, std::string_view context);
  // Prepared once per connection and reused; `sql` must have static storage (it is the cache key).
  StatementUse cached(const char* sql, std::string_view context);

  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }

  // Throws SqliteError "<path>: <context>: <sqlite3_errmsg>" with the connection's last error code.
  [[noreturn]] void fail(std::string_view context) const;

 private:
  // SQLite's message, with the system's reason for an I/O failure: "disk I/O error (File too large)".
  std::string explained(std::string message) const;

  std::string path_;
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, std::unique_ptr<Statement>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted (an exception unwound past it).
// IMMEDIATE takes the write lock up front, so two processes never both decide to migrate the same file.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

}  // namespace pietune::costdb
