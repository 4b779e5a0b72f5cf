#pragma once
/// report::Sink: where findings go. One interface for every output format (CSV, JSON Lines,
/// terminal table; the HTML report later), so the scan step does not care which it feeds.
///
/// A sink formats into its own buffer and hands finished text to a TextOut callback, so the
/// library never touches stdout or files (the CLI owns them). Everything a finding carries came
/// from the logs and is attacker-controlled: each writer escapes for its format.
///
/// Usage:
///   auto sink = report::make_sink(report::Format::kJsonl, [&](std::string_view s) { out.write(s);
///   }); engine.add_sink(*sink);   // or: sink->begin(); sink->write(f)...; sink->finish();

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "cmdsentry/engine.h"
#include "cmdsentry/finding.h"
#include "cmdsentry/sink.h"
#include "report/fields.h"

namespace cmdsentry::report {

/// Receives formatted output text (in order; may be called many times).
using TextOut = std::function<void(std::string_view)>;

/// Output formats.
enum class Format : std::uint8_t { kTable, kCsv, kJsonl };

/// "table", "csv", "jsonl" -> Format.
[[nodiscard]] std::optional<Format> parse_format(std::string_view name);

/// Which fields CSV and JSON Lines carry (docs/scan.md, "Profiles"): `minimal` the few a
/// responder reads first, `standard` (default) every field of a finding, `verbose` standard plus
/// the headline level, process GUIDs, current directory and OriginalFileName, `timesketch`
/// standard plus Timesketch's required `message`, `datetime` and `timestamp_desc` (first).
enum class Profile : std::uint8_t { kMinimal, kStandard, kVerbose, kTimesketch };

/// "minimal", "standard", "verbose", "timesketch" -> Profile.
[[nodiscard]] std::optional<Profile> parse_profile(std::string_view name);

/// Settings shared by the writers.
struct SinkOptions {
  Profile profile = Profile::kStandard;  ///< CSV and JSON Lines fields
  int width = 120;                       ///< table: total line width (terminal columns)
  bool color = false;  ///< table: ANSI colours for phase and level (the CLI decides: TTY, NO_COLOR)
  TimeStyle time;      ///< table: how times are shown
};

/// A findings writer: an engine sink (cmdsentry::Sink) that formats findings as text.
class Sink : public cmdsentry::Sink {
 public:
  using cmdsentry::Sink::finish;
  /// One finding.
  virtual void write(const Finding& finding) = 0;
  /// After the last finding; flushes everything buffered.
  virtual void finish() = 0;

  void on_finding(const Finding& finding) override { write(finding); }
  void finish(const RunReport& report) override {
    (void)report;
    finish();
  }
};

/// The writer for `format`.
[[nodiscard]] std::unique_ptr<Sink> make_sink(Format format, TextOut out,
                                              const SinkOptions& options = {});

}  // namespace cmdsentry::report
