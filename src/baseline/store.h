#pragma once
/// The baseline database: what the organisation ran, learned from its logs, in one SQLite file.
///
/// Why SQLite and these tables: learning is incremental (new logs are added to the same file,
/// logs read twice are not counted twice) and must not hold the input in memory, so the
/// aggregates live on disk and each batch of executions is one transaction that also records
/// the (host, log, record id) keys it counted. A crash loses at most the batch in flight, and
/// re-reading resumes without double counting. The schema (version 1, docs/baseline.md):
///
///   schema_version(format, version)          one row: "cmdsentry-baseline", 1
///   seen(host, log, record)                  every record already counted
///   usage(id, command, phase, executable, image, path_class, original_file_name,
///         user_sid, user_name, host, executions, first_seen, last_seen)
///   usage_day(usage, day)                    distinct days (FILETIME / 1 day)
///   usage_parent(usage, parent, executions)  parent image names
///   group_member(member, group_name, group_sid)  from --groups (member: SID or name, lower case)
///   learn_run(id, time, executions, duplicates, skipped)
///
/// A file that is not SQLite, is damaged, or is another program's database is an error that
/// names the file; nothing is written to it.

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "baseline/sqlite.h"
#include "core/error.h"

namespace cmdsentry::baseline {

/// Schema version this build writes and reads.
inline constexpr int kSchemaVersion = 1;
/// The format name in schema_version (tells our files from other SQLite files).
inline constexpr std::string_view kFormatName = "cmdsentry-baseline";

/// The key that makes learning idempotent: one record of one log of one host.
struct RecordKey {
  std::string host;  ///< host key ("ws0001")
  std::string log;   ///< channel ("Security"), or "file:<name>" for records without an id
  std::int64_t record = 0;

  friend auto operator<=>(const RecordKey&, const RecordKey&) = default;
};

/// One executed command as the learner saw it (one row of usage, before aggregation).
struct Use {
  std::string command;  ///< knowledge-base canonical name; empty for commands it does not know
  std::string phase;
  std::string executable;          ///< lower-case file name ("net.exe"; "cmd.exe" for builtins)
  std::string image;               ///< lower-case full path; empty when not logged
  std::string path_class;          ///< see executable.h
  std::string original_file_name;  ///< lower case; empty when not logged
  std::string user_sid;
  std::string user_name;   ///< DOMAIN\name as logged
  std::string host;        ///< host key
  std::string parent;      ///< lower-case parent image name; empty when unknown
  std::uint64_t time = 0;  ///< FILETIME
};

/// One aggregated usage row read back.
struct UsageRow {
  std::string command, phase, executable, image, path_class, original_file_name;
  std::string user_sid, user_name, host;
  std::int64_t executions = 0;
  std::uint64_t first_seen = 0, last_seen = 0;
  std::vector<std::int64_t> days;               ///< distinct day numbers, ascending
  std::map<std::string, std::int64_t> parents;  ///< parent image name -> executions
};

/// A --groups mapping line.
struct GroupMember {
  std::string member;  ///< SID or user name (DOMAIN\name or name), lower case
  std::string group;
  std::string group_sid;  ///< may be empty
};

/// Counts of one learn run.
struct LearnCounts {
  std::uint64_t executions = 0;  ///< new executions counted
  std::uint64_t duplicates = 0;  ///< executions already in the database (same records)
  std::uint64_t skipped = 0;     ///< excluded by --exclude-host, --since, --until
};

/// Everything the database holds, for show and recommend (aggregates: bounded by the number
/// of distinct command/executable/user/host combinations, not by the input).
struct Baseline {
  std::vector<UsageRow> usage;
  std::vector<GroupMember> members;
  LearnCounts totals;  ///< over every learn run
  std::int64_t runs = 0;
};

/// How to open.
enum class OpenMode : std::uint8_t { kRead, kLearn };

/// An open baseline database.
class Store {
 public:
  /// Opens (kLearn: creating it and its schema when the file is new or empty). Checks the
  /// file is an intact cmdsentry baseline of a known schema version.
  [[nodiscard]] static Result<Store> open(const std::string& path, OpenMode mode);

  /// One atomic batch: executions whose every record is new are added to the aggregates;
  /// one with any record already counted is a duplicate. `uses[i]` belongs to `keys[i]`.
  struct Execution {
    std::vector<RecordKey> keys;
    std::vector<Use> uses;
  };
  [[nodiscard]] Result<void> write_batch(const std::vector<Execution>& batch, LearnCounts& counts);
  /// Replaces the group mapping (one transaction).
  [[nodiscard]] Result<void> set_groups(const std::vector<GroupMember>& members);
  /// Records a finished learn run.
  [[nodiscard]] Result<void> add_run(std::uint64_t time, const LearnCounts& counts);
  /// Reads everything back.
  [[nodiscard]] Result<Baseline> load();

 private:
  Store(detail::Connection db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}
  [[nodiscard]] Result<void> check_schema(OpenMode mode);
  [[nodiscard]] Result<void> prepare_writes();
  [[nodiscard]] tl::unexpected<Error> db_error(std::string_view what) const;
  [[nodiscard]] Result<void> add_use(const Use& u);

  detail::Connection db_;
  std::string path_;
  detail::Statement seen_, usage_, day_, parent_;
};

/// Opens `path` for reading and loads everything it holds.
[[nodiscard]] Result<Baseline> load_baseline(const std::string& path);

}  // namespace cmdsentry::baseline
