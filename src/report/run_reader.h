#pragma once
/// Reads a saved run (`cmdsentry scan --format jsonl` output: finding, incident and automation
/// records, one JSON object a line) into an HtmlWriter, streaming: one line in memory at a time,
/// each at most limits::kMaxLineBytes. A line that is not a JSON object, or not one of the three
/// record types, is skipped and counted (the first few are described). Lines of other types
/// (a summary from --summary-format json sent to the same file) are counted as `other`.

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "report/filter.h"
#include "report/html_writer.h"

namespace cmdsentry::report {

/// What read_run saw.
struct RunReadStats {
  std::uint64_t lines = 0;  ///< non-empty lines
  std::uint64_t findings = 0;
  std::uint64_t incidents = 0;
  std::uint64_t automation = 0;
  std::uint64_t other = 0;     ///< valid records of another type (summary), not shown
  std::uint64_t skipped = 0;   ///< malformed or over the line cap
  std::uint64_t filtered = 0;  ///< findings and incidents the filter left out
  /// "line N: why", for the first kMaxProblems skipped lines.
  std::vector<std::string> problems;
  static constexpr std::size_t kMaxProblems = 10;
};

/// Parses one finding record (a JSON object text) into the report's view; false when `json` is
/// not a finding record.
[[nodiscard]] bool parse_finding_json(std::string_view json, ReportFinding& out);

/// Reads every line of `in` into `writer` (which must have begun; the caller finishes it);
/// with `filter`, only the findings and incidents it keeps (automation lines always).
[[nodiscard]] RunReadStats read_run(std::istream& in, HtmlWriter& writer,
                                    const FilterSpec* filter = nullptr);

}  // namespace cmdsentry::report
