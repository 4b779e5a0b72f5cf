#include "correlate/score.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "correlate/ancestry.h"

namespace cmdsentry::correlate {
namespace {

double noise_factor(kb::Noise n, const ScoreWeights& w) {
  switch (n) {
    case kb::Noise::kVeryLow:
      return w.noise_very_low;
    case kb::Noise::kLow:
      return w.noise_low;
    case kb::Noise::kMedium:
      return w.noise_medium;
    case kb::Noise::kHigh:
      return w.noise_high;
  }
  return w.noise_medium;
}

double level_points(Level l, const ScoreWeights& w) {
  switch (l) {
    case Level::kCritical:
      return w.level_critical;
    case Level::kHigh:
      return w.level_high;
    case Level::kMedium:
      return w.level_medium;
    case Level::kLow:
      return w.level_low;
    case Level::kInformational:
      return 0;
  }
  return 0;
}

bool study_phase(std::string_view p) { return p == "recon" || p == "discovery" || p == "spread"; }

double points_of(const CommandFact& c, const ScoreWeights& w) {
  if (!c.kb) return level_points(c.level, w);
  double base = 0;
  if (c.phase == "recon") {
    base = w.recon;
  } else if (c.phase == "discovery") {
    base = w.discovery;
  } else if (c.phase == "spread") {
    base = w.spread;
  } else if (!c.phase.empty() && c.phase != "execution") {
    base = w.other_tactic;
  }
  return base * noise_factor(c.noise, w);
}

/// Most distinct probe commands inside any window of `window` ticks (a sliding window with a
/// count per command).
int burst_size(const ClusterFacts& f, std::uint64_t window) {
  int best = 0;
  std::size_t lo = 0;
  std::map<std::size_t, int> in_window;
  for (std::size_t hi = 0; hi < f.probes.size(); ++hi) {
    ++in_window[f.probes[hi].second];
    while (f.probes[hi].first - f.probes[lo].first > window) {
      auto it = in_window.find(f.probes[lo].second);
      if (--it->second == 0) in_window.erase(it);
      ++lo;
    }
    best = std::max(best, static_cast<int>(in_window.size()));
  }
  return best;
}

std::string list_commands(const std::vector<std::string>& names, std::size_t max = 6) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (names.size() > max) out += fmt::format(" and {} more", names.size() - max);
  return out;
}

}  // namespace

ClusterScore score_cluster(const ClusterFacts& f, const ScoreWeights& w) {
  ClusterScore s;
  double total = 0;
  double phase_points = 0;
  std::vector<std::string> names;
  bool reached[3] = {false, false, false};
  static constexpr std::string_view kPhases[3] = {"recon", "discovery", "spread"};
  for (const CommandFact& c : f.commands) {
    phase_points += points_of(c, w);
    names.push_back(c.command);
    for (int i = 0; i < 3; ++i) reached[i] = reached[i] || c.phase == kPhases[i];
  }
  for (int i = 0; i < 3; ++i) {
    if (reached[i]) s.phases.emplace_back(kPhases[i]);
  }
  total += phase_points;
  if (!f.commands.empty()) {
    s.reasons.push_back(fmt::format("{} distinct command(s): {} ({:.1f} points by phase and noise)",
                                    f.commands.size(), list_commands(names), phase_points));
  }
  const auto study_commands =
      static_cast<int>(std::count_if(f.commands.begin(), f.commands.end(),
                                     [](const CommandFact& c) { return study_phase(c.phase); }));
  if (s.phases.size() >= 2 && study_commands >= w.chain_min_commands &&
      phase_points >= w.chain_min_points) {
    total += w.chain_bonus;
    std::string chain;
    for (const std::string& p : s.phases) chain += (chain.empty() ? "" : " -> ") + p;
    s.reasons.push_back(fmt::format("the study's phase chain {} (+{:g})", chain, w.chain_bonus));
  }
  const int burst = burst_size(f, w.burst_window);
  if (burst >= w.burst_commands) {
    total += w.burst_bonus;
    s.reasons.push_back(
        fmt::format("a burst of {} distinct recon/discovery commands within {} "
                    "minutes (+{:g})",
                    burst, w.burst_window / (60ULL * 10'000'000), w.burst_bonus));
  }
  for (AncestryKind k : {kKindWebServer, kKindDocument, kKindRemoteService, kKindUserWritable}) {
    if ((f.kinds & k) == 0) continue;
    total += w.ancestry;
    const std::string& who = f.kind_images[kind_index(k)];
    s.reasons.push_back(fmt::format("commands under {}{} (+{:g})", kind_description(k),
                                    who.empty() ? "" : ": " + who, w.ancestry));
  }
  for (const std::string& shape : f.shapes) {
    total += w.shape;
    s.reasons.push_back(fmt::format("remote-execution shape {} (+{:g})", shape, w.shape));
  }
  // The target side counts when its own activity looks remote (an unusual ancestry, a shape, a
  // network logon), not for the ordinary user who happens to work on the target host.
  const bool remote_looking = f.kinds != 0 || !f.shapes.empty() || f.logon_type == 3;
  if (!f.links_from.empty() && remote_looking) {
    total += w.link_target;
    s.reasons.push_back(fmt::format("reached by remote execution from {} (+{:g})",
                                    list_commands(f.links_from), w.link_target));
  }
  if (!f.targets.empty()) {
    s.reasons.push_back(fmt::format("remote execution toward {}", list_commands(f.targets)));
  }
  if (f.obfuscation >= w.obfuscation_min) {
    total += w.obfuscation;
    s.reasons.push_back(
        fmt::format("an obfuscated command line (score {}) (+{:g})", f.obfuscation, w.obfuscation));
  }
  if (f.logon_type == 3 || f.logon_type == 10) {
    s.reasons.push_back(fmt::format("in a {} logon session from {}",
                                    f.logon_type == 3 ? "network" : "remote interactive",
                                    f.source_address.empty() ? "-" : f.source_address));
  }
  s.score = static_cast<int>(std::lround(total));
  return s;
}

}  // namespace cmdsentry::correlate
