#include "sigma/detector.h"

#include <algorithm>

#include "core/ascii.h"
#include "sigma/fields.h"

namespace cmdsentry::sigma {
namespace {

/// Routes events reach: process creation, Windows channels (no ':' in them) and any record.
bool reachable(const std::string& route) { return route.find(':') == std::string::npos; }

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

Result<std::unique_ptr<SigmaDetector>> SigmaDetector::create(std::vector<rules::Rule> rules,
                                                             const DetectorOptions& options) {
  std::vector<rules::Rule> run;
  std::size_t inactive = 0;
  std::size_t filtered = 0;
  for (rules::Rule& r : rules) {
    if (!accepted(r, options)) {
      ++filtered;
    } else if (!reachable(r.route)) {
      ++inactive;
    } else {
      run.push_back(std::move(r));
    }
  }
  auto set = rules::RuleSet::build(std::move(run));
  if (!set) return tl::unexpected(set.error());
  std::unique_ptr<SigmaDetector> d(new SigmaDetector(std::move(*set)));
  d->inactive_ = inactive;
  d->filtered_ = filtered;
  return d;
}

SigmaDetector::SigmaDetector(std::shared_ptr<const rules::RuleSet> set)
    : set_(std::move(set)), matcher_(set_) {}

void SigmaDetector::report(const rules::RuleHit& hit, std::vector<Match>& out) {
  // A rule reported once per execution, even when several of its records match.
  if (std::find(reported_.begin(), reported_.end(), hit.rule) != reported_.end()) return;
  reported_.push_back(hit.rule);
  ++matched_;
  out.push_back(to_match(*hit.rule, hit.fields));
}

void SigmaDetector::on_execution(const AnalyzedEvent& event, std::vector<Match>& out) {
  const ProcessEvent& e = *event.process;
  const std::uint32_t event_id = e.evidence.empty() ? 0 : e.evidence.front()->event_id;
  reported_.clear();
  hits_.clear();
  const ProcessRecord record(e);
  for (const char* route : {"process_creation", ""}) {
    if (const rules::Bucket* b = set_->bucket(route)) matcher_.match(*b, record, event_id, hits_);
  }
  for (const auto& raw : e.evidence) {
    const rules::Bucket* b = set_->bucket(to_lower(raw->channel()));
    if (b == nullptr) continue;
    matcher_.match(*b, RawRecord(*raw), raw->event_id, hits_);
  }
  for (const rules::RuleHit& h : hits_) report(h, out);
}

void SigmaDetector::counters(std::vector<Counter>& out) const {
  out.emplace_back("sigma.rules", set_->rules().size());
  out.emplace_back("sigma.rules_inactive", inactive_);
  out.emplace_back("sigma.rules_filtered", filtered_);
  out.emplace_back("sigma.matched", matched_);
  out.emplace_back("sigma.evaluated", matcher_.evaluated);
  out.emplace_back("sigma.skipped_by_prefilter", matcher_.skipped);
}

}  // namespace cmdsentry::sigma
