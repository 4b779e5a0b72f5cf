#pragma once
/// TableWriter: an aligned, human-readable timeline for a terminal. One line per finding:
///
///   TIME (UTC)           HOST  USER  PHASE    TACTIC             RULE                      ...
///   2026-03-02 13:12:05  WKS7  ...   spread   credential-access  rundll32 comsvcs minidump ...
///
/// PHASE is the JPCERT study's phase of the command (its own column, as in the study summary);
/// TACTIC and RULE are the most specific knowledge-base entry's ATT&CK tactic and name, so
/// `rundll32 comsvcs.dll MiniDump` reads "spread / credential-access / rundll32 comsvcs
/// minidump". Every value passes terminal_text() (no control sequences, no bidi overrides).
/// HOST, USER, PHASE, TACTIC and RULE are never cut: a longer value wraps onto continuation
/// lines within its column (at a space, '-', '\\' or '.' when it can). ARGS takes what is left
/// of `width` and is abbreviated ("…") to one line. On a narrow terminal OBF, then NOISE, then
/// TACTIC are left out; below kMinWidth columns rows are longer than the width.
/// With `color`, the phase is coloured by phase and the rule by level (bold red high and
/// critical, yellow medium, dim informational).

#include <string>
#include <vector>

#include "report/sink.h"

namespace cmdsentry::report {

/// Terminal table sink.
class TableWriter final : public Sink {
 public:
  /// Narrowest width whose rows fit: TIME, HOST, USER, PHASE, RULE and 16 columns of ARGS.
  static constexpr int kMinWidth = 114;
  TableWriter(TextOut out, int width, bool color = false, TimeStyle time = {})
      : out_(std::move(out)), width_(width), color_(color), time_(std::move(time)) {}
  void begin() override;
  void write(const Finding& finding) override;
  /// An incident block: id, score, host, user, span, phases, targets, reasons and its commands
  /// grouped by ancestry (a tree: the ancestry line, then the commands under it).
  void on_incident(const Incident& incident) override;
  /// Known-automation lines are printed after the timeline.
  void on_automation(const AutomationLine& line) override;
  void finish() override;
  void flush() override {
    if (!buf_.empty()) out_(buf_);
    buf_.clear();
  }

 private:
  void row(std::string_view time, std::string_view host, std::string_view user,
           std::string_view phase, std::string_view tactic, std::string_view rule,
           std::string_view noise, std::string_view obf, std::string_view args,
           std::string_view level = {});

  TextOut out_;
  int width_;
  bool color_;
  TimeStyle time_;
  std::string buf_;
  std::uint64_t rows_ = 0;
  std::string automation_;
};

/// `text` split into lines of at most `width` code points, at the last space, '-', '\\' or '.'
/// of each line when there is one (else in the middle of a word); at least one line.
[[nodiscard]] std::vector<std::string> wrap(std::string_view text, std::size_t width);

/// Host as shown in tables: the NetBIOS part of a DNS name (an IP address stays whole).
[[nodiscard]] std::string short_host(std::string_view host);

}  // namespace cmdsentry::report
