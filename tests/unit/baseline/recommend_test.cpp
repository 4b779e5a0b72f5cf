// Recommendations on a crafted baseline: what only admins use is restricted with the admins
// exempt, what staff use is kept, builtins are not restrictable; the JSON contract's shape.
#include "baseline/recommend.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "baseline/groups.h"
#include "baseline_support.h"

namespace cmdsentry::baseline {
namespace {

UsageRow row(std::string command, std::string exe, const test::User& user, std::string host,
             std::int64_t executions) {
  UsageRow r;
  r.command = std::move(command);
  r.executable = std::move(exe);
  r.image = "c:\\windows\\system32\\" + r.executable;
  r.path_class = "system";
  r.user_sid = user.sid;
  r.user_name = "CORP\\" + user.name;
  r.host = std::move(host);
  r.executions = executions;
  r.first_seen = 133'000'000'000'000'000ULL;
  r.last_seen = r.first_seen + 864'000'000'000ULL * 6;
  r.days = {1, 2, 7};
  return r;
}

Baseline crafted() {
  Baseline b;
  b.usage.push_back(row("net user", "net.exe", test::kAdmin, "ws01", 12));
  b.usage.push_back(row("net group", "net.exe", test::kAdmin, "dc01", 3));
  b.usage.push_back(row("ipconfig", "ipconfig.exe", test::kStaff, "ws02", 40));
  b.usage.push_back(row("ipconfig", "ipconfig.exe", test::kAdmin, "ws01", 2));
  const test::User system{"S-1-5-18", "WS01$"};
  b.usage.push_back(row("systeminfo", "systeminfo.exe", system, "ws01", 9));
  b.members = *parse_groups(
      test::kAdmin.sid + ",Domain Admins,S-1-5-21-1-2-3-512\n" + test::kStaff.sid + ",Staff\n",
      "g");
  return b;
}

StudyCounts study() {
  return *parse_study_counts(
      "scope,phase,rank,command,count,options\nall,discovery,1,net view,226,\n"
      "all,discovery,2,net user,74,\nall,recon,1,ipconfig,76,/all\nA,recon,1,systeminfo,24,\n",
      "t.csv");
}

const Restriction* restriction(const Recommendation& r, std::string_view exe) {
  for (const Restriction& x : r.restrictions) {
    if (x.executable == exe) return &x;
  }
  return nullptr;
}

TEST(Recommend, what_only_admins_use_is_restricted_with_the_admins_exempt) {
  const Recommendation r = recommend(crafted(), test::knowledge_base(), study(), {});
  for (std::string_view exe : {"net.exe", "net1.exe"}) {
    const Restriction* x = restriction(r, exe);
    ASSERT_NE(x, nullptr) << exe;
    EXPECT_NE(std::find(x->commands.begin(), x->commands.end(), "net view"), x->commands.end());
    EXPECT_NE(std::find(x->commands.begin(), x->commands.end(), "net user"), x->commands.end());
    ASSERT_FALSE(x->exempt_groups.empty());
    EXPECT_EQ(x->exempt_groups[0].name, "Domain Admins");
    EXPECT_EQ(x->exempt_groups[0].sid, "S-1-5-21-1-2-3-512");
    EXPECT_EQ(x->impact.executions, 0);
    EXPECT_GE(x->attack_executions, 226 + 74);
  }
  const std::string& reason = restriction(r, "net.exe")->reason;
  EXPECT_NE(reason.find("Domain Admins (15 executions, 1 users, 2 hosts), exempt"),
            std::string::npos)
      << reason;
  EXPECT_NE(reason.find("restrict both"), std::string::npos) << reason;
  EXPECT_EQ(restriction(r, "net.exe")->paths, std::vector<std::string>{"%SYSTEM32%\\net.exe"});
}

TEST(Recommend, what_staff_use_is_kept) {
  const Recommendation r = recommend(crafted(), test::knowledge_base(), study(), {});
  EXPECT_EQ(restriction(r, "ipconfig.exe"), nullptr);
  const auto kept = std::find_if(r.kept.begin(), r.kept.end(),
                                 [](const Kept& k) { return k.executable == "ipconfig.exe"; });
  ASSERT_NE(kept, r.kept.end());
  EXPECT_EQ(kept->attack_executions, 76);
  EXPECT_NE(kept->reason.find("Staff (40 executions, 1 users, 1 hosts)"), std::string::npos)
      << kept->reason;
}

TEST(Recommend, a_tolerance_of_one_user_restricts_and_counts_the_impact) {
  RecommendOptions o;
  o.max_users = 1;
  const Recommendation r = recommend(crafted(), test::knowledge_base(), study(), o);
  const Restriction* x = restriction(r, "ipconfig.exe");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->impact.executions, 40);
  EXPECT_EQ(x->impact.users, 1);
  EXPECT_EQ(x->impact.hosts, 1);
}

TEST(Recommend, system_runs_do_not_count_against_restricting) {
  const Recommendation r = recommend(crafted(), test::knowledge_base(), study(), {});
  const Restriction* x = restriction(r, "systeminfo.exe");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->attack_executions, 24);  // from the group rows: no "all" row in this table
  EXPECT_NE(x->reason.find("9 runs by SYSTEM"), std::string::npos) << x->reason;
}

TEST(Recommend, builtins_and_shells_are_not_restrictable) {
  const Recommendation r = recommend(crafted(), test::knowledge_base(), study(), {});
  auto has = [&](std::string_view command) {
    return std::any_of(r.not_restrictable.begin(), r.not_restrictable.end(),
                       [&](const NotRestrictable& n) { return n.command == command; });
  };
  for (std::string_view c : {"dir", "ver", "type", "set", "cmd"}) EXPECT_TRUE(has(c)) << c;
  EXPECT_FALSE(has("net user"));
  EXPECT_EQ(restriction(r, "cmd.exe"), nullptr);
  for (const NotRestrictable& n : r.not_restrictable) EXPECT_FALSE(n.detect_with.empty());
}

TEST(Recommend, the_commands_view_puts_use_next_to_the_study) {
  const Recommendation r = recommend(crafted(), test::knowledge_base(), study(), {});
  const auto v = std::find_if(r.commands.begin(), r.commands.end(),
                              [](const CommandView& c) { return c.command == "ipconfig"; });
  ASSERT_NE(v, r.commands.end());
  EXPECT_EQ(v->attacks.at("recon"), 76);
  ASSERT_EQ(v->used_by.size(), 2u);
  EXPECT_EQ(v->used_by[0].group, "Staff");
  EXPECT_EQ(v->used_by[0].executions, 40);
  EXPECT_TRUE(v->used_by[1].admin);
}

// Programs installed in a user's profile (outside the default rules' folders) are allowed to
// that user, by folder; temp folders, one-day binaries and known attacker tools are not.
TEST(Recommend, per_user_installs_are_allowed_to_their_users) {
  Baseline b = crafted();
  auto profile = [&](std::string command, std::string image, std::vector<std::int64_t> days) {
    UsageRow r =
        row(std::move(command), image.substr(image.rfind('\\') + 1), test::kStaff, "ws02", 5);
    r.image = std::move(image);
    r.path_class = "user-writable";
    r.days = std::move(days);
    b.usage.push_back(std::move(r));
  };
  profile("", "c:\\users\\jmori\\appdata\\local\\programs\\microsoft vs code\\code.exe", {1, 2, 3});
  profile("", "c:\\users\\jmori\\appdata\\local\\programs\\microsoft vs code\\bin\\code-tunnel.exe",
          {3});
  profile("", "c:\\users\\jmori\\appdata\\local\\microsoft\\teams\\current\\teams.exe", {1, 4});
  profile("", "c:\\users\\jmori\\appdata\\local\\temp\\svchost32.exe", {1, 2, 3});
  profile("", "c:\\users\\jmori\\appdata\\roaming\\dropper\\x.exe", {5});
  profile("psexec", "c:\\users\\jmori\\appdata\\roaming\\tools\\psexec.exe", {1, 2});
  const Recommendation r = recommend(b, test::knowledge_base(), study(), {});
  ASSERT_EQ(r.user_programs.size(), 2u);
  const UserProgram& code = r.user_programs[0].path.find("vs code") != std::string::npos
                                ? r.user_programs[0]
                                : r.user_programs[1];
  const UserProgram& teams = &code == &r.user_programs[0] ? r.user_programs[1] : r.user_programs[0];
  EXPECT_EQ(code.path, "%OSDRIVE%\\users\\jmori\\appdata\\local\\programs\\microsoft vs code\\*");
  EXPECT_EQ(code.sid, test::kStaff.sid);
  EXPECT_EQ(code.executables, (std::vector<std::string>{"code-tunnel.exe", "code.exe"}));
  EXPECT_EQ(code.days, 3);
  EXPECT_EQ(teams.path, "%OSDRIVE%\\users\\jmori\\appdata\\local\\microsoft\\teams\\*");
}

// A service group with no SID in the mapping is exempted through its members' SIDs.
TEST(Recommend, a_service_group_without_sid_is_exempt_by_its_members) {
  Baseline b = crafted();
  b.members = *parse_groups(test::kAdmin.sid + ",Domain Admins,S-1-5-21-1-2-3-512\n" +
                                test::kStaff.sid + ",Staff\nS-1-5-21-1-2-3-1500,service-accounts\n",
                            "g");
  RecommendOptions o;
  o.service_groups = {"service-accounts"};
  const Recommendation r = recommend(b, test::knowledge_base(), study(), o);
  const Restriction* net = restriction(r, "net.exe");
  ASSERT_NE(net, nullptr);
  bool member = false;
  for (const NamedGroup& g : net->exempt_groups) member = member || g.sid == "S-1-5-21-1-2-3-1500";
  EXPECT_TRUE(member);
  for (const NamedGroup& g : net->exempt_groups) EXPECT_FALSE(g.sid.empty()) << g.name;
}

TEST(RecommendJson, matches_the_contract) {
  Recommendation r;
  Restriction x;
  x.executable = "net.exe";
  x.original_file_name = "net.exe";
  x.paths = {"%SYSTEM32%\\net.exe"};
  x.commands = {"net view", "net user"};
  x.exempt_groups = {{"Domain Admins", "S-1-5-21-1-2-3-512"}};
  x.impact = {1, 2, 3};
  x.attack_executions = 300;
  x.reason = "only \"admins\"";
  r.restrictions.push_back(x);
  r.not_restrictable.push_back({"dir", "builtin", "scan"});
  r.user_programs.push_back(
      {"CORP\\bob", "S-1-5-21-9", "%OSDRIVE%\\users\\bob\\appdata\\local\\x\\*", {"x.exe"}, 4, 2});
  EXPECT_EQ(format_recommendation_json(r),
            "{\"format\":\"cmdsentry-recommendation\",\"version\":1,\"restrictions\":[\n"
            "{\"executable\":\"net.exe\",\"original_file_name\":\"net.exe\","
            "\"paths\":[\"%SYSTEM32%\\\\net.exe\"],\"commands\":[\"net view\",\"net user\"],"
            "\"exempt_groups\":[{\"name\":\"Domain Admins\",\"sid\":\"S-1-5-21-1-2-3-512\"}],"
            "\"impact\":{\"executions\":1,\"users\":2,\"hosts\":3},\"attack_executions\":300,"
            "\"reason\":\"only \\\"admins\\\"\"}\n],\"user_programs\":[\n"
            "{\"user\":\"CORP\\\\bob\",\"sid\":\"S-1-5-21-9\","
            "\"path\":\"%OSDRIVE%\\\\users\\\\bob\\\\appdata\\\\local\\\\x\\\\*\","
            "\"executables\":[\"x.exe\"],\"executions\":4,\"days\":2}\n],\"not_restrictable\":[\n"
            "{\"command\":\"dir\",\"reason\":\"builtin\",\"detect_with\":\"scan\"}\n]}\n");
  EXPECT_EQ(format_recommendation_json({}),
            "{\"format\":\"cmdsentry-recommendation\",\"version\":1,\"restrictions\":[\n]"
            ",\"user_programs\":[\n],\"not_restrictable\":[\n]}\n");
}

}  // namespace
}  // namespace cmdsentry::baseline
