#pragma once
/// Reading knowledge-base YAML (docs/kb-format.md) into entries plus diagnostics.
///
/// Bad input is data: a syntax error yields one diagnostic and no entries; a bad entry yields
/// diagnostics and is dropped while the other entries load. yaml-cpp reports errors by throwing;
/// this file is the only place that catches them, so nothing escapes the library.

#include <filesystem>
#include <string_view>
#include <vector>

#include "kb/entry.h"

namespace cmdsentry::kb {

/// Entries read from one document and what was wrong with it.
struct ReadResult {
  std::vector<Entry> entries;
  std::vector<Diagnostic> diagnostics;

  /// True when no diagnostic is an error.
  [[nodiscard]] bool ok() const;
};

/// Reads YAML text; `file` is used in locations only.
[[nodiscard]] ReadResult read_kb(std::string_view yaml, std::string_view file);

/// Reads a file (an unreadable or oversized file is a diagnostic, not an exception).
[[nodiscard]] ReadResult read_kb_file(const std::filesystem::path& path);

/// The allowed phase values (JPCERT phases and ATT&CK tactics).
[[nodiscard]] bool is_valid_phase(std::string_view phase);
/// The allowed tactic values (ATT&CK tactics, kebab-case, v19 names included).
[[nodiscard]] bool is_valid_tactic(std::string_view tactic);
/// T#### or T####.###.
[[nodiscard]] bool is_valid_technique(std::string_view id);

}  // namespace cmdsentry::kb
