#include "sigma/detector.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <variant>

#include "core/ascii.h"
#include "events/merge.h"
#include "sigma/fields.h"

namespace cmdsentry::sigma {
namespace {

constexpr std::string_view kSysmon = "microsoft-windows-sysmon/operational";
constexpr std::string_view kPowerShell = "microsoft-windows-powershell/operational";

/// A Windows log source category other than process creation: the channel and event ids that
/// carry it (Sysmon's event types; PowerShell script and module logging), as Sigma's Windows
/// pipelines map them.
struct CategoryRoute {
  std::string_view category;
  std::string_view channel;                ///< lower case
  std::array<std::uint16_t, 3> event_ids;  ///< 0: unused
};
constexpr std::array<CategoryRoute, 22> kCategories{{
    {"network_connection", kSysmon, {3, 0, 0}},  {"sysmon_status", kSysmon, {4, 16, 0}},
    {"process_termination", kSysmon, {5, 0, 0}}, {"driver_load", kSysmon, {6, 0, 0}},
    {"image_load", kSysmon, {7, 0, 0}},          {"create_remote_thread", kSysmon, {8, 0, 0}},
    {"raw_access_thread", kSysmon, {9, 0, 0}},   {"process_access", kSysmon, {10, 0, 0}},
    {"file_event", kSysmon, {11, 0, 0}},         {"registry_add", kSysmon, {12, 0, 0}},
    {"registry_delete", kSysmon, {12, 0, 0}},    {"registry_set", kSysmon, {13, 0, 0}},
    {"registry_rename", kSysmon, {14, 0, 0}},    {"registry_event", kSysmon, {12, 13, 14}},
    {"create_stream_hash", kSysmon, {15, 0, 0}}, {"pipe_created", kSysmon, {17, 18, 0}},
    {"wmi_event", kSysmon, {19, 20, 21}},        {"dns_query", kSysmon, {22, 0, 0}},
    {"file_delete", kSysmon, {23, 26, 0}},       {"file_change", kSysmon, {2, 0, 0}},
    {"ps_script", kPowerShell, {4104, 0, 0}},    {"ps_module", kPowerShell, {4103, 0, 0}},
}};

/// Routes events reach: process creation, Windows channels (no ':' in them), any record, and
/// the categories above.
bool reachable(const std::string& route) {
  if (route.find(':') == std::string::npos) return true;
  if (!route.starts_with("category:")) return false;
  const std::string_view c = std::string_view(route).substr(9);
  return std::any_of(kCategories.begin(), kCategories.end(),
                     [&](const CategoryRoute& r) { return r.category == c; });
}

bool accepted(const rules::Rule& r, const DetectorOptions& o) {
  if (r.level < o.min_level) return false;
  if (r.status.empty()) return true;
  return std::find(o.statuses.begin(), o.statuses.end(), r.status) != o.statuses.end();
}

}  // namespace

Match to_match(const rules::Rule& rule, std::vector<MatchedField> fields) {
  Match m;
  m.engine = MatchEngine::kSigma;
  m.rule_id = rule.id;
  m.title = rule.title;
  m.level = rule.level;
  m.tags = rule.tags;
  m.tactic = rule.tactic;
  m.phase = rule.tactic;
  m.techniques = rule.techniques;
  m.fields = std::move(fields);
  m.command = -1;
  return m;
}

Result<std::unique_ptr<SigmaDetector>> SigmaDetector::create(
    std::vector<rules::Rule> rules, const DetectorOptions& options,
    std::vector<CorrelationRule> correlations) {
  // Correlations: those the filters accept, and every correlation they chain to.
  std::vector<Diagnostic> ignored;
  std::size_t unlinked = 0;
  auto refs = link_correlations(rules, correlations, ignored, unlinked);
  const std::size_t nc = correlations.size();
  std::vector<bool> keep(nc, false);
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < nc; ++i) {
    if (accepted(correlations[i].meta, options)) {
      keep[i] = true;
      todo.push_back(i);
    }
  }
  std::vector<bool> base_used(rules.size(), false);
  std::vector<bool> base_gen(rules.size(), false);
  std::vector<bool> corr_used(nc, false);
  std::vector<bool> corr_gen(nc, false);
  while (!todo.empty()) {
    const std::size_t i = todo.back();
    todo.pop_back();
    for (const CorrelationRef& r : refs[i]) {
      auto& used = r.correlation ? corr_used : base_used;
      auto& gen = r.correlation ? corr_gen : base_gen;
      used[r.index] = true;
      if (correlations[i].generate) gen[r.index] = true;
      if (r.correlation && !keep[r.index]) {
        keep[r.index] = true;
        todo.push_back(r.index);
      }
    }
  }
  std::vector<rules::Rule> run;
  std::vector<bool> report;
  std::vector<std::size_t> new_index(rules.size(), SIZE_MAX);
  std::size_t inactive = 0;
  std::size_t filtered = 0;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    rules::Rule& r = rules[i];
    const bool ok = accepted(r, options);
    if (!ok && !base_used[i]) {
      ++filtered;
    } else if (!reachable(r.route)) {
      ++inactive;
    } else {
      new_index[i] = run.size();
      report.push_back(ok && (!base_used[i] || base_gen[i]));
      run.push_back(std::move(r));
    }
  }
  std::vector<CorrelationRule> kept;
  std::vector<std::vector<CorrelationRef>> kept_refs;
  std::vector<std::size_t> corr_index(nc, SIZE_MAX);
  for (std::size_t i = 0; i < nc; ++i) {
    if (!keep[i]) continue;
    corr_index[i] = kept.size();
    kept.emplace_back();
    kept_refs.emplace_back();
  }
  for (std::size_t i = 0; i < nc; ++i) {
    if (!keep[i]) continue;
    CorrelationRule& c = correlations[i];
    c.report = accepted(c.meta, options) && (!corr_used[i] || corr_gen[i]);
    std::vector<CorrelationRef> mapped;
    for (const CorrelationRef& r : refs[i]) {
      mapped.push_back({r.correlation, r.correlation ? corr_index[r.index] : new_index[r.index]});
    }
    kept[corr_index[i]] = std::move(c);
    kept_refs[corr_index[i]] = std::move(mapped);
  }
  auto set = rules::RuleSet::build(std::move(run));
  if (!set) return tl::unexpected(set.error());
  std::unique_ptr<SigmaDetector> d(new SigmaDetector(std::move(*set)));
  for (const rules::Rule& r : d->set_->rules()) {
    if (r.route != "process_creation") d->events_wanted_ = true;
  }
  d->inactive_ = inactive;
  d->filtered_ = filtered;
  d->report_ = std::move(report);
  if (!kept.empty()) {
    d->correlation_ = std::make_unique<CorrelationEngine>(
        std::move(kept), std::move(kept_refs), d->set_->rules(), options.correlation_caps);
  }
  return d;
}

SigmaDetector::SigmaDetector(std::shared_ptr<const rules::RuleSet> set)
    : set_(std::move(set)), matcher_(set_) {}

void SigmaDetector::report(const rules::RuleHit& hit, std::vector<Match>& out) {
  // A rule reported once per execution, even when several of its records match.
  if (std::find(reported_.begin(), reported_.end(), hit.rule) != reported_.end()) return;
  reported_.push_back(hit.rule);
  ++matched_;
  const auto index = static_cast<std::size_t>(hit.rule - set_->rules().data());
  if (correlation_) correlation_->hit(index);
  if (index < report_.size() && !report_[index]) return;
  out.push_back(to_match(*hit.rule, hit.fields));
}

void SigmaDetector::on_time(std::uint64_t time) {
  if (correlation_) correlation_->on_time(time);
}

void SigmaDetector::execution_hits(rules::Matcher& matcher, const ProcessEvent& e,
                                   std::vector<rules::RuleHit>& hits) const {
  const std::uint32_t event_id = e.evidence.empty() ? 0 : e.evidence.front()->event_id;
  const ProcessRecord record(e);
  for (const char* route : {"process_creation", ""}) {
    if (const rules::Bucket* b = set_->bucket(route)) matcher.match(*b, record, event_id, hits);
  }
  for (const auto& raw : e.evidence) {
    const rules::Bucket* b = set_->bucket(to_lower(raw->channel()));
    if (b == nullptr) continue;
    matcher.match(*b, RawRecord(*raw), raw->event_id, hits);
  }
}

void SigmaDetector::on_execution(const AnalyzedEvent& event, std::vector<Match>& out) {
  hits_.clear();
  execution_hits(matcher_, *event.process, hits_);
  report_execution(event, hits_, out);
}

void SigmaDetector::report_execution(const AnalyzedEvent& event,
                                     const std::vector<rules::RuleHit>& hits,
                                     std::vector<Match>& out) {
  const ProcessEvent& e = *event.process;
  reported_.clear();
  if (correlation_) correlation_->begin();
  for (const rules::RuleHit& h : hits) report(h, out);
  if (correlation_) correlation_->finish(ProcessRecord(e), e.time, e.source(), out);
}

/// SigmaDetector::prematcher: the rules over executions on one detect worker.
class RuleHits final : public Prematched {
 public:
  std::vector<rules::RuleHit> hits;
  std::uint64_t evaluated = 0;  ///< the prematcher's exact evaluations for this execution
  std::uint64_t skipped = 0;    ///< and rules its prefilter ruled out
};

class RulePrematcher final : public Prematcher {
 public:
  explicit RulePrematcher(const SigmaDetector& d) : d_(d), matcher_(d.set_) {}
  std::unique_ptr<Prematched> prematch(const AnalyzedEvent& event) override {
    auto out = std::make_unique<RuleHits>();
    const std::uint64_t evaluated = matcher_.evaluated;
    const std::uint64_t skipped = matcher_.skipped;
    d_.execution_hits(matcher_, *event.process, out->hits);
    out->evaluated = matcher_.evaluated - evaluated;
    out->skipped = matcher_.skipped - skipped;
    return out;
  }

 private:
  const SigmaDetector& d_;
  rules::Matcher matcher_;
};

std::unique_ptr<Prematcher> SigmaDetector::prematcher() const {
  return std::make_unique<RulePrematcher>(*this);
}

void SigmaDetector::on_execution_prematched(const AnalyzedEvent& event,
                                            std::unique_ptr<Prematched> prematched,
                                            std::vector<Match>& out) {
  const auto* found = dynamic_cast<const RuleHits*>(prematched.get());
  if (found == nullptr) {
    on_execution(event, out);
    return;
  }
  prematched_evaluated_ += found->evaluated;
  prematched_skipped_ += found->skipped;
  report_execution(event, found->hits, out);
}

template <class F>
void SigmaDetector::for_buckets(const RawEvent& raw, F&& f) const {
  const std::string channel = to_lower(raw.channel());
  if (const rules::Bucket* b = set_->bucket(channel)) f(*b);
  if (const rules::Bucket* b = set_->bucket("")) f(*b);
  // Event id 0 is no Sysmon or PowerShell event type (and the table's unused slots are 0).
  if (raw.event_id == 0) return;
  for (const CategoryRoute& r : kCategories) {
    if (r.channel != channel ||
        std::find(r.event_ids.begin(), r.event_ids.end(), raw.event_id) == r.event_ids.end()) {
      continue;
    }
    if (const rules::Bucket* b = set_->bucket("category:" + std::string(r.category))) f(*b);
  }
}

/// SigmaDetector::record_filter: the detector's rules on one reader thread.
class RuleFilter final : public RecordFilter {
 public:
  explicit RuleFilter(const SigmaDetector& d) : d_(d), matcher_(d.set_) {}
  bool wants(const RawEvent& record) override {
    hits_.clear();
    const RawRecord r(record);
    d_.for_buckets(record, [&](const rules::Bucket& b) {
      if (hits_.empty()) matcher_.match(b, r, record.event_id, hits_);
    });
    return !hits_.empty();
  }

 private:
  const SigmaDetector& d_;
  rules::Matcher matcher_;
  std::vector<rules::RuleHit> hits_;
};

std::unique_ptr<RecordFilter> SigmaDetector::record_filter() const {
  if (!events_wanted_) return nullptr;
  return std::make_unique<RuleFilter>(*this);
}

void SigmaDetector::on_event(const Event& event, std::vector<Match>& out) {
  const RawEvent* raw = events::raw_of(event);
  if (raw == nullptr) return;
  reported_.clear();
  hits_.clear();
  const RawRecord record(*raw);
  for_buckets(*raw,
              [&](const rules::Bucket& b) { matcher_.match(b, record, raw->event_id, hits_); });
  ++events_;
  if (correlation_) correlation_->begin();
  for (const rules::RuleHit& h : hits_) report(h, out);
  if (correlation_) {
    correlation_->finish(record, raw->time_created, &raw->source, out);
  }
}

void SigmaDetector::counters(std::vector<Counter>& out) const {
  out.emplace_back("sigma.rules", set_->rules().size());
  out.emplace_back("sigma.rules_inactive", inactive_);
  out.emplace_back("sigma.rules_filtered", filtered_);
  out.emplace_back("sigma.matched", matched_);
  out.emplace_back("sigma.events_matched_against", events_);
  out.emplace_back("sigma.evaluated", matcher_.evaluated + prematched_evaluated_);
  out.emplace_back("sigma.skipped_by_prefilter", matcher_.skipped + prematched_skipped_);
  if (!correlation_) return;
  const CorrelationEngine::Stats st = correlation_->stats();
  const std::pair<const char*, std::uint64_t> rows[] = {
      {"sigma.correlations", correlation_->size()},
      {"sigma.correlation_fired", st.fired},
      {"sigma.correlation_entries", st.entries},
      {"sigma.correlation_groups_live", st.groups},
      {"sigma.correlation_dropped_late", st.dropped_late},
      {"sigma.correlation_dropped_entries", st.dropped_entries},
      {"sigma.correlation_dropped_groups", st.dropped_groups},
      {"sigma.correlation_no_group_value", st.no_group_value},
      {"sigma.correlation_no_number", st.no_number}};
  for (const auto& [name, value] : rows) out.emplace_back(name, value);
}

}  // namespace cmdsentry::sigma
