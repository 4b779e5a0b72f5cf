#pragma once
/// Detector: the interface every detection stage implements (the knowledge base first; Sigma,
/// the baseline, policy replay and correlation next). The engine calls a detector on its own
/// thread, once per execution, in a deterministic order (event time per host, ties in input
/// order), after the execution's command line was analysed and its chain commands were paired
/// with their child processes, so `commands` lists exactly what this execution counts.
///
/// A detector may keep state, but only for a bounded span of event time: `on_time` tells it how
/// far event time has advanced so it can expire what it holds (STYLE.md, principle 16).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cmdline/analyzer.h"
#include "cmdsentry/event.h"
#include "cmdsentry/finding.h"

namespace cmdsentry {

/// One command an execution counts: its own process's command, or a command typed on its shell
/// line whose own process is not in the logs (every cmd builtin, or an unlogged child).
struct ExecutedCommand {
  std::size_t index = 0;                               ///< in AnalyzedEvent::analysis->commands
  cmdline::Origin origin = cmdline::Origin::kProcess;  ///< how it was reached
  bool via_cmd = false;                                ///< typed on a cmd.exe line
  bool on_shell = false;  ///< reported on the shell's record (its process was not logged)
  /// The shell whose command line started this execution (its record, with the shell's own
  /// parent image and command line); null when none was analysed.
  std::shared_ptr<const ProcessEvent> via;
  int obfuscation_score = 0;                      ///< max of this line's and the shell's
  std::vector<cmdline::Obfuscation> obfuscation;  ///< reasons of both lines, each once
};

/// An execution with its command-line analysis, kept for every detector.
struct AnalyzedEvent {
  std::shared_ptr<const ProcessEvent> process;
  std::shared_ptr<const cmdline::Analysis> analysis;  ///< never null
  std::string_view host;                              ///< host key ("ws01"), see events::host_key
  /// The commands this execution counts, each command of the run counted once overall. Empty
  /// for a cmd.exe container (its commands are counted on their own events), a helper process
  /// (net1.exe under net.exe, quser under query) and conhost.exe as Windows starts it.
  std::vector<ExecutedCommand> commands;

  /// The analysed command behind commands[i].
  [[nodiscard]] const cmdline::AnalyzedCommand& command(std::size_t i) const {
    return analysis->commands[commands[i].index];
  }
};

/// Bits of Detector::interests(): the non-execution events a detector wants to see.
enum Interest : std::uint8_t {
  kInterestLogons = 1,  ///< Security 4624
  kInterestExits = 2,   ///< Security 4689
  kInterestOther = 4,   ///< anything else (service installs, AppLocker policy events, ...)
};

/// Decides, where a non-execution record is read, whether a detector could match it. Each
/// reader thread gets its own (Detector::record_filter), so a filter may keep scratch state but
/// must only read the detector's frozen parts. A record no detector's filter wants (when no
/// sink wants every event) is dropped there and counted (RunReport::not_executions): a
/// detector that looks at a few event kinds then does not make the engine hold every event of
/// the input in its reorder window and pairing stage. A record kept for another detector or a
/// sink still reaches on_event of every detector interested in it, whatever its filter said.
class RecordFilter {
 public:
  virtual ~RecordFilter() = default;
  /// Whether on_event could give a match for this record (true when unsure).
  [[nodiscard]] virtual bool wants(const RawEvent& record) = 0;
};

/// What a Prematcher found for one execution, handed back to the detector's on_execution.
class Prematched {
 public:
  virtual ~Prematched() = default;
};

/// The part of a detector's work on an execution that depends on that execution alone (rule
/// matching), run ahead of on_execution on several threads: the engine hands a batch of final
/// executions to its detect workers, each with its own Prematcher (Detector::prematcher), then
/// calls on_execution in order with what the prematcher returned. A prematcher may keep scratch
/// state but must only read the detector's frozen parts; on_execution keeps the state that
/// needs order (correlations, counts).
class Prematcher {
 public:
  virtual ~Prematcher() = default;
  [[nodiscard]] virtual std::unique_ptr<Prematched> prematch(const AnalyzedEvent& event) = 0;
};

/// A named counter a detector reports at the end of the run.
using Counter = std::pair<std::string, std::uint64_t>;

/// A detection stage.
class Detector {
 public:
  virtual ~Detector() = default;
  /// Short name for diagnostics and counters ("kb", "sigma").
  [[nodiscard]] virtual std::string_view name() const = 0;
  /// Interest bits: which other events on_event() receives.
  [[nodiscard]] virtual std::uint8_t interests() const { return 0; }
  /// One analysed execution. Appends what matched to `out`, each Match naming the executed
  /// command it is about (Match::command) or -1 for the whole event.
  virtual void on_execution(const AnalyzedEvent& event, std::vector<Match>& out) = 0;
  /// A prematcher for one detect worker, or null (on_execution does all the work).
  [[nodiscard]] virtual std::unique_ptr<Prematcher> prematcher() const { return nullptr; }
  /// What the engine calls when the detector has a prematcher: on_execution with what the
  /// prematcher found for the event (null when the engine ran none: with one thread
  /// everything runs inline).
  virtual void on_execution_prematched(const AnalyzedEvent& event,
                                       std::unique_ptr<Prematched> prematched,
                                       std::vector<Match>& out) {
    (void)prematched;
    on_execution(event, out);
  }
  /// A non-execution event it asked for, in time order with the executions. Appends what
  /// matched on the event to `out` (Match::command -1, or kOwnFinding for a finding of its
  /// own): the engine reports those as findings on the event (Finding::execution false).
  virtual void on_event(const Event& event, std::vector<Match>& out) {
    (void)event;
    (void)out;
  }
  /// A filter for one reader thread, or null to receive every event its interests() cover.
  /// See RecordFilter.
  [[nodiscard]] virtual std::unique_ptr<RecordFilter> record_filter() const { return nullptr; }
  /// Event time has reached `time` (FILETIME ticks): state older than the detector's span may go.
  virtual void on_time(std::uint64_t time) { (void)time; }
  /// Counters for the end-of-run report.
  virtual void counters(std::vector<Counter>& out) const { (void)out; }
};

}  // namespace cmdsentry
