#pragma once
/// The whole ingestion path in one call: read sources -> normalize -> merge. What
/// `cmdsentry events` runs, and what later stages (correlation, baseline, report) start from.

#include <functional>
#include <string>
#include <vector>

#include "cmdsentry/event.h"
#include "events/merge.h"
#include "sources/source.h"

namespace cmdsentry::events {

/// What to keep.
struct PipelineOptions {
  bool all = false;   ///< also keep logons, exits and other events (else executions only)
  int threads = 0;    ///< EVTX decoder threads
  bool carve = false; ///< EVTX slack recovery
};

/// Counts for the end-of-run summary.
struct PipelineStats {
  sources::SourceStats read;
  std::uint64_t executions = 0;      ///< ProcessEvents normalized (before merging)
  std::uint64_t other = 0;           ///< non-execution events normalized
  std::uint64_t not_executions = 0;  ///< dropped without --all
  MergeStats merge;
};

/// Events ordered by time, plus counts.
struct PipelineResult {
  std::vector<Event> events;
  PipelineStats stats;
};

/// Reads every path, normalizes and merges. Problems go to on_diagnostic; nothing is fatal.
[[nodiscard]] PipelineResult run_pipeline(
    const std::vector<std::string>& paths, const PipelineOptions& options,
    const std::function<void(const sources::SourceDiagnostic&)>& on_diagnostic);

/// Same, from one in-memory buffer (tests, fuzzers, benchmarks).
[[nodiscard]] PipelineResult run_pipeline_buffer(
    const std::string& name, std::string_view data, const PipelineOptions& options,
    const std::function<void(const sources::SourceDiagnostic&)>& on_diagnostic);

}  // namespace cmdsentry::events
