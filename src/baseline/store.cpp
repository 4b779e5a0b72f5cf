#include "baseline/store.h"

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

namespace cmdsentry::baseline {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE schema_version(format TEXT NOT NULL, version INTEGER NOT NULL);
CREATE TABLE seen(host TEXT NOT NULL, log TEXT NOT NULL, record INTEGER NOT NULL,
                  PRIMARY KEY(host, log, record)) WITHOUT ROWID;
CREATE TABLE usage(id INTEGER PRIMARY KEY, command TEXT NOT NULL, phase TEXT NOT NULL,
                   executable TEXT NOT NULL, image TEXT NOT NULL, path_class TEXT NOT NULL,
                   original_file_name TEXT NOT NULL, user_sid TEXT NOT NULL,
                   user_name TEXT NOT NULL, host TEXT NOT NULL, executions INTEGER NOT NULL,
                   first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
                   UNIQUE(command, executable, image, original_file_name, user_sid, user_name,
                          host));
CREATE TABLE usage_day(usage INTEGER NOT NULL, day INTEGER NOT NULL,
                       PRIMARY KEY(usage, day)) WITHOUT ROWID;
CREATE TABLE usage_parent(usage INTEGER NOT NULL, parent TEXT NOT NULL,
                          executions INTEGER NOT NULL, PRIMARY KEY(usage, parent)) WITHOUT ROWID;
CREATE TABLE group_member(member TEXT NOT NULL, group_name TEXT NOT NULL,
                          group_sid TEXT NOT NULL, PRIMARY KEY(member, group_name)) WITHOUT ROWID;
CREATE TABLE learn_run(id INTEGER PRIMARY KEY, time INTEGER NOT NULL, executions INTEGER NOT NULL,
                       duplicates INTEGER NOT NULL, skipped INTEGER NOT NULL);
)sql";

constexpr std::uint64_t kTicksPerDay = 864'000'000'000ULL;

}  // namespace

tl::unexpected<Error> Store::db_error(std::string_view what) const {
  return fail(ErrorCode::kCorrupt, fmt::format("{}: {}: {}", path_, what, db_.message()));
}

Result<Store> Store::open(const std::string& path, OpenMode mode) {
  std::error_code ec;
  if (mode == OpenMode::kRead && !std::filesystem::exists(path, ec)) {
    return fail(ErrorCode::kIo, fmt::format("{}: no such baseline database (run `cmdsentry "
                                            "baseline learn --db {}` first)",
                                            path, path));
  }
  auto db = detail::Connection::open(path, mode == OpenMode::kLearn);
  if (!db) return tl::unexpected(db.error());
  Store s(std::move(*db), path);
  if (auto r = s.check_schema(mode); !r) return tl::unexpected(r.error());
  if (mode == OpenMode::kLearn) {
    if (auto r = s.prepare_writes(); !r) return tl::unexpected(r.error());
  }
  return s;
}

Result<void> Store::check_schema(OpenMode mode) {
  auto tables = db_.prepare("SELECT count(*) FROM sqlite_master");
  if (!tables) {
    return fail(ErrorCode::kBadMagic,
                fmt::format("{}: not a cmdsentry baseline database (not SQLite, or damaged: {})",
                            path_, tables.error().message));
  }
  const bool has_row = tables->step();
  if (tables->failed() || !has_row) {
    return fail(ErrorCode::kBadMagic,
                fmt::format("{}: not a cmdsentry baseline database (not SQLite, or damaged: {})",
                            path_, db_.message()));
  }
  if (tables->integer(0) == 0) {
    if (mode == OpenMode::kRead) {
      return fail(ErrorCode::kCorrupt, fmt::format("{}: empty database, nothing learned", path_));
    }
    detail::Transaction t(db_);
    if (auto r = t.begin(); !r) return db_error("cannot start a transaction");
    if (auto r = db_.exec(kSchema); !r) return db_error("cannot create the schema");
    auto ins = db_.prepare("INSERT INTO schema_version VALUES(?, ?)");
    if (!ins || !ins->bind(1, kFormatName).bind(2, std::int64_t{kSchemaVersion}).run()) {
      return db_error("cannot write the schema version");
    }
    if (auto r = t.commit(); !r) return db_error("cannot commit the schema");
    return {};
  }
  auto version = db_.prepare("SELECT format, version FROM schema_version");
  if (!version || !version->step() || version->text(0) != kFormatName) {
    return fail(ErrorCode::kBadMagic,
                fmt::format("{}: an SQLite database, but not a cmdsentry baseline (no "
                            "schema_version row \"{}\"); refusing to touch it",
                            path_, kFormatName));
  }
  const std::int64_t v = version->integer(1);
  if (v != kSchemaVersion) {
    return fail(ErrorCode::kUnsupported,
                fmt::format("{}: baseline schema version {}; this cmdsentry reads version {}",
                            path_, v, kSchemaVersion));
  }
  auto check = db_.prepare("PRAGMA quick_check");
  if (!check || !check->step() || check->text(0) != "ok") {
    return fail(ErrorCode::kCorrupt,
                fmt::format("{}: the baseline database is damaged (integrity check: {})", path_,
                            check ? check->text(0) : db_.message()));
  }
  return {};
}

Result<void> Store::prepare_writes() {
  // A bounded page cache (the record keys of a large organisation outgrow SQLite's 2 MiB
  // default, and each batch then rereads the index from disk).
  if (auto r = db_.exec("PRAGMA cache_size = -32768"); !r) return db_error("cannot set the cache");
  auto seen = db_.prepare("INSERT OR IGNORE INTO seen VALUES(?, ?, ?)");
  auto usage = db_.prepare(
      "INSERT INTO usage(command, phase, executable, image, path_class, original_file_name, "
      "user_sid, user_name, host, executions, first_seen, last_seen) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?10) "
      "ON CONFLICT(command, executable, image, original_file_name, user_sid, user_name, host) "
      "DO UPDATE SET executions = executions + 1, first_seen = min(first_seen, ?10), "
      "last_seen = max(last_seen, ?10) RETURNING id");
  auto day = db_.prepare("INSERT OR IGNORE INTO usage_day VALUES(?, ?)");
  auto parent = db_.prepare(
      "INSERT INTO usage_parent VALUES(?, ?, 1) ON CONFLICT(usage, parent) "
      "DO UPDATE SET executions = executions + 1");
  if (!seen || !usage || !day || !parent) return db_error("cannot prepare the writes");
  seen_ = std::move(*seen);
  usage_ = std::move(*usage);
  day_ = std::move(*day);
  parent_ = std::move(*parent);
  return {};
}

Result<void> Store::add_use(const Use& u) {
  usage_.bind(1, u.command).bind(2, u.phase).bind(3, u.executable).bind(4, u.image);
  usage_.bind(5, u.path_class).bind(6, u.original_file_name).bind(7, u.user_sid);
  usage_.bind(8, u.user_name).bind(9, u.host).bind(10, static_cast<std::int64_t>(u.time));
  if (!usage_.step()) {
    auto e = db_error("cannot write usage");
    usage_.reset();
    return e;
  }
  const std::int64_t id = usage_.integer(0);
  usage_.reset();
  if (!day_.bind(1, id).bind(2, static_cast<std::int64_t>(u.time / kTicksPerDay)).run()) {
    return db_error("cannot write usage days");
  }
  if (!u.parent.empty() && !parent_.bind(1, id).bind(2, u.parent).run()) {
    return db_error("cannot write parents");
  }
  return {};
}

Result<void> Store::write_batch(const std::vector<Execution>& batch, LearnCounts& counts) {
  detail::Transaction t(db_);
  if (auto r = t.begin(); !r) return db_error("cannot start a transaction");
  LearnCounts c;
  for (const Execution& e : batch) {
    bool fresh = true;
    for (const RecordKey& k : e.keys) {
      if (!seen_.bind(1, k.host).bind(2, k.log).bind(3, k.record).run()) {
        return db_error("cannot write record keys");
      }
      if (db_.changes() == 0) fresh = false;
    }
    if (!fresh) {
      ++c.duplicates;
      continue;
    }
    ++c.executions;
    for (const Use& u : e.uses) {
      if (auto r = add_use(u); !r) return r;
    }
  }
  if (auto r = t.commit(); !r) return db_error("cannot commit a batch");
  counts.executions += c.executions;
  counts.duplicates += c.duplicates;
  return {};
}

Result<void> Store::set_groups(const std::vector<GroupMember>& members) {
  detail::Transaction t(db_);
  if (auto r = t.begin(); !r) return db_error("cannot start a transaction");
  if (auto r = db_.exec("DELETE FROM group_member"); !r) return db_error("cannot clear groups");
  auto ins = db_.prepare("INSERT OR REPLACE INTO group_member VALUES(?, ?, ?)");
  if (!ins) return db_error("cannot write groups");
  for (const GroupMember& m : members) {
    if (!ins->bind(1, m.member).bind(2, m.group).bind(3, m.group_sid).run()) {
      return db_error("cannot write groups");
    }
  }
  if (auto r = t.commit(); !r) return db_error("cannot commit groups");
  return {};
}

Result<void> Store::add_run(std::uint64_t time, const LearnCounts& counts) {
  auto ins = db_.prepare(
      "INSERT INTO learn_run(time, executions, duplicates, skipped) "
      "VALUES(?, ?, ?, ?)");
  if (!ins || !ins->bind(1, static_cast<std::int64_t>(time))
                   .bind(2, static_cast<std::int64_t>(counts.executions))
                   .bind(3, static_cast<std::int64_t>(counts.duplicates))
                   .bind(4, static_cast<std::int64_t>(counts.skipped))
                   .run()) {
    return db_error("cannot record the run");
  }
  return {};
}

Result<Baseline> Store::load() {
  Baseline b;
  auto rows = db_.prepare(
      "SELECT id, command, phase, executable, image, path_class, original_file_name, user_sid, "
      "user_name, host, executions, first_seen, last_seen FROM usage ORDER BY id");
  if (!rows) return db_error("cannot read usage");
  std::map<std::int64_t, std::size_t> by_id;
  while (rows->step()) {
    UsageRow r;
    r.command = rows->text(1);
    r.phase = rows->text(2);
    r.executable = rows->text(3);
    r.image = rows->text(4);
    r.path_class = rows->text(5);
    r.original_file_name = rows->text(6);
    r.user_sid = rows->text(7);
    r.user_name = rows->text(8);
    r.host = rows->text(9);
    r.executions = rows->integer(10);
    r.first_seen = static_cast<std::uint64_t>(rows->integer(11));
    r.last_seen = static_cast<std::uint64_t>(rows->integer(12));
    by_id[rows->integer(0)] = b.usage.size();
    b.usage.push_back(std::move(r));
  }
  if (rows->failed()) return db_error("cannot read usage");
  auto days = db_.prepare("SELECT usage, day FROM usage_day ORDER BY usage, day");
  if (!days) return db_error("cannot read usage days");
  while (days->step()) {
    if (auto it = by_id.find(days->integer(0)); it != by_id.end()) {
      b.usage[it->second].days.push_back(days->integer(1));
    }
  }
  auto parents = db_.prepare("SELECT usage, parent, executions FROM usage_parent");
  if (!parents) return db_error("cannot read parents");
  while (parents->step()) {
    if (auto it = by_id.find(parents->integer(0)); it != by_id.end()) {
      b.usage[it->second].parents[parents->text(1)] = parents->integer(2);
    }
  }
  auto members = db_.prepare("SELECT member, group_name, group_sid FROM group_member");
  if (!members) return db_error("cannot read groups");
  while (members->step()) {
    b.members.push_back({members->text(0), members->text(1), members->text(2)});
  }
  auto runs = db_.prepare(
      "SELECT count(*), coalesce(sum(executions), 0), coalesce(sum(duplicates), 0), "
      "coalesce(sum(skipped), 0) FROM learn_run");
  if (!runs || !runs->step()) return db_error("cannot read learn runs");
  b.runs = runs->integer(0);
  b.totals.executions = static_cast<std::uint64_t>(runs->integer(1));
  b.totals.duplicates = static_cast<std::uint64_t>(runs->integer(2));
  b.totals.skipped = static_cast<std::uint64_t>(runs->integer(3));
  if (days->failed() || parents->failed() || members->failed()) return db_error("cannot read");
  return b;
}

Result<Baseline> load_baseline(const std::string& path) {
  auto store = Store::open(path, OpenMode::kRead);
  if (!store) return tl::unexpected(store.error());
  return store->load();
}

}  // namespace cmdsentry::baseline
