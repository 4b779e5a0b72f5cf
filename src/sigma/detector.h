#pragma once
/// Sigma rules as a Detector (engine "sigma").
///
/// Routing: a rule's logsource became its route when it was loaded (sigma::route_of). Rules for
/// Windows process creation run on every execution through ProcessRecord, so one rule matches
/// Sysmon 1, Security 4688 and their merged pair alike (sigma/fields.h). Rules for a Windows
/// service (`service: security`, `service: sysmon`) run on the execution's own records of that
/// channel through RawRecord (their EventID and raw field names as logged) and on every other
/// event of that channel; rules with neither category nor service run on every execution and
/// every event. Rules for the other Windows categories Sysmon and PowerShell log
/// (network_connection: Sysmon 3, image_load: 7, file_event: 11, registry_*: 12-14, dns_query:
/// 22, ps_script: PowerShell 4104, ...; detector.cpp lists them) run on those events, with
/// their fields as logged. A match on a non-execution event is a finding on that event
/// (Finding::execution false). Rules for other products and unknown categories are counted as
/// inactive. When any rule is not for process creation, the engine keeps every event for the
/// detector (interests()), which costs the normalization of records scans otherwise skip.
///
/// Correlation rules (sigma/correlation.h) run on the matches of the detection rules they name:
/// those rules run even when --min-level or --sigma-status would leave them out, and their own
/// matches are reported only when a correlation naming them says `generate: true` (or no
/// correlation names them). Correlation matches are findings of their own (engine correlation).
///
/// The detector is not shared between threads: the engine calls it on its own thread, and it
/// owns the one rules::Matcher it evaluates with.

#include <memory>
#include <string>
#include <vector>

#include "cmdsentry/detector.h"
#include "rules/ruleset.h"
#include "sigma/correlation.h"

namespace cmdsentry::sigma {

/// Which loaded rules run.
struct DetectorOptions {
  Level min_level = Level::kInformational;  ///< rules below it are left out
  /// Accepted `status` values (lower case); a rule without a status is accepted. Default: all
  /// but deprecated and unsupported.
  std::vector<std::string> statuses{"stable", "test", "experimental"};
  CorrelationEngine::Caps correlation_caps;  ///< state caps of correlation rules
};

/// Sigma rules over executions.
class SigmaDetector final : public Detector {
 public:
  /// Selects the rules `options` accepts and compiles them. Fails only when the prefilter cannot
  /// be built (out of memory).
  /// Correlations refer to `rules` by id or name (as LoadResult holds them).
  [[nodiscard]] static Result<std::unique_ptr<SigmaDetector>> create(
      std::vector<rules::Rule> rules, const DetectorOptions& options = {},
      std::vector<CorrelationRule> correlations = {});

  [[nodiscard]] std::string_view name() const override { return "sigma"; }
  [[nodiscard]] std::uint8_t interests() const override {
    return events_wanted_ ? kInterestLogons | kInterestExits | kInterestOther : 0;
  }
  void on_execution(const AnalyzedEvent& event, std::vector<Match>& out) override;
  /// Rule matching over executions on the engine's detect workers (each with a Matcher of its
  /// own); on_execution_prematched then reports the hits and feeds the correlations in order.
  [[nodiscard]] std::unique_ptr<Prematcher> prematcher() const override;
  void on_execution_prematched(const AnalyzedEvent& event, std::unique_ptr<Prematched> prematched,
                               std::vector<Match>& out) override;
  /// Wants a record when some rule matches it: the rules are evaluated on the reader thread
  /// with a Matcher of its own, and again in time order by on_event (only for records that
  /// matched, a few in a thousand on real logs).
  [[nodiscard]] std::unique_ptr<RecordFilter> record_filter() const override;
  void on_event(const Event& event, std::vector<Match>& out) override;
  void on_time(std::uint64_t time) override;
  void counters(std::vector<Counter>& out) const override;

  /// Rules that run (after the level and status filters, with a route events reach).
  [[nodiscard]] std::size_t active() const { return set_->rules().size(); }
  [[nodiscard]] std::size_t inactive() const { return inactive_; }
  [[nodiscard]] std::size_t filtered() const { return filtered_; }
  /// Correlation rules that run (after the filters, with those they chain to).
  [[nodiscard]] std::size_t correlations() const { return correlation_ ? correlation_->size() : 0; }

 private:
  explicit SigmaDetector(std::shared_ptr<const rules::RuleSet> set);
  void report(const rules::RuleHit& hit, std::vector<Match>& out);
  /// Calls f(bucket) for each bucket whose rules run on `raw` (its channel's, the any-record
  /// bucket, its Windows category's).
  template <class F>
  void for_buckets(const RawEvent& raw, F&& f) const;
  /// The rules' hits on an execution (its merged process, then each of its records).
  void execution_hits(rules::Matcher& matcher, const ProcessEvent& e,
                      std::vector<rules::RuleHit>& hits) const;
  /// Reports an execution's hits (each rule once) and feeds the correlations.
  void report_execution(const AnalyzedEvent& event, const std::vector<rules::RuleHit>& hits,
                        std::vector<Match>& out);
  friend class RuleFilter;
  friend class RulePrematcher;

  std::shared_ptr<const rules::RuleSet> set_;
  rules::Matcher matcher_;
  std::vector<rules::RuleHit> hits_;
  std::vector<const rules::Rule*> reported_;
  std::vector<bool> report_;  ///< per rule: its matches are reported (not only correlated)
  std::unique_ptr<CorrelationEngine> correlation_;
  std::size_t inactive_ = 0;
  std::size_t filtered_ = 0;
  std::uint64_t matched_ = 0;
  std::uint64_t events_ = 0;                ///< non-execution events matched against
  std::uint64_t prematched_evaluated_ = 0;  ///< Matcher counts of the prematchers' work
  std::uint64_t prematched_skipped_ = 0;
  bool events_wanted_ = false;  ///< some rule runs on non-execution events
};

/// The Match a rule hit gives (engine sigma; the rule's id, title, level, tags, tactic and
/// techniques; the fields that made it match).
[[nodiscard]] Match to_match(const rules::Rule& rule, std::vector<MatchedField> fields);

}  // namespace cmdsentry::sigma
