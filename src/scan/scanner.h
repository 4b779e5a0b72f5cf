#pragma once
/// Knowledge-base findings collected in memory, for tests and small inputs. scan_inputs() runs
/// cmdsentry::Engine with kb::KbDetector exactly as `cmdsentry scan` does (which streams them to
/// sinks instead); scan_events() runs the same stages (engine::ExecutionStage, kb::KbDetector)
/// over events a caller already holds.

#include <cstdint>
#include <string>
#include <vector>

#include "cmdsentry/engine.h"
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

/// Scans the executions among `events` (other kinds are ignored), ordered by time.
[[nodiscard]] ScanResult scan_events(std::vector<Event>&& events, const kb::KnowledgeBase& kb,
                                     const ScanOptions& options = {});

/// Scans files, directories and archives through the streaming engine, exactly as `cmdsentry
/// scan` does, and collects the findings (tests and small inputs: the findings are kept).
/// Diagnostics go to `on_diagnostic` when given.
[[nodiscard]] ScanResult scan_inputs(const std::vector<std::string>& paths,
                                     const kb::KnowledgeBase& kb, const ScanOptions& options = {},
                                     const DiagnosticHandler& on_diagnostic = {});
/// The same over in-memory inputs.
[[nodiscard]] ScanResult scan_inputs(const std::vector<BufferInput>& buffers,
                                     const kb::KnowledgeBase& kb, const ScanOptions& options = {},
                                     const DiagnosticHandler& on_diagnostic = {});

}  // namespace cmdsentry::scan
