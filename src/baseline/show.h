#pragma once
/// `baseline show`: the learned usage summed per group, command and executable, as a table or
/// JSON (docs/baseline.md). Formatting only: the CLI prints what these return.

#include <optional>
#include <string>
#include <vector>

#include "baseline/store.h"
#include "baseline/tally.h"

namespace cmdsentry::baseline {

/// One line of the summary.
struct ShowRow {
  std::string group;
  std::string command;  ///< empty: a program the knowledge base does not know
  std::string phase;
  std::string executable;
  Tally tally;
};

/// Rows sorted by group, command, executable; only `group` (case-insensitive) when given.
[[nodiscard]] std::vector<ShowRow> summarize(const Baseline& baseline,
                                             const std::optional<std::string>& group);

/// Terminal table (text from the logs made terminal-safe).
[[nodiscard]] std::string format_show_table(const Baseline& baseline,
                                            const std::vector<ShowRow>& rows);
/// {"format":"cmdsentry-baseline-show","version":1,"learned":{...},"rows":[...]}
[[nodiscard]] std::string format_show_json(const Baseline& baseline,
                                           const std::vector<ShowRow>& rows);

/// "YYYY-MM-DD" of a FILETIME.
[[nodiscard]] std::string day_text(std::uint64_t filetime);

}  // namespace cmdsentry::baseline
