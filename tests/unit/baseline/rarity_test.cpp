// scan --db: knowledge-base commands compared with the learned baseline, through the engine
// with the knowledge base first, as `cmdsentry scan --db` runs them.
#include "baseline/rarity.h"

#include <gtest/gtest.h>

#include "baseline/groups.h"
#include "baseline_support.h"
#include "kb/detector.h"

namespace cmdsentry::baseline {
namespace {

using test::exec_line;

const test::User kOtherAdmin{"S-1-5-21-1-2-3-1105", "adm-sato"};

/// The baseline: the admin ran `net user`, the staff member `ipconfig`.
Baseline learned() {
  auto s = Store::open(test::temp_db("rarity"), OpenMode::kLearn);
  EXPECT_TRUE(s);
  EXPECT_TRUE(s->set_groups(*parse_groups(test::kAdmin.sid + ",Domain Admins\n" + kOtherAdmin.sid +
                                              ",Domain Admins\n" + test::kStaff.sid + ",Staff\n",
                                          "g")));
  const std::string log =
      exec_line(1, "09:00:00", 1, test::kAdmin, test::kNet, "net user x /domain") +
      exec_line(1, "09:01:00", 2, test::kStaff, test::kIpconfig, "ipconfig /all");
  EXPECT_TRUE(test::learn(*s, {{"a.jsonl", log}}));
  return *s->load();
}

/// rule id of the baseline match of each finding, "-" when there is none.
class Rules final : public Sink {
 public:
  void on_finding(const Finding& f) override {
    const Match* m = f.first(MatchEngine::kBaseline);
    rules.push_back(std::string(f.command()) + " " + (m != nullptr ? m->rule_id : "-"));
  }
  std::vector<std::string> rules;
};

TEST(Rarity, flags_what_the_user_group_or_organisation_never_ran) {
  const Baseline b = learned();
  EngineOptions eo;
  eo.threads = 1;
  Engine engine(eo);
  kb::KbDetector kb(test::knowledge_base());
  RarityDetector rarity(b);
  engine.add_detector(kb);
  engine.add_detector(rarity);
  Rules sink;
  engine.add_sink(sink);
  const std::string log =
      exec_line(5, "10:00:00", 11, test::kAdmin, test::kNet, "net user y /domain") +
      exec_line(5, "10:01:00", 12, kOtherAdmin, test::kNet, "net user y /domain") +
      exec_line(5, "10:02:00", 13, test::kStaff, test::kNet, "net user y /domain") +
      exec_line(5, "10:03:00", 14, test::kStaff, test::kWhoami, "whoami /all") +
      exec_line(5, "10:04:00", 15, test::kStaff, test::kIpconfig, "ipconfig /all");
  const RunReport r = engine.run(std::vector<BufferInput>{{"scan.jsonl", log}});
  EXPECT_EQ(sink.rules, (std::vector<std::string>{"net user -", "net user baseline.new-for-user",
                                                  "net user baseline.new-for-group",
                                                  "whoami baseline.never-seen", "ipconfig -"}));
  bool counted = false;
  for (const auto& [name, n] : r.detector_counters) {
    if (name == "baseline.never_seen") counted = n == 1;
  }
  EXPECT_TRUE(counted);
}

}  // namespace
}  // namespace cmdsentry::baseline
