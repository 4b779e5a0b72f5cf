#pragma once
/// HtmlWriter: the self-contained HTML report (docs/report.md). One file, no network: the page's
/// own script draws the overview, the per-host timeline, incident cards, the study-style top
/// commands per phase and a virtualised, filterable findings table, from data embedded in it.
///
/// Why it streams: the writer keeps no findings. It writes the page head (style, script, the
/// Content-Security-Policy naming both by SHA-256) in begin(), then the data as a series of
///   <script type="application/json" class="cs-data">{"s":[...],"f":[...],"i":[...],"a":[...]}
/// blocks of about 64 KiB each, as findings arrive; the page reads every block when it loads.
/// Repeated short strings (host, user, phase, rule, image, ...) are interned: "s" adds strings to
/// one table for the whole page and a finding's cell holds the index. The table is capped
/// (kMaxInterned strings of at most kMaxInternedBytes), past which cells hold the string itself,
/// so the writer's memory is bounded whatever the run's size.
///
/// "f" rows are arrays, in the column order of kHtmlColumns (docs/report.md); "i" are incident
/// and "a" automation objects in their JSON Lines shape (docs/incidents.md). All JSON text in
/// the page has <, >, & and U+2028/2029 written as \u escapes, so no log text can close the
/// block or open a tag; the page inserts every string with textContent and shows control,
/// bidi and zero-width characters as ⟨U+202E⟩.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "report/sink.h"

namespace cmdsentry::report {

/// One finding as the report shows it: flat text, from a Finding or a line of a JSONL run.
struct ReportFinding {
  std::uint64_t time = 0;  ///< FILETIME ticks UTC; 0 unknown
  std::string host, user, phase, command, rule, tactic, level, noise, args, command_line, image,
      parent_image, source, incident, technique, ancestry, origin;
  std::uint64_t record = 0;
  int obfuscation = 0;
};

/// The report's view of a finding (level: the highest of its matches).
[[nodiscard]] ReportFinding report_finding(const Finding& finding);

/// Settings of the page.
struct HtmlOptions {
  std::string title = "cmdsentry report";
  std::string generated;  ///< when the report was made (shown; empty: not shown)
  std::string input;      ///< what was read (shown)
};

/// The HTML report sink.
class HtmlWriter final : public Sink {
 public:
  static constexpr std::size_t kMaxInterned = 1u << 16;
  static constexpr std::size_t kMaxInternedBytes = 256;

  HtmlWriter(TextOut out, HtmlOptions options);
  void begin() override;
  void write(const Finding& finding) override { add(report_finding(finding)); }
  void on_incident(const Incident& incident) override;
  void on_automation(const AutomationLine& line) override;
  void finish() override;
  void finish(const RunReport& report) override;

  /// One finding (what write() and the JSONL run reader call).
  void add(const ReportFinding& finding);
  /// One incident or automation record given as its JSON object text (the JSONL run reader);
  /// `json` must be valid JSON (it is escaped for the page, not parsed again).
  void add_incident_json(std::string_view json);
  void add_automation_json(std::string_view json);

 private:
  void cell(std::string_view text, bool intern);
  void close_block(bool force);
  void open_list(char list);

  TextOut out_;
  HtmlOptions options_;
  std::unordered_map<std::string, std::uint32_t> interned_;
  std::string strings_;  ///< the block's "s" items
  std::string rows_;     ///< the block's "f" items
  std::string incidents_;
  std::string automation_;
  std::string run_;  ///< the run's counts, at the end
  std::uint64_t findings_ = 0;
  bool finished_ = false;
};

/// Appends `json` for a <script type="application/json"> block: <, >, & and U+2028/2029 as \u
/// escapes (everything else as is; `json` is valid JSON).
void append_script_json(std::string& out, std::string_view json);

}  // namespace cmdsentry::report
