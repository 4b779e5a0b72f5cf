#pragma once
/// Correlation: from single findings to incidents (issue "Catch the intrusion").
///
///   engine -> detectors (kb, sigma, ..., Correlator last) -> findings
///          -> IncidentStage (a Sink) -> the writers and the summary (its downstream sinks)
///
/// The Correlator is a Detector: it keeps each host's process tree and logon sessions (bounded,
/// see ancestry.h), classifies every execution's ancestry, and adds a Match of engine
/// `correlation` for a known remote-execution shape (critical) or an unusual ancestry (high). It
/// must be added after the other detectors: it reads their matches for the same event to decide
/// which commands an unusual ancestry concerns.
///
/// Its IncidentStage (sink()) holds findings per (host, user) cluster, closed by event time (a
/// gap of kClusterGap, a span of kMaxClusterSpan, kMaxClusterFindings), by an idle flush or at the
/// end. A closed cluster is scored (score.h); at the threshold it becomes an Incident, written
/// before its findings, which carry its id. Findings go downstream in event-time order (they are
/// released once every cluster that could still take an earlier finding has closed). Findings of
/// known automation never join clusters: they are collapsed into one AutomationLine per pattern
/// (or passed on individually with show_automation).

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "cmdsentry/detector.h"
#include "cmdsentry/incident.h"
#include "cmdsentry/sink.h"
#include "correlate/ancestry.h"
#include "correlate/score.h"

namespace cmdsentry::correlate {

/// A quiet hour ends a cluster: an operator's session of typed commands rarely pauses longer,
/// and the study's RAT sessions ran their phases within minutes to an hour.
inline constexpr std::uint64_t kClusterGap = 3600 * kTick;
/// A cluster is closed after this much event time even if it keeps going (bounds what is held).
inline constexpr std::uint64_t kMaxClusterSpan = 8 * 3600 * kTick;
/// Findings per cluster before it is closed early (a script's thousand children).
inline constexpr std::size_t kMaxClusterFindings = 2'000;
/// Evidence references an incident lists (findings_total counts all).
inline constexpr std::size_t kMaxIncidentEvidence = 1'000;
/// Findings held in all (open clusters + closed ones waiting for time order); past it the
/// oldest cluster is closed early. A held finding keeps a slim copy of its execution (its own
/// fields and where its records came from, not their raw field maps), 0.5-1 KB.
inline constexpr std::size_t kMaxHeldFindings = 50'000;
/// Open clusters at most; past it the one idle longest is closed.
inline constexpr std::size_t kMaxOpenClusters = 20'000;
/// A remote-execution link counts when the target's activity follows within this time.
inline constexpr std::uint64_t kLinkWindow = 2 * 3600 * kTick;
/// Closed clusters remembered for links (id -> incident id).
inline constexpr std::size_t kMaxClosedClusters = 100'000;
/// Remote-execution links remembered (a spread command each).
inline constexpr std::size_t kMaxLinks = 10'000;
/// Hosts counted per automation line.
inline constexpr std::size_t kMaxAutomationHosts = 10'000;

/// Settings.
struct CorrelateOptions {
  ScoreWeights weights;
  bool show_automation = false;  ///< pass automation findings on (with Finding::automation)
  bool incidents_only = false;   ///< pass on only findings that belong to an incident
  std::vector<std::string> automation_off;  ///< pattern names, or "all"
  /// Read Security 4624 to give each incident its logon session (type, source address). Off by
  /// default: on Security-heavy logs decoding every logon costs about a third more time.
  bool sessions = false;
};

/// Counters for the end-of-run line.
struct CorrelateStats {
  std::uint64_t clusters = 0;
  std::uint64_t incidents = 0;
  std::uint64_t incident_findings = 0;
  std::uint64_t automation_findings = 0;
  std::uint64_t forced_closes = 0;  ///< clusters closed early by a cap
  std::uint64_t links = 0;          ///< remote-execution links between clusters
};

/// The sink stage: clusters -> incidents -> downstream sinks.
class IncidentStage final : public Sink {
 public:
  IncidentStage(std::vector<Sink*> downstream, const CorrelateOptions& options);
  ~IncidentStage() override;
  IncidentStage(const IncidentStage&) = delete;
  IncidentStage& operator=(const IncidentStage&) = delete;

  /// What the Correlator learned about the execution findings will come from next; returns the
  /// stored copy.
  const AncestryInfo& set_context(const ProcessEvent* process, AncestryInfo&& info);
  /// Event time of `host` (a host key) advanced: closes clusters that went quiet.
  void advance(std::string_view host, std::uint64_t now);

  void begin() override;
  void on_finding(const Finding& finding) override;
  void flush() override;
  void finish(const RunReport& report) override;

  [[nodiscard]] const CorrelateStats& stats() const { return stats_; }

 private:
  struct Cluster;
  struct Held;
  void close(Cluster& c);
  void close_where(bool all);
  void release(bool all);
  void emit_automation();
  [[nodiscard]] std::uint64_t oldest_open() const;
  [[nodiscard]] static bool later(const std::unique_ptr<Held>& a, const std::unique_ptr<Held>& b);

  std::vector<Sink*> downstream_;
  CorrelateOptions options_;
  CorrelateStats stats_;
  const ProcessEvent* context_process_ = nullptr;
  /// The execution slimmed last, and its slim copy (findings of one execution come together).
  std::shared_ptr<const ProcessEvent> slim_from_, slim_to_;
  [[nodiscard]] std::shared_ptr<const ProcessEvent> slim(
      const std::shared_ptr<const ProcessEvent>& p);
  AncestryInfo context_;
  std::uint64_t now_ = 0;
  std::uint64_t next_sweep_ = 0;
  std::uint64_t cluster_seq_ = 0;
  std::uint64_t held_seq_ = 0;
  std::size_t held_findings_ = 0;
  std::unordered_map<std::string, std::unique_ptr<Cluster>> open_;  ///< by host|user
  /// Closed clusters still referenced by links: cluster id -> incident id ("" none), by time.
  std::map<std::uint64_t, std::pair<std::uint64_t, std::string>> closed_ids_;
  /// Open clusters waiting for the incident id of a linked cluster that closes later.
  struct Link {
    std::uint64_t time = 0;
    std::uint64_t source = 0;  ///< cluster id of the spread command
    std::string source_host;
    std::string target;  ///< host key
  };
  std::deque<Link> links_;  ///< the latest kMaxLinks
  /// Latest event time per host key. Clusters close by their own host's clock: inputs can be
  /// read late (more files than the engine opens at once), and one host's later events must
  /// not close another host's clusters before that host's logs are read.
  StringMap<std::uint64_t> host_now_;
  std::vector<std::unique_ptr<Held>> heap_;  ///< min-heap by (time, seq)
  struct Automation;
  std::vector<std::unique_ptr<Automation>> automation_;
};

/// The detector part; owns the stage.
class Correlator final : public Detector {
 public:
  Correlator(std::vector<Sink*> downstream, const CorrelateOptions& options = {});
  [[nodiscard]] std::string_view name() const override { return "correlation"; }
  [[nodiscard]] std::uint8_t interests() const override { return sessions_ ? kInterestLogons : 0; }
  void on_execution(const AnalyzedEvent& event, std::vector<Match>& out) override;
  void on_event(const Event& event, std::vector<Match>& out) override;
  void on_time(std::uint64_t time) override;
  void counters(std::vector<Counter>& out) const override;

  /// The sink to add to the engine in place of the downstream sinks.
  [[nodiscard]] IncidentStage& sink() { return stage_; }

 private:
  ProcessTable table_;
  IncidentStage stage_;
  bool sessions_ = false;
  std::uint64_t shapes_ = 0;
  std::uint64_t unusual_ = 0;
};

}  // namespace cmdsentry::correlate
