#include "events/pipeline.h"

#include "events/normalize.h"

namespace cmdsentry::events {
namespace {

template <class Read>
PipelineResult run(const PipelineOptions& options,
                   const std::function<void(const sources::SourceDiagnostic&)>& on_diagnostic,
                   Read&& read) {
  PipelineResult result;
  EventMerger merger;
  sources::SourceOptions so;
  so.threads = options.threads;
  so.carve = options.carve;
  if (!options.all) so.event_ids = execution_event_ids();
  sources::SourceSink sink;
  sink.on_diagnostic = on_diagnostic;
  sink.on_event = [&](RawEvent&& raw) {
    Event e = normalize(std::move(raw));
    if (std::holds_alternative<ProcessEvent>(e)) {
      result.stats.executions++;
    } else if (!options.all) {
      result.stats.not_executions++;
      return;
    } else {
      result.stats.other++;
    }
    merger.add(std::move(e));
  };
  result.stats.read = read(so, sink);
  result.events = merger.finish(&result.stats.merge);
  return result;
}

}  // namespace

PipelineResult run_pipeline(
    const std::vector<std::string>& paths, const PipelineOptions& options,
    const std::function<void(const sources::SourceDiagnostic&)>& on_diagnostic) {
  return run(options, on_diagnostic, [&](const auto& so, const auto& sink) {
    return sources::read_paths(paths, so, sink);
  });
}

PipelineResult run_pipeline_buffer(
    const std::string& name, std::string_view data, const PipelineOptions& options,
    const std::function<void(const sources::SourceDiagnostic&)>& on_diagnostic) {
  return run(options, on_diagnostic, [&](const auto& so, const auto& sink) {
    return sources::read_buffer(name, data, so, sink);
  });
}

}  // namespace cmdsentry::events
