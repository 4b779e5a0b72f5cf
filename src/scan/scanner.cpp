#include "scan/scanner.h"

#include <algorithm>

#include "core/ordered_pool.h"
#include "kb/detector.h"

namespace cmdsentry::scan {

ScanResult scan_events(std::vector<Event>&& events, const kb::KnowledgeBase& kb,
                       const ScanOptions& options) {
  ScanResult result;
  kb::KbDetector detector(kb);
  std::vector<Match> matches;
  engine::ExecutionStage stage(
      SIZE_MAX, engine::StageOutput{[&](AnalyzedEvent&& ae) {
                                      detector.on_execution(ae, matches);
                                      engine::assemble_findings(ae, matches, result.findings);
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
  ScanStats& st = result.stats;
  st.executions = counts.analysed;
  st.commands = counts.commands;
  std::vector<Counter> c;
  detector.counters(c);
  for (const auto& [name, v] : c) {
    if (name == "kb.matched") st.matched = v;
  }
  st.findings = result.findings.size();
  st.paired = counts.paired;
  st.on_shell = counts.on_shell;
  st.shells = counts.shells;
  st.helpers = counts.helpers;
  st.truncated = counts.truncated;
  return result;
}

}  // namespace cmdsentry::scan
