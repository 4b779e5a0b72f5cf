#pragma once
/// Sink: where the engine's results go. Table, CSV, JSON Lines and the normalized-event writer
/// are sinks (src/report/); the HTML report will be one. The engine calls a sink on its own
/// thread: begin(), then findings (and events, for a sink that asked for them) as they become
/// final, flush() when the input goes idle (a live feed), and finish() with the run's report.
///
/// Everything a finding carries came from the logs and is attacker-controlled: each sink
/// escapes for its format.

#include "cmdsentry/event.h"
#include "cmdsentry/finding.h"
#include "cmdsentry/incident.h"

namespace cmdsentry {

struct RunReport;  // engine.h

/// A consumer of engine output.
class Sink {
 public:
  virtual ~Sink() = default;
  /// Before anything else (headers).
  virtual void begin() {}
  /// One finding, final.
  virtual void on_finding(const Finding& finding) { (void)finding; }
  /// An incident, before its findings (which carry its id in Finding::incident). Only when
  /// correlation runs (correlate::IncidentStage).
  virtual void on_incident(const Incident& incident) { (void)incident; }
  /// One collapsed known-automation pattern, at the end of the run.
  virtual void on_automation(const AutomationLine& line) { (void)line; }
  /// True when the sink wants every merged event (on_event); `cmdsentry events` does.
  [[nodiscard]] virtual bool wants_events() const { return false; }
  /// One merged event, in time order (only when wants_events()).
  virtual void on_event(const Event& event) { (void)event; }
  /// The input went idle: hand out what is buffered.
  virtual void flush() {}
  /// After the last finding, with the end-of-run counts.
  virtual void finish(const RunReport& report) { (void)report; }
};

}  // namespace cmdsentry
