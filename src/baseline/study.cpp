#include "baseline/study.h"

#include "kb/study_tables.h"

namespace cmdsentry::baseline {

std::int64_t StudyCounts::total(std::string_view command) const {
  const auto it = by_command.find(std::string(command));
  if (it == by_command.end()) return 0;
  std::int64_t n = 0;
  for (const auto& [phase, count] : it->second) n += count;
  return n;
}

namespace {

/// The counts `recommend` needs, from the study's tables: the "all" rows, and for a command
/// without one, its per-group rows summed.
StudyCounts counts_of(const kb::StudyTables& tables) {
  StudyCounts all;
  StudyCounts groups;
  for (const auto& [scope, phases] : tables.scopes) {
    StudyCounts& into = scope == "all" ? all : groups;
    for (const auto& [phase, rows] : phases) {
      for (const kb::StudyRow& r : rows) {
        into.by_command[r.command][phase] += static_cast<std::int64_t>(r.count);
      }
    }
  }
  for (auto& [command, phases] : groups.by_command) {
    all.by_command.try_emplace(command, std::move(phases));
  }
  return all;
}

}  // namespace

Result<StudyCounts> parse_study_counts(std::string_view text, std::string_view name) {
  auto tables = kb::parse_study_tables(text, name);
  if (!tables) return tl::unexpected(tables.error());
  return counts_of(*tables);
}

Result<StudyCounts> read_study_counts(const std::string& path) {
  auto tables = kb::read_study_tables(path);
  if (!tables) return tl::unexpected(tables.error());
  return counts_of(*tables);
}

}  // namespace cmdsentry::baseline
