#include "baseline/sqlite.h"

#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace cmdsentry::baseline::detail {

void Statement::Finalize::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

Statement& Statement::bind(int i, std::string_view text) {
  if (sqlite3_bind_text(stmt_.get(), i, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    failed_ = true;
  }
  return *this;
}

Statement& Statement::bind(int i, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_.get(), i, value) != SQLITE_OK) failed_ = true;
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    failed_ = true;
    sqlite3_reset(stmt_.get());  // ends the statement, so a ROLLBACK can follow
  }
  return false;
}

bool Statement::run() {
  while (step()) {
  }
  const bool ok = !failed_;
  reset();
  return ok;
}

void Statement::reset() {
  failed_ = false;
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_.get(), column);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column))};
}

void Connection::Close::operator()(sqlite3* db) const { sqlite3_close(db); }

Result<Connection> Connection::open(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Connection c;
  c.db_.reset(raw);
  if (rc != SQLITE_OK) {
    return fail(ErrorCode::kIo,
                fmt::format("{}: cannot open the baseline database: {}", path,
                            raw != nullptr ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(raw, 5000);
  return c;
}

Result<void> Connection::exec(std::string_view sql) {
  const std::string text(sql);
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail(ErrorCode::kCorrupt, message());
  }
  return {};
}

Result<Statement> Connection::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &s, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(s);
    return fail(ErrorCode::kCorrupt, message());
  }
  return Statement(s);
}

std::string Connection::message() const { return sqlite3_errmsg(db_.get()); }

int Connection::changes() const { return sqlite3_changes(db_.get()); }

Transaction::~Transaction() {
  if (open_) (void)db_.exec("ROLLBACK");
}

Result<void> Transaction::begin() {
  auto r = db_.exec("BEGIN IMMEDIATE");
  if (r) open_ = true;
  return r;
}

Result<void> Transaction::commit() {
  auto r = db_.exec("COMMIT");
  if (r) open_ = false;
  return r;
}

}  // namespace cmdsentry::baseline::detail

namespace cmdsentry::baseline::detail {

Result<std::string> read_text(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, fmt::format("{}: cannot read {}", path, what));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace cmdsentry::baseline::detail
