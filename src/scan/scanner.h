#pragma once
/// scan_events(): normalized executions in, knowledge-base findings out, over a vector held in
/// memory. The same stages the streaming engine runs (engine::ExecutionStage for analysis and
/// chain pairing, kb::KbDetector), for tests and callers that already hold their events;
/// `cmdsentry scan` streams through cmdsentry::Engine instead.

#include <cstdint>
#include <vector>

#include "cmdsentry/event.h"
#include "cmdsentry/finding.h"
#include "engine/executions.h"
#include "kb/knowledge_base.h"

namespace cmdsentry::scan {

inline constexpr std::uint64_t kChainChildWindow = engine::kChainChildWindow;
inline constexpr std::uint64_t kChainChildSkew = engine::kChainChildSkew;

/// What to do.
struct ScanOptions {
  int threads = 1;  ///< command-line analysis workers (0: all cores)
};

/// Counts for the end-of-run line.
struct ScanStats {
  std::uint64_t executions = 0;  ///< ProcessEvents analysed
  std::uint64_t commands = 0;    ///< commands found in them (all programs and builtins)
  std::uint64_t matched = 0;     ///< counted commands known to the knowledge base
  std::uint64_t findings = 0;
  std::uint64_t paired = 0;     ///< chain commands counted on their own child event
  std::uint64_t on_shell = 0;   ///< chain commands counted on the shell's record
  std::uint64_t shells = 0;     ///< cmd.exe containers not counted themselves
  std::uint64_t helpers = 0;    ///< net1/quser/qwinsta/qprocess/conhost helpers skipped
  std::uint64_t truncated = 0;  ///< command lines that hit an analysis cap
};

/// Findings ordered by time (then by input order), plus counts.
struct ScanResult {
  std::vector<Finding> findings;
  ScanStats stats;
};

/// Scans the executions among `events` (other kinds are ignored), ordered by time as
/// events::run_pipeline returns them.
[[nodiscard]] ScanResult scan_events(std::vector<Event>&& events, const kb::KnowledgeBase& kb,
                                     const ScanOptions& options = {});

}  // namespace cmdsentry::scan
