#include "trend/trend.h"

#include <algorithm>
#include <array>
#include <utility>

#include "events/merge.h"

namespace cmdsentry::trend {
namespace {

constexpr std::array<std::pair<Weighting, std::string_view>, 4> kWeightings = {{
    {Weighting::kExecution, "execution"},
    {Weighting::kHost, "host"},
    {Weighting::kIncident, "incident"},
    {Weighting::kFile, "file"},
}};

/// Name of the unit that takes every finding past kMaxTrendUnits.
constexpr std::string_view kOverflowUnit = "\x01overflow";

struct Tally {
  std::uint64_t count = 0;
  double weight = 0;
  std::uint64_t units = 0;
  std::vector<std::string> options;
  std::size_t order = 0;  ///< position in scan's ranking
};

/// phase -> command -> tally.
using Tallies = std::map<std::string, std::map<std::string, Tally>>;

std::uint64_t table_total(const scan::PhaseTable& t) {
  std::uint64_t n = 0;
  for (const scan::SummaryRow& r : t.rows) n += r.count;
  return n;
}

/// The observed rows of one phase, heaviest first.
std::vector<ObservedRow> rank_rows(const std::map<std::string, Tally>& tallies,
                                   const kb::StudyTable& study) {
  std::vector<std::pair<const std::string*, const Tally*>> order;
  for (const auto& [command, t] : tallies) order.emplace_back(&command, &t);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    if (a.second->weight != b.second->weight) return a.second->weight > b.second->weight;
    return a.second->order < b.second->order;
  });
  double total = 0;
  for (const auto& [command, t] : tallies) total += t.weight;
  std::vector<ObservedRow> rows;
  for (const auto& [command, t] : order) {
    ObservedRow r;
    r.rank = static_cast<int>(rows.size()) + 1;
    r.command = *command;
    r.count = t->count;
    r.weight = t->weight;
    r.units = t->units;
    r.share = total > 0 ? std::min(t->weight / total, 1.0) : 0;
    r.options = t->options;
    for (const kb::StudyRow& s : study) {
      if (s.command == r.command) r.study_rank = s.rank;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

std::map<std::string, double> weights_of(const kb::StudyTable& t) {
  std::map<std::string, double> out;
  for (const kb::StudyRow& r : t) out[r.command] += static_cast<double>(r.count);
  return out;
}

std::map<std::string, double> weights_of(const std::vector<ObservedRow>& rows) {
  std::map<std::string, double> out;
  for (const ObservedRow& r : rows) out[r.command] = r.weight;
  return out;
}

}  // namespace

std::string_view to_string(Weighting by) {
  for (const auto& [w, name] : kWeightings) {
    if (w == by) return name;
  }
  return "execution";
}

std::optional<Weighting> parse_weighting(std::string_view name) {
  for (const auto& [w, n] : kWeightings) {
    if (n == name) return w;
  }
  return std::nullopt;
}

std::string TrendSink::unit_of(const Finding& f) const {
  const std::string host = events::host_key(f.process->host());
  switch (by_) {
    case Weighting::kHost:
    case Weighting::kExecution:
      return host;
    case Weighting::kIncident:
      return f.incident.empty() ? "host " + host : "incident " + f.incident;
    case Weighting::kFile: {
      const SourceRef* src = f.process->source();
      return src != nullptr ? std::string(src->file.str()) : std::string();
    }
  }
  return host;
}

void TrendSink::on_finding(const Finding& f) {
  if (f.kb() == nullptr) return;  // scan's summary counts the knowledge base's commands only
  all_.add(f);
  if (by_ == Weighting::kExecution) return;
  std::string unit = unit_of(f);
  auto it = units_.find(unit);
  if (it == units_.end()) {
    if (units_.size() >= kMaxTrendUnits) {
      capped_ = true;
      unit = std::string(kOverflowUnit);
    }
    it = units_.try_emplace(std::move(unit)).first;
  }
  it->second.add(f);
}

Trend TrendSink::build(const kb::StudyTables& study) const {
  Trend out;
  out.by = by_;
  out.findings = all_.findings();
  out.units_capped = capped_;
  const scan::Summary summary = all_.build();

  // Counts and options from scan's tables; weights from the units (or the counts).
  Tallies tallies;
  for (const scan::PhaseTable& t : summary.all.phases) {
    auto& phase = tallies[t.phase];
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      Tally& tally = phase[t.rows[i].command];
      tally.count = t.rows[i].count;
      tally.options = t.rows[i].options;
      tally.order = i;
      if (by_ == Weighting::kExecution) tally.weight = static_cast<double>(tally.count);
    }
  }
  auto add_units = [&](const scan::SummaryScope& scope, bool weigh) {
    for (const scan::PhaseTable& t : scope.phases) {
      const double total = static_cast<double>(table_total(t));
      auto& phase = tallies[t.phase];
      for (const scan::SummaryRow& r : t.rows) {
        Tally& tally = phase[r.command];
        ++tally.units;
        if (weigh && total > 0) tally.weight += static_cast<double>(r.count) / total;
      }
    }
  };
  if (by_ == Weighting::kExecution) {
    for (const scan::SummaryScope& host : summary.hosts) add_units(host, false);
    out.units = summary.hosts.size();
  } else {
    for (const auto& [unit, builder] : units_) add_units(builder.build().all, true);
    out.units = units_.size();
  }

  const std::vector<std::string> groups = study.groups();
  std::map<std::string, std::pair<double, std::size_t>> group_sums;
  for (std::string_view phase_name : kStudyPhases) {
    PhaseTrend p;
    p.phase = std::string(phase_name);
    p.study = study.overall(phase_name);
    static const std::map<std::string, Tally> kNone;
    const auto found = tallies.find(p.phase);
    p.observed = rank_rows(found != tallies.end() ? found->second : kNone, p.study);
    for (const ObservedRow& r : p.observed) {
      p.executions += r.count;
      p.weight += r.weight;
    }
    const auto observed = weights_of(p.observed);
    p.similarity = correlate(weights_of(p.study), observed);
    for (std::size_t i = 0; i < p.study.size() && i < kStudyTop; ++i) {
      const auto o = observed.find(p.study[i].command);
      if (o != observed.end() && p.weight > 0) p.study_top_share += o->second / p.weight;
    }
    p.study_top_share = std::min(p.study_top_share, 1.0);  // a sum of fractions: no 1 + epsilon
    for (const kb::StudyRow& s : p.study) {
      if (!observed.contains(s.command)) p.not_seen.push_back(s);
    }
    for (const std::string& g : groups) {
      const kb::StudyTable* t = study.table(g, phase_name);
      GroupSimilarity gs{
          g, correlate(t != nullptr ? weights_of(*t) : std::map<std::string, double>{}, observed)};
      if (gs.correlation.spearman) {
        group_sums[g].first += *gs.correlation.spearman;
        ++group_sums[g].second;
      }
      p.groups.push_back(std::move(gs));
    }
    out.phases.push_back(std::move(p));
  }

  double best = -2;
  for (const std::string& g : groups) {
    GroupScore s;
    s.group = g;
    const auto it = group_sums.find(g);
    if (it != group_sums.end() && it->second.second > 0) {
      s.phases = it->second.second;
      s.spearman_mean = it->second.first / static_cast<double>(s.phases);
      if (*s.spearman_mean > best) {
        best = *s.spearman_mean;
        out.closest_group = g;
      }
    }
    out.groups.push_back(std::move(s));
  }

  // Commands the study did not list, per tactic, tactics heaviest first.
  std::vector<std::pair<double, std::vector<NewCommand>>> by_tactic;
  for (const auto& [phase, commands] : tallies) {
    std::map<std::string, Tally> fresh;
    for (const auto& [command, t] : commands) {
      if (!study.lists(command)) fresh.emplace(command, t);
    }
    if (fresh.empty()) continue;
    std::vector<ObservedRow> rows = rank_rows(fresh, {});
    // Share within the whole tactic (study commands of it included).
    double total = 0;
    for (const auto& [command, t] : commands) total += t.weight;
    double weight = 0;
    std::vector<NewCommand> list;
    for (ObservedRow& r : rows) {
      weight += r.weight;
      r.share = total > 0 ? r.weight / total : 0;
      if (list.size() < kMaxNewPerTactic) list.push_back({phase, std::move(r)});
    }
    by_tactic.emplace_back(weight, std::move(list));
  }
  std::stable_sort(by_tactic.begin(), by_tactic.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (auto& [weight, list] : by_tactic) {
    for (NewCommand& c : list) out.new_commands.push_back(std::move(c));
  }
  return out;
}

}  // namespace cmdsentry::trend
