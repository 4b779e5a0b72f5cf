// Evaluating Sigma correlations on bounded per-group state (semantics atop sigma/correlation.h).
//
// Why fire on arrival: a detector reports through the execution it is called for, so a
// correlation fires on the execution whose base match completes its window; conditions are
// checked after each entry. A group that fired starts afresh, so one burst is one finding.
#include "sigma/correlation.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <unordered_set>

#include "core/limits.h"
#include "sigma/fields.h"

namespace cmdsentry::sigma {
namespace {

rules::FieldRef field_ref(const std::string& name) {
  return {name, static_cast<std::uint16_t>(field_of(name))};
}

std::optional<double> number_of(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

/// The record number to cite: EventRecordID, else the line.
std::uint64_t record_number(const SourceRef& s) { return s.record_id != 0 ? s.record_id : s.line; }

}  // namespace

CorrelationEngine::CorrelationEngine(std::vector<CorrelationRule> rules,
                                     std::vector<std::vector<CorrelationRef>> refs,
                                     const std::vector<rules::Rule>& base, Caps caps)
    : referenced_(base.size(), false), caps_(caps) {
  rules_.resize(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    State& s = rules_[i];
    s.rule = std::move(rules[i]);
    s.refs = i < refs.size() ? std::move(refs[i]) : std::vector<CorrelationRef>{};
    for (std::size_t k = 0; k < s.refs.size(); ++k) {
      // The alias key is the reference as written, else the referenced rule's name or id.
      std::vector<std::string> keys{s.rule.rules[k]};
      if (!s.refs[k].correlation && s.refs[k].index < base.size()) {
        keys.push_back(base[s.refs[k].index].name);
        keys.push_back(base[s.refs[k].index].id);
      }
      std::vector<rules::FieldRef> fields;
      for (const std::string& g : s.rule.group_by) {
        std::string name = g;
        if (auto a = s.rule.aliases.find(g); a != s.rule.aliases.end()) {
          for (const std::string& key : keys) {
            if (auto f = a->second.find(key); !key.empty() && f != a->second.end()) {
              name = f->second;
              break;
            }
          }
        }
        fields.push_back(field_ref(name));
      }
      s.group_fields.push_back(std::move(fields));
    }
    for (const std::string& f : s.rule.condition.fields) s.value_fields.push_back(field_ref(f));
  }
  // Evaluation order: a correlation after every correlation it refers to (links are acyclic).
  std::vector<bool> placed(rules_.size(), false);
  while (order_.size() < rules_.size()) {
    const std::size_t before = order_.size();
    for (std::size_t i = 0; i < rules_.size(); ++i) {
      if (placed[i]) continue;
      const bool ready =
          std::all_of(rules_[i].refs.begin(), rules_[i].refs.end(), [&](const CorrelationRef& r) {
            return !r.correlation || (r.index < placed.size() && placed[r.index]);
          });
      if (ready) {
        placed[i] = true;
        order_.push_back(i);
      }
    }
    if (order_.size() == before) break;  // not linked: a cycle is left out
  }
  // Base rules reached through chains.
  std::vector<std::size_t> todo(order_.begin(), order_.end());
  for (std::size_t i : todo) {
    for (const CorrelationRef& r : rules_[i].refs) {
      if (!r.correlation && r.index < referenced_.size()) referenced_[r.index] = true;
    }
  }
  fired_.assign(rules_.size(), false);
}

bool CorrelationEngine::referenced(std::size_t base_index) const {
  return base_index < referenced_.size() && referenced_[base_index];
}

void CorrelationEngine::begin() {
  base_hits_.clear();
  std::fill(fired_.begin(), fired_.end(), false);
}

void CorrelationEngine::hit(std::size_t base_index) {
  if (referenced(base_index)) base_hits_.push_back(base_index);
}

void CorrelationEngine::finish(const rules::Record& record, std::uint64_t time,
                               const SourceRef* source, std::vector<Match>& out) {
  if (base_hits_.empty()) return;
  for (std::size_t c : order_) {
    const State& s = rules_[c];
    std::uint64_t mask = 0;
    for (std::size_t k = 0; k < s.refs.size(); ++k) {
      const CorrelationRef& r = s.refs[k];
      const bool hit = r.correlation ? fired_[r.index]
                                     : std::find(base_hits_.begin(), base_hits_.end(), r.index) !=
                                           base_hits_.end();
      if (hit) mask |= std::uint64_t{1} << k;
    }
    if (mask != 0) update(c, mask, record, time, source, out);
  }
}

std::uint32_t CorrelationEngine::file_index(std::string_view file) {
  auto it = file_ids_.find(std::string(file));
  if (it != file_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(files_.size());
  files_.emplace_back(file);
  file_ids_.emplace(files_.back(), id);
  return id;
}

void CorrelationEngine::update(std::size_t c, std::uint64_t mask, const rules::Record& record,
                               std::uint64_t time, const SourceRef* source,
                               std::vector<Match>& out) {
  State& s = rules_[c];
  std::string scratch;
  // The group: the first reference that matched says which aliased fields to read.
  const auto& fields = s.group_fields[static_cast<std::size_t>(std::countr_zero(mask))];
  std::string key;
  std::vector<MatchedField> values;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto v = record.get(fields[i], scratch);
    if (!v) {
      ++stats_.no_group_value;
      return;
    }
    key.append(*v);
    key += '\x1f';
    values.push_back({s.rule.group_by[i], std::string(*v)});
  }
  Entry entry;
  entry.time = time;
  entry.mask = mask;
  if (const SourceRef* src = source) {
    entry.file = file_index(std::string_view(src->file));
    entry.record = record_number(*src);
  } else {
    entry.file = file_index("");
  }
  if (!s.value_fields.empty()) {
    for (std::size_t i = 0; i < s.value_fields.size(); ++i) {
      const auto v = record.get(s.value_fields[i], scratch);
      if (!v) {
        ++stats_.no_group_value;
        return;
      }
      if (i > 0) entry.value += '\x1f';
      entry.value.append(*v);
    }
    if (s.rule.type == CorrelationType::kValueSum || s.rule.type == CorrelationType::kValueAvg) {
      const auto n = number_of(entry.value);
      if (!n) {
        ++stats_.no_number;
        return;
      }
      entry.number = *n;
      entry.value.clear();
    }
  }
  auto it = s.groups.find(key);
  if (it == s.groups.end()) {
    if (s.groups.size() >= caps_.groups) sweep(s);
    if (s.groups.size() >= caps_.groups) {
      ++stats_.dropped_groups;
      return;
    }
    it = s.groups.emplace(key, Group{}).first;
    it->second.values = std::move(values);
  }
  Group& g = it->second;
  const std::uint64_t span = s.rule.timespan;
  if (!g.entries.empty() && entry.time + span < g.newest) {
    ++stats_.dropped_late;  // before the window that ends at the group's newest match
    return;
  }
  ++stats_.entries;
  const auto at = std::upper_bound(g.entries.begin(), g.entries.end(), entry.time,
                                   [](std::uint64_t t, const Entry& x) { return t < x.time; });
  const Entry& arrived = *g.entries.insert(at, std::move(entry));
  const Entry probe = arrived;  // the deque may move on pops below
  g.newest = std::max(g.newest, probe.time);
  while (!g.entries.empty() && g.entries.front().time + span < g.newest) g.entries.pop_front();
  while (g.entries.size() > caps_.entries) {
    g.entries.pop_front();
    ++stats_.dropped_entries;
  }
  const double value = measure(s, g, probe);
  if (!s.rule.condition.empty() ? !s.rule.condition.holds(value)
                                : value < static_cast<double>(s.refs.size())) {
    return;
  }
  // Fired: report it on this execution, and start the group afresh.
  fired_[c] = true;
  ++stats_.fired;
  if (!s.rule.report) {
    s.groups.erase(it);
    return;
  }
  Match m;
  m.engine = MatchEngine::kCorrelation;
  m.rule_id = s.rule.meta.id;
  m.title = s.rule.meta.title;
  m.level = s.rule.meta.level;
  m.tags = s.rule.meta.tags;
  m.tactic = s.rule.meta.tactic;
  m.phase = s.rule.meta.tactic;
  m.techniques = s.rule.meta.techniques;
  m.fields = g.values;
  m.command = kOwnFinding;
  CorrelationInfo info;
  info.type = std::string(to_string(s.rule.type));
  info.value = value;
  info.events = g.entries.size();
  info.first = g.entries.front().time;
  info.last = g.entries.back().time;
  info.timespan = span;
  for (const Entry& x : g.entries) {
    if (info.records.size() >= limits::kMaxCorrelationRecords) break;
    info.records.push_back({files_[x.file], x.record, x.time});
  }
  m.correlation = std::move(info);
  out.push_back(std::move(m));
  s.groups.erase(it);
}

double CorrelationEngine::measure(const State& s, const Group& g, const Entry& arrived) const {
  switch (s.rule.type) {
    case CorrelationType::kEventCount:
      return static_cast<double>(g.entries.size());
    case CorrelationType::kValueCount: {
      std::unordered_set<std::string_view> distinct;
      for (const Entry& x : g.entries) distinct.insert(x.value);
      return static_cast<double>(distinct.size());
    }
    case CorrelationType::kTemporal: {
      std::uint64_t seen = 0;
      for (const Entry& x : g.entries) seen |= x.mask;
      return static_cast<double>(std::popcount(seen));
    }
    case CorrelationType::kTemporalOrdered: {
      // Longest prefix of the rule list seen in order; greedy earliest match is optimal.
      std::size_t step = 0;
      for (const Entry& x : g.entries) {
        if (step < s.refs.size() && (x.mask & (std::uint64_t{1} << step)) != 0) ++step;
      }
      return static_cast<double>(step);
    }
    case CorrelationType::kValueSum:
    case CorrelationType::kValueAvg: {
      double sum = 0;
      for (const Entry& x : g.entries) sum += x.number;
      if (s.rule.type == CorrelationType::kValueSum) return sum;
      return g.entries.empty() ? 0 : sum / static_cast<double>(g.entries.size());
    }
    case CorrelationType::kValuePercentile: {
      // The share (percent) of the window's matches whose value is the arriving match's.
      std::size_t same = 0;
      for (const Entry& x : g.entries) same += x.value == arrived.value ? 1 : 0;
      return g.entries.empty()
                 ? 0
                 : 100.0 * static_cast<double>(same) / static_cast<double>(g.entries.size());
    }
  }
  return 0;
}

void CorrelationEngine::sweep(State& s) {
  s.swept = watermark_;
  for (auto it = s.groups.begin(); it != s.groups.end();) {
    if (it->second.newest + s.rule.timespan < watermark_) {
      it = s.groups.erase(it);
    } else {
      ++it;
    }
  }
}

void CorrelationEngine::on_time(std::uint64_t time) {
  if (time <= watermark_) return;
  watermark_ = time;
  for (State& s : rules_) {
    // A sweep visits every group: at most once per timespan of event time.
    if (!s.groups.empty() && s.swept + s.rule.timespan < watermark_) sweep(s);
  }
}

CorrelationEngine::Stats CorrelationEngine::stats() const {
  Stats out = stats_;
  out.groups = 0;
  for (const State& s : rules_) out.groups += s.groups.size();
  return out;
}

}  // namespace cmdsentry::sigma
