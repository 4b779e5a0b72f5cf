#pragma once
/// The JPCERT/CC 2015 study's attacker counts per command and phase (the "all" rows of
/// jpcert-2015-tables.csv: scope,phase,rank,command,count,options), next to which `recommend`
/// puts the organisation's own use of each command.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/error.h"

namespace cmdsentry::baseline {

/// command ("net view") -> phase ("discovery") -> times the study's attackers ran it.
struct StudyCounts {
  std::map<std::string, std::map<std::string, std::int64_t>> by_command;

  /// Sum over phases; 0 for a command the study did not count.
  [[nodiscard]] std::int64_t total(std::string_view command) const;
};

/// Parses the CSV text with the study tables' reader (kb/study_tables.h: bounded, every error
/// names file:line). Rows of scope "all" are used; when a command has no "all" row, the
/// per-group rows (A, B, C) are summed.
[[nodiscard]] Result<StudyCounts> parse_study_counts(std::string_view text, std::string_view name);
/// Reads the CSV file.
[[nodiscard]] Result<StudyCounts> read_study_counts(const std::string& path);

}  // namespace cmdsentry::baseline
