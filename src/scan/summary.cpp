#include "scan/summary.h"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/ascii.h"
#include "events/merge.h"

namespace cmdsentry::scan {
namespace {

/// Programs whose first positional words are a verb worth counting as an option, and how many
/// words the verb has (`fsutil fsinfo drives`).
struct VerbProgram {
  std::string_view program;
  std::size_t words;
};
constexpr std::array<VerbProgram, 9> kVerbPrograms = {{
    {"reg", 1},
    {"sc", 1},
    {"query", 1},
    {"fsutil", 2},
    {"wmic", 1},
    {"netsh", 1},
    {"wevtutil", 1},
    {"vssadmin", 1},
    {"wbadmin", 1},
}};

bool is_switch(std::string_view a) { return a.size() > 1 && (a[0] == '/' || a[0] == '-'); }

bool is_word(std::string_view a) {
  return !a.empty() && std::all_of(a.begin(), a.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  });
}

/// Words of the canonical name ("net view" -> {"net", "view"}).
std::vector<std::string_view> name_words(std::string_view name) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t sp = name.find(' ', start);
    if (sp == std::string_view::npos) sp = name.size();
    if (sp > start) out.push_back(name.substr(start, sp - start));
    start = sp + 1;
  }
  return out;
}

bool study_phase_rank(std::string_view phase, int* rank) {
  static constexpr std::array<std::string_view, 3> kStudy = {"recon", "discovery", "spread"};
  for (std::size_t i = 0; i < kStudy.size(); ++i) {
    if (phase == kStudy[i]) {
      *rank = static_cast<int>(i);
      return true;
    }
  }
  return false;
}

}  // namespace

void SummaryBuilder::Scope::add(const Finding& f) {
  ++findings;
  const std::string command(f.command());
  auto [it, fresh] = index.try_emplace(command, tallies.size());
  if (fresh) {
    Tally fresh_tally;
    fresh_tally.command = command;
    fresh_tally.phase = f.phase();
    fresh_tally.first_seen = tallies.size();
    tallies.push_back(std::move(fresh_tally));
  }
  Tally& t = tallies[it->second];
  ++t.count;
  const ProcessEvent& e = *f.process;
  if (e.time != 0) {
    t.first = t.first == 0 ? e.time : std::min(t.first, e.time);
    t.last = std::max(t.last, e.time);
  }
  if (t.hosts.size() < kMaxSummaryDistinct) t.hosts.insert(events::host_key(e.host()));
  if (t.users.size() < kMaxSummaryDistinct) {
    std::string user = e.user_name().empty()
                           ? std::string(e.user_sid())
                           : std::string(e.user_domain()) + '\\' + std::string(e.user_name());
    t.users.insert(to_lower(user));
  }
  for (std::string& tok : option_tokens(f)) {
    auto o = std::find_if(t.options.begin(), t.options.end(),
                          [&](const auto& p) { return p.first == tok; });
    if (o != t.options.end()) {
      ++o->second;
    } else if (t.options.size() < kMaxSummaryOptionKinds) {
      t.options.emplace_back(std::move(tok), 1);
    }
  }
}

SummaryScope SummaryBuilder::Scope::build() const {
  SummaryScope scope;
  scope.host = host;
  scope.findings = findings;
  // Phases: the study's first, in its order, then the rest alphabetically.
  std::vector<std::string> phases;
  for (const Tally& t : tallies) {
    if (std::find(phases.begin(), phases.end(), t.phase) == phases.end()) phases.push_back(t.phase);
  }
  std::sort(phases.begin(), phases.end(), [](const std::string& a, const std::string& b) {
    int ra = 0, rb = 0;
    const bool sa = study_phase_rank(a, &ra), sb = study_phase_rank(b, &rb);
    if (sa != sb) return sa;
    if (sa) return ra < rb;
    return a < b;
  });
  for (const std::string& phase : phases) {
    std::vector<const Tally*> rows;
    for (const Tally& t : tallies) {
      if (t.phase == phase) rows.push_back(&t);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Tally* a, const Tally* b) {
      if (a->count != b->count) return a->count > b->count;
      return a->first_seen < b->first_seen;
    });
    PhaseTable table;
    table.phase = phase;
    for (const Tally* t : rows) {
      SummaryRow row;
      row.rank = static_cast<int>(table.rows.size()) + 1;
      row.command = t->command;
      row.count = t->count;
      row.first = t->first;
      row.last = t->last;
      row.hosts = t->hosts.size();
      row.users = t->users.size();
      std::vector<std::pair<std::string, std::uint64_t>> opts = t->options;
      std::stable_sort(opts.begin(), opts.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      for (std::size_t k = 0; k < opts.size() && k < kMaxSummaryOptions; ++k) {
        row.options.push_back(opts[k].first);
      }
      table.rows.push_back(std::move(row));
    }
    scope.phases.push_back(std::move(table));
  }
  return scope;
}

std::vector<std::string> option_tokens(const Finding& f) {
  std::vector<std::string> out;
  auto add = [&](std::string tok) {
    if (std::find(out.begin(), out.end(), tok) == out.end()) out.push_back(std::move(tok));
  };
  std::size_t verb_words = 0;
  for (const VerbProgram& v : kVerbPrograms) {
    if (v.program == f.program) verb_words = v.words;
  }
  const std::vector<std::string_view> named = name_words(f.command());
  std::string verb;
  std::size_t taken = 0;
  bool verb_open = verb_words > 0;
  for (const std::string& a : f.argv) {
    if (is_switch(a)) {
      if (!verb.empty()) verb_open = false;  // switches may precede the verb, not split it
      const std::size_t sep = a.find_first_of(":=");
      add(to_lower(std::string_view(a).substr(0, sep)));
      continue;
    }
    if (!verb_open) continue;
    if (a.starts_with("\\\\") && verb.empty()) continue;  // sc \\host create
    const std::string w = to_lower(a);
    if (std::find(named.begin(), named.end(), w) != named.end() && verb.empty()) continue;
    if (!is_word(w)) {
      verb_open = false;
      continue;
    }
    if (!verb.empty()) verb += ' ';
    verb += w;
    if (++taken == verb_words) verb_open = false;
  }
  if (!verb.empty()) out.insert(out.begin(), std::move(verb));
  return out;
}

void SummaryBuilder::add(const Finding& f) {
  all_.add(f);
  const std::string_view h = f.process->host();
  auto [it, fresh] = hosts_.try_emplace(events::host_key(h));
  if (fresh) it->second.host = std::string(h);
  it->second.add(f);
}

Summary SummaryBuilder::build() const {
  Summary s;
  s.all = all_.build();
  for (const auto& [key, scope] : hosts_) s.hosts.push_back(scope.build());
  return s;
}

Summary summarize(std::span<const Finding> findings) {
  SummaryBuilder b;
  for (const Finding& f : findings) b.add(f);
  return b.build();
}

void AppLockerTally::on_execution(const AnalyzedEvent& event, std::vector<Match>& out) {
  (void)out;
  const AppLockerInfo& a = *event.process->applocker;
  if (!a.policy.empty() && !iequals(a.policy, "EXE")) return;
  switch (a.decision) {
    case AppLockerDecision::kNone:
      break;
    case AppLockerDecision::kAllowed:
      ++counts_.allowed;
      break;
    case AppLockerDecision::kAudited:
      ++counts_.audited;
      break;
    case AppLockerDecision::kBlocked:
      ++counts_.blocked;
      break;
  }
}

}  // namespace cmdsentry::scan
