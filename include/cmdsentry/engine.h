#pragma once
/// The streaming engine: sources -> normalize -> merge -> analyze -> detectors -> sinks,
/// composed once and used by the CLI, the tests, the benchmarks and the fuzzers.
///
///   inputs (one producer thread each: read, decode, normalize)
///     -> k-way merge by event time -> reorder window       (engine/input_merge)
///     -> cross-log merge: copies, 4688 + Sysmon 1, net1     (events::StreamMerger)
///     -> command-line analysis, chain pairing               (engine/executions)
///     -> detectors -> findings -> sinks
///
/// Every stage that remembers keeps a bounded span of event time and a bounded count, so memory
/// follows the windows below, not the input. The design and the reasons for each constant are
/// in docs/decisions/0004-streaming-engine.md.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cmdsentry/detector.h"
#include "cmdsentry/diagnostic.h"
#include "cmdsentry/sink.h"
#include "events/merge.h"
#include "sources/source.h"

namespace cmdsentry {

/// FILETIME ticks per second.
inline constexpr std::uint64_t kTicksPerSecond = 10'000'000;

/// How far events of one input may be out of time order and still be put back in order: exports
/// from SIEMs and forwarded logs are jumbled by seconds to a minute.
inline constexpr std::uint64_t kDefaultReorderWindow = 60 * kTicksPerSecond;
/// Most events the reorder window holds; past it the oldest go on (bounds memory on dense input).
inline constexpr std::size_t kDefaultMaxReorder = 65'536;
/// Most bytes of events the reorder window holds (an estimate: the events and their records).
/// 65,536 small events take ~30 MB, but records of several KB (Sysmon 10 call traces, 4104
/// script blocks, SIEM exports with the rendered message) would take hundreds; past it the
/// oldest go on, as past the count.
inline constexpr std::size_t kDefaultMaxReorderBytes = std::size_t{32} << 20;
/// Most executions held for chain pairing (10 minutes of event time, see
/// engine/executions.h); past it the oldest are decided early and counted.
inline constexpr std::size_t kDefaultMaxHeld = 65'536;
/// Inputs read at the same time (one thread and a small queue each). Further inputs open as
/// earlier ones end; their events older than the window are still processed, counted as late.
inline constexpr std::size_t kDefaultMaxOpenInputs = 32;
/// A live input (pipe, stdin) that delivers nothing this long makes the engine decide and write
/// everything it holds.
inline constexpr std::chrono::milliseconds kDefaultIdleFlush{1000};
/// A Sysmon UtcTime this far from its record's time is a clock offset, not logging delay.
inline constexpr std::uint64_t kClockOffsetThreshold = 5 * 60 * kTicksPerSecond;

/// Live counts of a run for a progress display, written by the engine's thread and read by any
/// (relaxed atomics: a display, not a synchronisation point).
struct EngineProgress {
  std::atomic<std::uint64_t> events{0};      ///< events merged so far (executions, kept others)
  std::atomic<std::uint64_t> event_time{0};  ///< FILETIME ticks of the latest merged event
};

/// What to run.
struct EngineOptions {
  int threads = 0;     ///< reader/decoder threads (0: all cores)
  bool carve = false;  ///< EVTX slack recovery
  /// Run command-line analysis, pairing and detectors (false: only read, normalize and merge,
  /// as `cmdsentry events` does).
  bool analyze = true;
  /// Keep non-execution events (logons, exits, others) for sinks that want events. Detectors
  /// that ask for them get them either way.
  bool all_events = false;
  std::uint64_t reorder_window = kDefaultReorderWindow;
  std::size_t max_reorder = kDefaultMaxReorder;
  std::size_t max_reorder_bytes = kDefaultMaxReorderBytes;
  std::size_t max_held = kDefaultMaxHeld;
  std::size_t max_open_inputs = kDefaultMaxOpenInputs;
  std::chrono::milliseconds idle_flush = kDefaultIdleFlush;
  /// Set: regular JSON/XML files are followed as they grow (`tail -f`) and treated as live
  /// inputs, until `*follow` becomes true (the CLI sets it on SIGINT/SIGTERM); then the run
  /// ends as at the end of its inputs.
  const std::atomic<bool>* follow = nullptr;
  /// Set: updated as events are merged (the CLI's progress line).
  EngineProgress* progress = nullptr;
};

/// End-of-run counts: what was read, merged, analysed and found. Counts, never events.
struct RunReport {
  sources::SourceStats read;
  std::uint64_t inputs = 0;          ///< files / streams opened as inputs
  std::uint64_t executions = 0;      ///< ProcessEvents normalized (before merging)
  std::uint64_t other = 0;           ///< non-execution events normalized and kept
  std::uint64_t not_executions = 0;  ///< non-execution events dropped (nobody wanted them)
  events::MergeStats merge;
  std::uint64_t late = 0;             ///< events older than the reorder window when they arrived
  std::uint64_t reorder_forced = 0;   ///< released early because the reorder window was full
  std::uint64_t clock_corrected = 0;  ///< Sysmon events whose time was taken from the record
  std::uint64_t idle_flushes = 0;     ///< times a live input went idle and state was flushed

  // Analysis (when EngineOptions::analyze).
  std::uint64_t analysed = 0;     ///< executions analysed
  std::uint64_t commands = 0;     ///< commands found in them (programs and builtins)
  std::uint64_t counted = 0;      ///< commands counted (passed to detectors as ExecutedCommand)
  std::uint64_t paired = 0;       ///< chain commands counted on their own child event
  std::uint64_t on_shell = 0;     ///< chain commands counted on the shell's record
  std::uint64_t shells = 0;       ///< cmd.exe containers not counted themselves
  std::uint64_t helpers = 0;      ///< net1/quser/qwinsta/qprocess/conhost helpers not counted
  std::uint64_t truncated = 0;    ///< command lines that hit an analysis cap
  std::uint64_t held_forced = 0;  ///< executions decided early (pairing window full)
  std::uint64_t findings = 0;
  std::uint64_t matches = 0;
  std::vector<Counter> detector_counters;  ///< "kb.hidden_by_noise", ...

  std::uint64_t notes = 0;  ///< diagnostics by severity
  std::uint64_t warnings = 0;
  std::uint64_t errors = 0;
};

/// Receives diagnostics, in a deterministic order, on the engine's thread.
using DiagnosticHandler = std::function<void(const Diagnostic&)>;

/// An in-memory input (tests, fuzzers, benchmarks).
struct BufferInput {
  std::string name;
  std::string_view data;
};

/// One run over a set of inputs. Detectors and sinks are borrowed, not owned.
class Engine {
 public:
  explicit Engine(EngineOptions options = {}) : options_(options) {}
  void add_detector(Detector& detector) { detectors_.push_back(&detector); }
  void add_sink(Sink& sink) { sinks_.push_back(&sink); }
  void on_diagnostic(DiagnosticHandler handler) { on_diagnostic_ = std::move(handler); }

  /// Reads every path (file, directory, archive, "-" for stdin). Nothing is fatal: problems go
  /// to the diagnostic handler and the counts.
  [[nodiscard]] RunReport run(const std::vector<std::string>& paths);
  /// Reads in-memory inputs, merged by time like files.
  [[nodiscard]] RunReport run(const std::vector<BufferInput>& buffers);

 private:
  EngineOptions options_;
  std::vector<Detector*> detectors_;
  std::vector<Sink*> sinks_;
  DiagnosticHandler on_diagnostic_;
};

}  // namespace cmdsentry
