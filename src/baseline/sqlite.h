#pragma once
/// A thin RAII layer over the SQLite C API: a connection, prepared statements and a transaction
/// guard, every failure returned as an Error carrying SQLite's message. Only src/baseline/ sees
/// SQLite; nothing here leaks a sqlite3 type through the store's interface.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cmdsentry::baseline::detail {

/// A prepared statement; bind() by 1-based index, step() until it returns false.
class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* s) : stmt_(s) {}

  Statement& bind(int i, std::string_view text);
  Statement& bind(int i, std::int64_t value);
  /// One step: true while a row is available, false when done (errors: see error()).
  [[nodiscard]] bool step();
  /// Runs to the end (an INSERT or UPDATE); false on error.
  [[nodiscard]] bool run();
  /// Ready to run again: bindings cleared, failure forgotten.
  void reset();
  [[nodiscard]] std::int64_t integer(int column) const;
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] bool failed() const { return failed_; }

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const;
  };
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
  bool failed_ = false;
};

/// An open database connection.
class Connection {
 public:
  /// Opens `path`; `create` allows making a new file. Foreign or corrupt files are detected
  /// later, on the first read (SQLite opens lazily).
  [[nodiscard]] static Result<Connection> open(const std::string& path, bool create);

  /// Runs one or more statements without results.
  [[nodiscard]] Result<void> exec(std::string_view sql);
  [[nodiscard]] Result<Statement> prepare(std::string_view sql);
  /// SQLite's last error text.
  [[nodiscard]] std::string message() const;
  /// Rows changed by the last statement.
  [[nodiscard]] int changes() const;

 private:
  struct Close {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Close> db_;
};

/// BEGIN IMMEDIATE .. COMMIT; rolled back unless commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Connection& db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  [[nodiscard]] Result<void> begin();
  [[nodiscard]] Result<void> commit();

 private:
  Connection& db_;
  bool open_ = false;
};

}  // namespace cmdsentry::baseline::detail

namespace cmdsentry::baseline::detail {

/// A whole small text file (the groups CSV, the study tables); `what` names it in the error.
[[nodiscard]] Result<std::string> read_text(const std::string& path, std::string_view what);

}  // namespace cmdsentry::baseline::detail
