#pragma once
/// scan_events(): normalized executions in, findings out (the engine behind `cmdsentry scan`).
///
/// Every ProcessEvent is analysed (cmdline::analyze) and each command it runs is looked up in the
/// knowledge base. The hard part is counting each command once:
///
///  * `cmd /c ver & ipconfig /all & net view` is one event but three commands. `ver` is a
///    builtin and exists nowhere else; ipconfig.exe and net.exe usually appear again as children
///    of that cmd.exe. A chain command is *paired* with a child event when the child is on the
///    same host, its parent PID is the shell's PID, it started within kChainChildWindow after the
///    shell, and it runs the same program with the same arguments (whitespace and case aside).
///    If no child has the same arguments, the earliest unpaired child with the same program is
///    taken (the shell expanded %VARIABLES% with different values than our default table).
///    A paired command is reported on the child's record with `via` = the shell; an unpaired one
///    on the shell's record. Commands run by a nested shell that is itself paired are left to
///    that shell's own event.
///  * A cmd.exe that runs commands is a container, not a finding: its commands are.
///  * Helpers are not commands: net1.exe started by net.exe (EventMerger folds these, except
///    under a renamed net.exe), quser/qwinsta/qprocess started by query.exe, and conhost.exe as
///    Windows starts it for every console program (`0xffffffff -ForceV1`).
///
/// The analysis runs on `threads` workers (it is independent per event); pairing and finding
/// assembly are sequential and deterministic.

#include <cstdint>
#include <vector>

#include "cmdsentry/event.h"
#include "kb/knowledge_base.h"
#include "cmdsentry/finding.h"

namespace cmdsentry::scan {

/// Latest start of a chain command's child process after its shell (FILETIME ticks).
inline constexpr std::uint64_t kChainChildWindow = 10ull * 60 * 10'000'000;  // 10 min
/// Tolerated clock skew: a child logged up to this much *before* its shell (whole-second
/// exporters, Sysmon UtcTime vs 4688 TimeCreated).
inline constexpr std::uint64_t kChainChildSkew = 2ull * 10'000'000;  // 2 s

/// What to do.
struct ScanOptions {
  int threads = 1;  ///< analysis workers (0: hardware concurrency)
};

/// Counts for the end-of-run line.
struct ScanStats {
  std::uint64_t executions = 0;  ///< ProcessEvents analysed
  std::uint64_t commands = 0;    ///< commands found in them (all programs and builtins)
  std::uint64_t matched = 0;     ///< of those, known to the knowledge base
  std::uint64_t findings = 0;
  std::uint64_t paired = 0;     ///< chain commands reported on their own child event
  std::uint64_t on_shell = 0;   ///< chain commands reported on the shell's record
  std::uint64_t shells = 0;     ///< cmd.exe containers not reported themselves
  std::uint64_t helpers = 0;    ///< net1/quser/qwinsta/qprocess/conhost helpers skipped
  std::uint64_t truncated = 0;  ///< command lines that hit an analysis cap
};

/// Findings ordered by time (then by input order), plus counts.
struct ScanResult {
  std::vector<Finding> findings;
  ScanStats stats;
};

/// Scans the executions among `events` (other kinds are ignored). `events` should be ordered by
/// time, as events::run_pipeline returns them.
[[nodiscard]] ScanResult scan_events(std::vector<Event>&& events, const kb::KnowledgeBase& kb,
                                     const ScanOptions& options = {});

}  // namespace cmdsentry::scan
