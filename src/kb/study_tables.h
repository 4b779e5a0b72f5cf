#pragma once
/// The JPCERT/CC 2015 study's tables (../shared/reference/jpcert-2015-tables.csv), read with the
/// bounds and diagnostics of every other parser.
///
/// Format (one header line, then one row per command and phase; CRLF accepted):
///
///   scope,phase,rank,command,count,options
///   A,recon,1,tasklist,119,/s /v
///
/// `scope` is `all` (the study's overall tables, top 10 per phase) or a group name (A, B, C);
/// `rank` runs 1, 2, ... within each (scope, phase); `count` is executions; `options` is a
/// space-separated list (may be empty). Quoted fields are not part of the format. A row that
/// breaks any of this is an error naming file:line.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace cmdsentry::kb {

/// Caps of the reader (the real file is 4 KiB and 97 rows).
inline constexpr std::size_t kMaxStudyTableBytes = 1 << 20;
inline constexpr std::size_t kMaxStudyRows = 10000;
inline constexpr std::size_t kMaxStudyFieldBytes = 256;

/// One row of a study table.
struct StudyRow {
  int rank = 0;
  std::string command;
  std::uint64_t count = 0;
  std::vector<std::string> options;
};

/// Rows of one scope and phase, in rank order.
using StudyTable = std::vector<StudyRow>;

/// scope ("all", "A", ...) -> phase -> table.
struct StudyTables {
  std::map<std::string, std::map<std::string, StudyTable>> scopes;

  /// The table of `scope` and `phase`, or null.
  [[nodiscard]] const StudyTable* table(std::string_view scope, std::string_view phase) const;
  /// The group scopes (every scope but "all"), sorted.
  [[nodiscard]] std::vector<std::string> groups() const;
  /// The study's overall profile for `phase`: the groups' counts summed (the complete list; the
  /// published "all" table is its top 10 and differs from the sums in three counts), ranked by
  /// count, ties in the order the groups list them. Without groups: the "all" table.
  [[nodiscard]] StudyTable overall(std::string_view phase) const;
  /// Whether any table lists `command`.
  [[nodiscard]] bool lists(std::string_view command) const;
};

/// Parses the CSV text; `name` (the file) prefixes every error: "name:line: reason".
[[nodiscard]] Result<StudyTables> parse_study_tables(std::string_view text, std::string_view name);
/// Reads and parses the file (at most kMaxStudyTableBytes).
[[nodiscard]] Result<StudyTables> read_study_tables(const std::string& path);

}  // namespace cmdsentry::kb
