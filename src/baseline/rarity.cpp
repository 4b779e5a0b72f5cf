#include "baseline/rarity.h"

#include <fmt/format.h>

#include "baseline/learner.h"
#include "baseline/tally.h"
#include "core/ascii.h"

namespace cmdsentry::baseline {

RarityDetector::RarityDetector(const Baseline& baseline) : groups_(baseline.members) {
  for (const UsageRow& r : baseline.usage) {
    if (r.command.empty()) continue;
    commands_.insert(r.command);
    by_user_.emplace(r.command, to_lower(user_key(r)));
    for (const std::string& g : groups_.of(r.user_sid, r.user_name)) {
      by_group_.emplace(r.command, g);
    }
  }
}

void RarityDetector::on_execution(const AnalyzedEvent& event, std::vector<Match>& out) {
  const ProcessEvent& p = *event.process;
  const std::string name = user_name_of(p);
  const std::string user = to_lower(p.user_sid().empty() ? std::string_view(name) : p.user_sid());
  const std::size_t known = out.size();  // the knowledge base's matches of this execution
  for (std::size_t i = 0; i < known; ++i) {
    if (out[i].engine != MatchEngine::kKb || !out[i].kb) continue;
    const std::string command = out[i].kb->command;
    if (by_user_.contains({command, user})) continue;
    Match m;
    m.engine = MatchEngine::kBaseline;
    m.command = out[i].command;
    m.phase = out[i].phase;
    m.tactic = out[i].tactic;
    m.techniques = out[i].techniques;
    m.fields.push_back({"command", command});
    const std::vector<std::string> groups = groups_.of(p.user_sid(), name);
    bool group_ran = false;
    for (const std::string& g : groups) group_ran = group_ran || by_group_.contains({command, g});
    if (!commands_.contains(command)) {
      ++never_seen_;
      m.rule_id = "baseline.never-seen";
      m.level = Level::kMedium;
      m.title = fmt::format("{}: nobody in the organisation ran it in the learned period", command);
    } else if (!group_ran) {
      ++new_for_group_;
      m.rule_id = "baseline.new-for-group";
      m.level = Level::kLow;
      m.title = fmt::format("{}: nobody in {} ran it in the learned period", command,
                            fmt::join(groups, ", "));
    } else {
      ++new_for_user_;
      m.rule_id = "baseline.new-for-user";
      m.level = Level::kInformational;
      m.title = fmt::format("{}: new for this user (others in the group ran it)", command);
    }
    out.push_back(std::move(m));
  }
}

void RarityDetector::counters(std::vector<Counter>& out) const {
  out.emplace_back("baseline.never_seen", never_seen_);
  out.emplace_back("baseline.new_for_group", new_for_group_);
  out.emplace_back("baseline.new_for_user", new_for_user_);
}

}  // namespace cmdsentry::baseline
