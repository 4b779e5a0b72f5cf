#pragma once
/// The JPCERT/CC 2015 study's per-group command tables (jpcert-2015-tables.csv: scope, phase,
/// rank, command, count, options), read at run time: the simulator draws each intrusion's
/// commands from its group's table, weighted by the study's counts.

#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace cmdsentry::orgsim {

enum class Phase : std::uint8_t { kRecon, kDiscovery, kSpread };
[[nodiscard]] const char* to_string(Phase p);

struct StudyCommand {
  std::string command;               ///< "net view", "tasklist"
  double count = 0;                  ///< times the study saw it
  std::vector<std::string> options;  ///< "/s", "/v"
};

/// One attack group's table: commands per phase.
struct GroupTable {
  std::string name;  ///< "A", "B", "C"
  std::array<std::vector<StudyCommand>, 3> phases;
};

struct StudyTables {
  std::vector<GroupTable> groups;  ///< A, B, C (the "all" rows are not a group)
};

/// Reads the CSV; fails naming the file and line of a malformed row.
[[nodiscard]] Result<StudyTables> read_study_tables(const std::filesystem::path& csv);

/// Parses CSV text (`name` is used in messages). Fuzzed by fuzz/fuzz_study_tables.cpp.
[[nodiscard]] Result<StudyTables> parse_study_tables(std::string_view text, std::string_view name);

}  // namespace cmdsentry::orgsim
