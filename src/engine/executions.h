#pragma once
/// The execution stage: command-line analysis and chain pairing over a bounded window of event
/// time, then the detectors, then findings. What scan_events() did over a whole input, as a
/// stream.
///
/// Counting each command once is the hard part:
///  * `cmd /c ver & ipconfig /all & net view` is one event but three commands; ipconfig.exe and
///    net.exe usually appear again as children of that cmd.exe. A chain command is *paired* with
///    a child on the same host whose parent PID is the shell's PID, started within
///    kChainChildWindow after the shell (kChainChildSkew before it at most), running the same
///    program with the same arguments (else the earliest unpaired child with the same program).
///    A paired command counts on the child's record with `via` = the shell; an unpaired one on
///    the shell's record. `wmic process call create` pairs with WmiPrvSE.exe's children,
///    the program `psexec [\\host] ... <program>` runs with PSEXESVC.exe's children (on the host).
///  * A cmd.exe that runs commands is a container, not a command: its commands are.
///  * Helpers are not commands: net1.exe under net.exe, quser/qwinsta/qprocess under query.exe,
///    conhost.exe as Windows starts it for every console program.
///
/// Streaming: a shell's pairing is decided once event time passes its start by
/// kChainChildWindow (every child it can claim has arrived), and an execution is final once
/// every shell that could claim it is decided: kChainChildWindow + kChainChildSkew after it.
/// Until then it is held. Shells are decided in time order, as the batch scan did, so the result
/// is the batch result. Parents of helpers are looked up in a small process table kept for
/// kProcessMemory. Memory: the executions of one pairing window, capped at max_held (the oldest
/// are then decided early and counted).

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cmdsentry/detector.h"
#include "cmdsentry/engine.h"

namespace cmdsentry::engine {

/// Latest start of a chain command's child process after its shell (FILETIME ticks).
inline constexpr std::uint64_t kChainChildWindow = 10ull * 60 * kTicksPerSecond;  // 10 min
/// Tolerated clock skew: a child logged up to this much *before* its shell.
inline constexpr std::uint64_t kChainChildSkew = 2ull * kTicksPerSecond;
/// How long a process stays in the table helpers' parents are looked up in.
inline constexpr std::uint64_t kProcessMemory = 60ull * 60 * kTicksPerSecond;  // 1 h
/// Most cached command-line analyses (same command lines repeat by the thousand in real logs).
inline constexpr std::size_t kAnalysisCacheSize = 8'192;
/// Executions analysed together (in parallel) before they enter the pairing window.
inline constexpr std::size_t kAnalysisBatch = 1'024;

/// Where final executions and other events go.
struct StageOutput {
  /// A final execution with its analysis (the detectors run here).
  std::function<void(AnalyzedEvent&&)> on_execution;
  /// A non-execution event, in order with the executions.
  std::function<void(Event&&)> on_other;
};

/// The stage. Not thread-safe; one per engine (or per host partition).
class ExecutionStage {
 public:
  /// `threads`: workers for the command-line analysis of a batch (1: on the calling thread).
  ExecutionStage(std::size_t max_held, StageOutput out, int threads = 1);
  ~ExecutionStage();
  ExecutionStage(const ExecutionStage&) = delete;
  ExecutionStage& operator=(const ExecutionStage&) = delete;
  /// One merged event, in (rough) time order.
  void add(Event&& event);
  /// Decides and hands on everything held.
  void flush();
  /// Counts (analysed, commands, counted, paired, on_shell, shells, helpers, truncated,
  /// held_forced) are added to `report`.
  void add_counts(RunReport& report) const;
  [[nodiscard]] std::size_t held() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Most bytes of events the stage holds for pairing, in order and late each (an estimate: the
/// records' own footprint). The count cap (max_held) bounds executions; a scan that also keeps
/// every other event for a detector (Sigma rules over logons, Sysmon network or process-access
/// events) holds those too, and a flood of large Sysmon 10 records within the pairing window
/// takes ~2 KB each, 65,536 of them ~130 MB. Past this budget the oldest are decided early,
/// counted as held_forced.
inline constexpr std::size_t kMaxHeldBytes = std::size_t{48} << 20;

/// Argument text after the words of the canonical name: `net view \\fs` -> `\\fs`.
[[nodiscard]] std::string args_after_name(std::string_view args, std::string_view name);

/// Groups a final execution's matches (emptied) into findings appended to `out`: one per
/// counted command that matched, one for the matches on the event as a whole.
void assemble_findings(const AnalyzedEvent& event, std::vector<Match>& matches,
                       std::vector<Finding>& out);

/// A non-execution event as the ProcessEvent a Finding is reported on: its time, host, user
/// (Sysmon User, else the Target*, else the Subject* fields, else the record's UserID), the
/// process it names (Image or ProcessName, ProcessId) and its record as the only evidence.
[[nodiscard]] std::shared_ptr<const ProcessEvent> event_as_process(const Event& event);

/// Groups the matches (emptied) on a non-execution event into findings appended to `out`: one
/// for the matches on the event as a whole, one per kOwnFinding match (Finding::execution false).
void assemble_event_findings(const Event& event, std::vector<Match>& matches,
                             std::vector<Finding>& out);

}  // namespace cmdsentry::engine
