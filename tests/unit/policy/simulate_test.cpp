// Replay through the engine, as `cmdsentry policy simulate` runs it: Sysmon and 4688
// executions decided against generated policies, users' groups from a CSV.
#include "policy/simulate.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cmdsentry/engine.h"
#include "policy_support.h"

namespace cmdsentry::policy {
namespace {

struct Outcome {
  std::string image;
  std::string decision;
  std::string rule;
};

template <class Inputs>
std::vector<Outcome> replay_inputs(const Policy& p, const GroupMap& groups, const Inputs& inputs) {
  std::vector<Outcome> out;
  Engine engine;
  PolicyReplay detector(p, groups, [&](const Replayed& r) {
    std::string rule = !r.governed                  ? "not governed"
                       : r.decision.rule != nullptr ? r.decision.rule->name
                       : r.decision.implicit_deny   ? "implicit deny"
                                                    : "no rules";
    out.push_back(
        {std::string(r.event->process->image()), std::string(to_string(r.decision.verdict)), rule});
  });
  engine.add_detector(detector);
  const RunReport report = engine.run(inputs);
  EXPECT_EQ(report.read.skipped, 0u);
  return out;
}

std::vector<Outcome> replay(const Policy& p, const GroupMap& groups, const std::string& jsonl) {
  return replay_inputs(p, groups, std::vector<BufferInput>{{"logs.jsonl", jsonl}});
}

std::string sysmon(int record, std::string_view user, std::string_view image,
                   std::string_view original, std::string_view extra = "") {
  return fmt::format(
      R"({{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Computer":"WS01",)"
      R"("TimeCreated":"2024-05-01T10:00:{:02}.000Z","EventRecordID":{},)"
      R"("UtcTime":"2024-05-01 10:00:{:02}.000","ProcessId":{},"ParentProcessId":300,)"
      R"("Image":"{}","CommandLine":"x group /domain","ParentImage":"C:\\Windows\\explorer.exe",)"
      R"("User":"{}","OriginalFileName":"{}","Company":"Microsoft Corporation",)"
      R"x("Product":"Microsoft\u00ae Windows\u00ae Operating System","FileVersion":"10.0.19041.1 (WinBuild.160101.0800)"{}}})x"
      "\n",
      record, record, record, 1000 + record, image, user, original, extra);
}

TEST(PolicySimulate, groups_csv_gives_memberships) {
  auto g = GroupMap::parse(
      "user,group,sid\n# comment\nCORP\\adm,Administrators,S-1-5-32-544\n"
      "S-1-5-21-9-1105,Helpdesk, Tier 2,S-1-5-21-9-2001\n");
  ASSERT_TRUE(g) << g.error().message;
  std::vector<std::string> sids;
  g->groups_of("corp\\ADM", sids);
  g->groups_of("S-1-5-21-9-1105", sids);
  EXPECT_EQ(sids, (std::vector<std::string>{"S-1-5-32-544", "S-1-5-21-9-2001"}));
  EXPECT_FALSE(GroupMap::parse("bob\n"));
  EXPECT_FALSE(GroupMap::parse("bob,Group,not-a-sid\n"));
}

TEST(PolicySimulate, renamed_net_in_temp_is_caught_by_the_publisher_rule) {
  const Policy p = testing::generated({"net"}, EnforcementMode::kEnabled, {"S-1-5-21-9-3000"});
  auto groups = GroupMap::parse(
      "CORP\\bob,Standard users,S-1-5-21-9-3000\n"
      "CORP\\adm,Administrators,S-1-5-32-544\n");
  ASSERT_TRUE(groups);
  const std::string logs =
      sysmon(1, "CORP\\\\bob", "C:\\\\Users\\\\bob\\\\AppData\\\\Local\\\\Temp\\\\svc.exe",
             "net.exe") +
      sysmon(2, "CORP\\\\bob", "C:\\\\Windows\\\\System32\\\\whoami.exe", "whoami.exe") +
      sysmon(3, "CORP\\\\adm", "C:\\\\Windows\\\\System32\\\\net.exe", "net.exe") +
      sysmon(4, "CORP\\\\bob", "C:\\\\Windows\\\\Temp\\\\x.exe", "net1.exe");
  const auto out = replay(p, *groups, logs);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].decision, "blocked");
  EXPECT_EQ(out[0].rule, "Deny net.exe (signed by Microsoft, any name)");
  EXPECT_EQ(out[1].decision, "allowed");
  EXPECT_EQ(out[2].decision, "allowed");  // Administrators are exempt
  EXPECT_EQ(out[2].rule, "(Default Rule) All files");
  EXPECT_EQ(out[3].rule, "Deny net1.exe (signed by Microsoft, any name)");
}

TEST(PolicySimulate, sysmon_hashes_match_hash_rules) {
  Policy p = testing::generated({}, EnforcementMode::kAuditOnly);
  Rule hash;
  hash.kind = RuleKind::kHash;
  hash.id = "00000000-0000-4000-8000-0000000000aa";
  hash.name = "known tool";
  hash.sid = std::string(kEveryoneSid);
  hash.action = Action::kDeny;
  hash.conditions.emplace_back(
      HashCondition{{{"SHA256", "0x" + std::string(64, 'A'), "t.exe", "1"}}});
  for (RuleCollection& c : p.collections) {
    if (c.type == CollectionType::kExe) c.rules.push_back(hash);
  }
  const std::string logs = sysmon(1, "CORP\\\\bob", "C:\\\\Program Files\\\\Tool\\\\t.exe", "t.exe",
                                  R"(,"Hashes":"MD5=00,SHA256=)" + std::string(64, 'a') + "\"");
  const auto out = replay(p, GroupMap{}, logs);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].decision, "audited");
  EXPECT_EQ(out[0].rule, "known tool");
}

TEST(PolicySimulate, security_4688_paths_and_service_accounts) {
  const Policy p = testing::generated({"net"}, EnforcementMode::kAuditOnly);
  auto line = [](int record, std::string_view sid, std::string_view image) {
    return fmt::format(
        R"({{"Channel":"Security","EventID":4688,"Computer":"WS01","TimeCreated":"2024-05-01T10:01:{:02}.000Z",)"
        R"("EventRecordID":{},"SubjectUserSid":"{}","SubjectUserName":"bob","SubjectDomainName":"CORP",)"
        R"("NewProcessId":"0x{:x}","ProcessId":"0x12c","NewProcessName":"{}","CommandLine":"x"}})"
        "\n",
        record, record, sid, 0x200 + record, image);
  };
  const std::string logs = line(1, "S-1-5-21-9-1105", "C:\\\\Windows\\\\System32\\\\net.exe") +
                           line(2, "S-1-5-18", "C:\\\\Windows\\\\System32\\\\net.exe") +
                           line(3, "S-1-5-21-9-1105", "C:\\\\Windows\\\\System32\\\\ipconfig.exe");
  const auto out = replay(p, GroupMap{}, logs);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].decision, "audited");
  EXPECT_EQ(out[0].rule, "implicit deny");
  EXPECT_EQ(out[1].rule, "not governed");
  EXPECT_EQ(out[2].decision, "allowed");
}

TEST(PolicySimulate, applocker_events_give_the_fqbn) {
  // 8004: NET.EXE (by its Fqbn) run as %OSDRIVE%\USERS\JDOE\DOWNLOADS\TOOL.EXE, and a DLL.
  const Policy p = testing::generated({"net"}, EnforcementMode::kEnabled, {"S-1-5-21-9-3000"});
  auto groups = GroupMap::parse(
      "S-1-5-21-1111111111-2222222222-3333333333-1104,Standard users,S-1-5-21-9-3000\n");
  ASSERT_TRUE(groups);
  const std::string file = std::string(CMDSENTRY_SOURCE_DIR) +
                           "/tests/golden/events/applocker_8004_blocked_exe_and_dll/input.jsonl";
  const auto out = replay_inputs(p, *groups, std::vector<std::string>{file});
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].decision, "blocked");
  EXPECT_EQ(out[0].rule, "Deny net.exe (signed by Microsoft, any name)");
  // The DLL record is decided by the Dll collection, which has no rules here.
  for (std::size_t i = 1; i < out.size(); ++i) EXPECT_EQ(out[i].rule, "no rules");
}

/// An AppLocker EXE record (flat JSON) for `image` (AppLocker form `file_path`) run by bob.
std::string applocker(int record, int event_id, int pid, std::string_view image,
                      std::string_view file_path, std::string_view rule_name,
                      std::string_view rule_id) {
  return fmt::format(
      R"({{"Channel":"Microsoft-Windows-AppLocker/EXE and DLL","EventID":{},"Computer":"WS01",)"
      R"("TimeCreated":"2024-05-01T10:02:{:02}.000Z","EventRecordID":{},"PolicyName":"EXE",)"
      R"("RuleId":"{}","RuleName":"{}","TargetUser":"S-1-5-21-9-1105","TargetProcessId":"{}",)"
      R"("FilePath":"{}","FullFilePath":"{}","Fqbn":"-","TargetLogonId":"0x5c3a1f"}})"
      "\n",
      event_id, record, 100 + record, rule_id, rule_name, pid, file_path, image);
}

struct Compared {
  std::string image, decision, logged, logged_rule;
  bool agrees = true;
  bool merged = false;  ///< the AppLocker record merged with a process creation
};

std::vector<Compared> compare(const Policy& p, const std::string& jsonl) {
  std::vector<Compared> out;
  Engine engine;
  const GroupMap no_groups;
  PolicyReplay detector(p, no_groups, [&](const Replayed& r) {
    Compared c;
    c.image = r.event->process->image();
    c.decision = to_string(r.decision.verdict);
    if (r.logged) {
      c.logged = to_string(r.logged->verdict);
      c.logged_rule =
          r.logged->implicit_deny() ? "implicit deny" : std::string(r.logged->rule_name);
    }
    c.agrees = r.agrees();
    c.merged = r.event->process->has(EvidenceKind::kSecurity4688);
    out.push_back(std::move(c));
  });
  engine.add_detector(detector);
  std::vector<Counter> counters;
  const RunReport report = engine.run(std::vector<BufferInput>{{"logs.jsonl", jsonl}});
  EXPECT_EQ(report.read.skipped, 0u);
  detector.counters(counters);
  std::uint64_t mismatches = 0;
  for (const auto& [name, n] : counters) {
    if (name == "policy.mismatches") mismatches = n;
  }
  std::uint64_t expected = 0;
  for (const Compared& c : out) expected += c.agrees ? 0 : 1;
  EXPECT_EQ(mismatches, expected);
  return out;
}

TEST(PolicySimulate, logged_applocker_decisions_are_compared_with_the_simulated_ones) {
  const Policy p = testing::generated({"net"}, EnforcementMode::kAuditOnly);
  const std::string zero = "{00000000-0000-0000-0000-000000000000}";
  const std::string some = "{921cc481-6e17-4653-8f75-050b80acca20}";
  // 1: net.exe audited (8003, implicit deny) with its 4688: the same denial, merged into one
  // execution. 2: whoami allowed by a named rule, as here. 3: ipconfig blocked by a Deny rule
  // the replayed policy lacks. 4: net.exe allowed by the machine's policy, audited by ours.
  const std::string logs =
      fmt::format(
          R"({{"Channel":"Security","EventID":4688,"Computer":"WS01","TimeCreated":"2024-05-01T10:02:01.000Z",)"
          R"("EventRecordID":7,"SubjectUserSid":"S-1-5-21-9-1105","SubjectUserName":"bob",)"
          R"("SubjectDomainName":"CORP","NewProcessId":"0x{:x}","ProcessId":"0x12c",)"
          R"("NewProcessName":"C:\\Windows\\System32\\net.exe","CommandLine":"net view"}})"
          "\n",
          2001) +
      applocker(1, 8003, 2001, "C:\\\\Windows\\\\System32\\\\net.exe", "%SYSTEM32%\\\\NET.EXE", "-",
                zero) +
      applocker(2, 8002, 2002, "C:\\\\Windows\\\\System32\\\\whoami.exe",
                "%SYSTEM32%\\\\WHOAMI.EXE", "All files located in the Windows folder", some) +
      applocker(3, 8004, 2003, "C:\\\\Windows\\\\System32\\\\ipconfig.exe",
                "%SYSTEM32%\\\\IPCONFIG.EXE", "Deny ipconfig", some) +
      applocker(4, 8002, 2004, "C:\\\\Windows\\\\System32\\\\net.exe", "%SYSTEM32%\\\\NET.EXE",
                "All files", some);
  const auto out = compare(p, logs);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(out[0].merged);
  struct Want {
    const char *decision, *logged, *logged_rule;
    bool agrees;
  };
  const Want want[] = {{"audited", "audited", "implicit deny", true},
                       {"allowed", "allowed", "All files located in the Windows folder", true},
                       {"allowed", "blocked", "Deny ipconfig", false},
                       {"audited", "allowed", "All files", false}};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(out[i].decision, want[i].decision) << i;
    EXPECT_EQ(out[i].logged, want[i].logged) << i;
    EXPECT_EQ(out[i].logged_rule, want[i].logged_rule) << i;
    EXPECT_EQ(out[i].agrees, want[i].agrees) << i;
  }
}

TEST(PolicySimulate, an_execution_without_an_applocker_record_has_no_logged_decision) {
  const Policy p = testing::generated({"net"}, EnforcementMode::kEnabled);
  const auto out =
      compare(p, sysmon(1, "CORP\\\\bob", "C:\\\\Windows\\\\System32\\\\net.exe", "net.exe"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].decision, "blocked");
  EXPECT_EQ(out[0].logged, "");
  EXPECT_TRUE(out[0].agrees);
}

TEST(PolicySimulate, logged_decision_reads_the_record) {
  ProcessEvent e;
  EXPECT_FALSE(logged_decision(e));
  AppLockerInfo& a = e.applocker.edit();
  a.decision = AppLockerDecision::kBlocked;
  a.policy = "EXE";
  a.rule_name = "-";
  a.rule_id = "{00000000-0000-0000-0000-000000000000}";
  auto d = logged_decision(e);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::kBlocked);
  EXPECT_TRUE(d->implicit_deny());
  EXPECT_EQ(d->collection, "EXE");
  a.rule_name = "Deny net";
  a.rule_id = "{921cc481-6e17-4653-8f75-050b80acca20}";
  d = logged_decision(e);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->implicit_deny());
  EXPECT_EQ(d->rule_name, "Deny net");
  a.decision = AppLockerDecision::kAudited;
  EXPECT_EQ(logged_decision(e)->verdict, Verdict::kAudited);
}

}  // namespace
}  // namespace cmdsentry::policy

namespace cmdsentry::policy {
namespace {

TEST(PolicySimulate, groups_csv_in_the_baseline_form) {
  // `baseline learn --groups` form: a member,group,group_sid header, rows without a group SID.
  auto g = GroupMap::parse(
      "member,group,group_sid\nCORP\\adm,domain-admins,S-1-5-21-9-512\nCORP\\bob,staff,\n"
      "S-1-5-21-9-1106,staff\n");
  ASSERT_TRUE(g) << g.error().message;
  std::vector<std::string> sids;
  g->groups_of("CORP\\adm", sids);
  g->groups_of("CORP\\bob", sids);
  EXPECT_EQ(sids, std::vector<std::string>{"S-1-5-21-9-512"});
}

TEST(PolicySimulate, the_computer_account_is_system) {
  const Policy p = testing::generated({"net"}, EnforcementMode::kEnabled);
  const std::string logs =
      sysmon(1, "CORP\\\\WS01$", "C:\\\\Windows\\\\System32\\\\net.exe", "net.exe") +
      sysmon(2, "CORP\\\\bob", "C:\\\\Windows\\\\System32\\\\net.exe", "net.exe");
  const auto out = replay(p, GroupMap{}, logs);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rule, "not governed");
  EXPECT_EQ(out[1].decision, "blocked");
}

}  // namespace
}  // namespace cmdsentry::policy
