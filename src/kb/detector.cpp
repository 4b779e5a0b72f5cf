#include "kb/detector.h"

#include <algorithm>

namespace cmdsentry::kb {
namespace {

/// The match from every entry that matched (most specific first): names and phase from the
/// study's entry when there is one.
Match describe(const std::vector<const Entry*>& matches) {
  const Entry* best = matches.front();
  const Entry* study = nullptr;
  for (const Entry* e : matches) {
    if (best->idiom) break;  // an idiom is not the study's command
    if (e->study) {
      study = e;
      break;
    }
  }
  const Entry* named = study != nullptr ? study : best;
  Match m;
  m.engine = MatchEngine::kKb;
  KbMatch k;
  k.command = named->name;
  k.rule = best->name;
  k.noise = best->noise;
  k.study = study != nullptr;
  k.builtin = named->builtin || best->builtin;
  m.rule_id = best->name;
  m.title = named->name;
  m.phase = named->phase;
  m.tactic = best->tactic.empty() ? named->tactic : best->tactic;
  m.techniques = best->techniques;
  if (study != nullptr && study != best) {
    for (const auto& t : study->techniques) {
      if (std::find(m.techniques.begin(), m.techniques.end(), t) == m.techniques.end()) {
        m.techniques.push_back(t);
      }
    }
  }
  m.level = level_of(k.noise);
  m.kb = std::move(k);
  return m;
}

}  // namespace

Level level_of(Noise noise) {
  switch (noise) {
    case Noise::kHigh:
      return Level::kInformational;
    case Noise::kMedium:
      return Level::kLow;
    case Noise::kLow:
      return Level::kMedium;
    case Noise::kVeryLow:
      return Level::kHigh;
  }
  return Level::kLow;
}

void KbDetector::on_execution(const AnalyzedEvent& event, std::vector<Match>& out) {
  for (std::size_t i = 0; i < event.commands.size(); ++i) {
    const cmdline::AnalyzedCommand& c = event.command(i);
    const std::vector<const Entry*> matches = kb_.match_all(c);
    if (matches.empty()) continue;
    ++matched_;
    Match m = describe(matches);
    if (max_noise_ && m.kb->noise > *max_noise_) {
      ++hidden_;
      continue;
    }
    m.kb->renamed = c.renamed;
    m.command = static_cast<int>(i);
    m.fields.push_back({"program", c.program});
    out.push_back(std::move(m));
  }
}

void KbDetector::counters(std::vector<Counter>& out) const {
  out.emplace_back("kb.matched", matched_);
  if (max_noise_) out.emplace_back("kb.hidden_by_noise", hidden_);
}

}  // namespace cmdsentry::kb
