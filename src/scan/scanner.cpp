#include "scan/scanner.h"

#include <algorithm>

#include "core/ordered_pool.h"
#include "kb/detector.h"

namespace cmdsentry::scan {
namespace {

ScanStats stats_of(const RunReport& r, std::size_t findings) {
  ScanStats st;
  st.executions = r.analysed;
  st.commands = r.commands;
  for (const auto& [name, v] : r.detector_counters) {
    if (name == "kb.matched") st.matched = v;
  }
  st.findings = findings;
  st.paired = r.paired;
  st.on_shell = r.on_shell;
  st.shells = r.shells;
  st.helpers = r.helpers;
  st.truncated = r.truncated;
  return st;
}

}  // namespace

ScanResult scan_events(std::vector<Event>&& events, const kb::KnowledgeBase& kb,
                       const ScanOptions& options) {
  ScanResult result;
  kb::KbDetector detector(kb);
  std::vector<Match> matches;
  engine::ExecutionStage stage(SIZE_MAX,
                               engine::StageOutput{[&](AnalyzedEvent&& ae) {
                                                     detector.on_execution(ae, matches);
                                                     engine::assemble_findings(ae, matches,
                                                                               result.findings);
                                                   },
                                                   nullptr},
                               resolve_threads(options.threads));
  for (Event& e : events) {
    if (std::holds_alternative<ProcessEvent>(e)) stage.add(std::move(e));
  }
  events.clear();
  stage.flush();
  RunReport counts;
  stage.add_counts(counts);
  std::stable_sort(result.findings.begin(), result.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.time() < b.time(); });
  detector.counters(counts.detector_counters);
  result.stats = stats_of(counts, result.findings.size());
  return result;
}

namespace {

/// Keeps every finding (a copy: the engine's own are reused).
class Collect final : public Sink {
 public:
  explicit Collect(std::vector<Finding>& out) : out_(out) {}
  void on_finding(const Finding& f) override { out_.push_back(f); }

 private:
  std::vector<Finding>& out_;
};

template <class Inputs>
ScanResult scan_with_engine(const Inputs& inputs, const kb::KnowledgeBase& kb,
                            const ScanOptions& options, const DiagnosticHandler& on_diagnostic) {
  ScanResult result;
  EngineOptions eo;
  eo.threads = options.threads;
  Engine engine(eo);
  kb::KbDetector detector(kb);
  Collect sink(result.findings);
  engine.add_detector(detector);
  engine.add_sink(sink);
  if (on_diagnostic) engine.on_diagnostic(on_diagnostic);
  result.stats = stats_of(engine.run(inputs), result.findings.size());
  return result;
}

}  // namespace

ScanResult scan_inputs(const std::vector<std::string>& paths, const kb::KnowledgeBase& kb,
                       const ScanOptions& options, const DiagnosticHandler& on_diagnostic) {
  return scan_with_engine(paths, kb, options, on_diagnostic);
}

ScanResult scan_inputs(const std::vector<BufferInput>& buffers, const kb::KnowledgeBase& kb,
                       const ScanOptions& options, const DiagnosticHandler& on_diagnostic) {
  return scan_with_engine(buffers, kb, options, on_diagnostic);
}

}  // namespace cmdsentry::scan
