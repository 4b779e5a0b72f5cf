#pragma once
/// Merged events collected through the streaming engine, the way `cmdsentry events` reads them
/// (tests only: every event is kept). Test executables that include this link cmdsentry_engine.

#include <string>
#include <vector>

#include "cmdsentry/engine.h"

namespace cmdsentry::testing {

/// Keeps every merged event.
class EventCollector final : public Sink {
 public:
  [[nodiscard]] bool wants_events() const override { return true; }
  void on_event(const Event& e) override { events.push_back(e); }
  std::vector<Event> events;
};

/// What a collection run gives.
struct Collected {
  std::vector<Event> events;  ///< merged, in time order
  RunReport report;
};

/// Reads, normalizes and merges `inputs` (paths, or BufferInputs); `all` keeps logons, exits and
/// other events too (else executions only, like `cmdsentry events` without --all).
template <class Inputs>
Collected collect_events(const Inputs& inputs, bool all = false,
                         const DiagnosticHandler& on_diagnostic = {}) {
  EngineOptions o;
  o.analyze = false;
  o.all_events = all;
  Engine engine(o);
  EventCollector sink;
  engine.add_sink(sink);
  if (on_diagnostic) engine.on_diagnostic(on_diagnostic);
  Collected c;
  c.report = engine.run(inputs);
  c.events = std::move(sink.events);
  return c;
}

}  // namespace cmdsentry::testing
