// The generator: default rules kept, restrictions as exceptions and rules, deterministic ids,
// and every generated policy valid against our XSD and read back by our reader.
#include "policy/generate.h"

#include <set>

#include <gtest/gtest.h>

#include "policy/evaluate.h"
#include "policy/reader.h"
#include "policy/writer.h"
#include "policy_support.h"

namespace cmdsentry::policy {
namespace {

using testing::exe_rule;
using testing::generated;
using testing::schema_errors;

constexpr std::string_view kWindowsRule =
    "All files located in the Windows folder, except net.exe, net1.exe";

TEST(PolicyGenerate, keeps_the_default_allow_rules) {
  const Policy p = generated({"net"});
  const Rule* admins = exe_rule(p, "(Default Rule) All files");
  ASSERT_NE(admins, nullptr);
  EXPECT_EQ(admins->id, "fd686d83-a829-4351-8ff4-27c7de5755d2");
  EXPECT_EQ(admins->sid, kAdministratorsSid);
  const Rule* pf = exe_rule(p, "(Default Rule) All files located in the Program Files folder");
  ASSERT_NE(pf, nullptr);
  EXPECT_EQ(std::get<PathCondition>(pf->conditions[0]).path, "%PROGRAMFILES%\\*");
  const Rule* windows = exe_rule(p, kWindowsRule);
  ASSERT_NE(windows, nullptr);
  EXPECT_EQ(windows->sid, kEveryoneSid);
  EXPECT_EQ(std::get<PathCondition>(windows->conditions[0]).path, "%WINDIR%\\*");
  EXPECT_EQ(p.find(CollectionType::kExe)->mode, EnforcementMode::kAuditOnly);
  // The other collections are present and empty, so they allow everything.
  EXPECT_TRUE(p.find(CollectionType::kDll)->rules.empty());
  EXPECT_EQ(p.find(CollectionType::kAppx)->mode, EnforcementMode::kNotConfigured);
}

TEST(PolicyGenerate, net_restricts_net_and_net1_by_publisher_and_path) {
  const Policy p = generated({"net"});
  const Rule* windows = exe_rule(p, kWindowsRule);
  ASSERT_NE(windows, nullptr);
  std::set<std::string> binaries, paths;
  for (const Condition& c : windows->exceptions) {
    if (const auto* pub = std::get_if<PublisherCondition>(&c)) {
      EXPECT_EQ(pub->publisher, kMicrosoftPublisher);
      EXPECT_EQ(pub->product, kWindowsProduct);
      binaries.insert(pub->binary);
    }
    if (const auto* path = std::get_if<PathCondition>(&c)) paths.insert(path->path);
  }
  EXPECT_EQ(binaries, (std::set<std::string>{"NET.EXE", "NET1.EXE"}));
  EXPECT_TRUE(paths.count("%SYSTEM32%\\net.exe"));
  EXPECT_TRUE(paths.count("%WINDIR%\\SysWOW64\\net1.exe"));
}

TEST(PolicyGenerate, deny_groups_get_publisher_and_path_deny_rules) {
  const Policy p = generated({"wmic"}, EnforcementMode::kAuditOnly, {"S-1-5-21-1-2-3-4242"});
  const Rule* pub = exe_rule(p, "Deny wmic.exe (signed by Microsoft, any name)");
  ASSERT_NE(pub, nullptr);
  EXPECT_EQ(pub->kind, RuleKind::kPublisher);
  EXPECT_EQ(pub->action, Action::kDeny);
  EXPECT_EQ(pub->sid, "S-1-5-21-1-2-3-4242");
  EXPECT_EQ(std::get<PublisherCondition>(pub->conditions[0]).binary, "WMIC.EXE");
  const Rule* path = exe_rule(p, "Deny wmic.exe at %SYSTEM32%\\wbem\\wmic.exe");
  ASSERT_NE(path, nullptr);
  EXPECT_EQ(path->kind, RuleKind::kPath);
  EXPECT_NE(pub->description.find("no administrators"), std::string::npos);
}

TEST(PolicyGenerate, exempt_groups_get_allow_rules) {
  const Policy p =
      generated({"at"}, EnforcementMode::kAuditOnly, {}, {{"Domain Admins", "S-1-5-21-1-2-3-512"}});
  const Rule* allow = exe_rule(p, "Allow at.exe for Domain Admins");
  ASSERT_NE(allow, nullptr);
  EXPECT_EQ(allow->sid, "S-1-5-21-1-2-3-512");
  EXPECT_EQ(allow->action, Action::kAllow);
  // Administrators are exempt through the stock rule, not a rule of their own.
  EXPECT_EQ(exe_rule(p, "Allow at.exe for S-1-5-32-544"), nullptr);
}

TEST(PolicyGenerate, ids_are_deterministic_and_unique) {
  const Policy a = generated({"net", "wmic", "at"}, EnforcementMode::kEnabled, {"S-1-5-21-9"});
  const Policy b = generated({"net", "wmic", "at"}, EnforcementMode::kEnabled, {"S-1-5-21-9"});
  EXPECT_EQ(write_policy_xml(a), write_policy_xml(b));
  std::set<std::string> ids;
  std::size_t n = 0;
  for (const RuleCollection& c : a.collections) {
    for (const Rule& r : c.rules) {
      ids.insert(r.id);
      ++n;
      EXPECT_FALSE(r.description.empty()) << r.name;
    }
  }
  EXPECT_EQ(ids.size(), n);
  const std::string id = content_uuid("x");
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '8');
  EXPECT_NE(content_uuid("x"), content_uuid("y"));
}

TEST(PolicyGenerate, enforce_adds_the_packaged_app_rule) {
  const Policy p = generated({"net"}, EnforcementMode::kEnabled);
  EXPECT_EQ(p.find(CollectionType::kExe)->mode, EnforcementMode::kEnabled);
  const RuleCollection* appx = p.find(CollectionType::kAppx);
  ASSERT_EQ(appx->rules.size(), 1u);
  EXPECT_EQ(appx->rules[0].id, "a9e18c21-ff8f-43cf-b9fc-db40eed693ba");
}

TEST(PolicyGenerate, other_collections_get_their_default_rules) {
  GenerateOptions o;
  o.restrictions.push_back({"net", "", {}, {}, {}, ""});
  o.collections = {CollectionType::kExe, CollectionType::kScript, CollectionType::kMsi,
                   CollectionType::kDll};
  auto p = generate_policy(o);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->find(CollectionType::kScript)->rules.size(), 3u);
  EXPECT_EQ(p->find(CollectionType::kMsi)->rules.size(), 3u);
  EXPECT_EQ(p->find(CollectionType::kDll)->rules.size(), 3u);
  EXPECT_EQ(schema_errors(write_policy_xml(*p)), "");
}

TEST(PolicyGenerate, unknown_commands_are_an_error) {
  GenerateOptions o;
  o.restrictions.push_back({"frobnicate", "", {}, {}, {}, ""});
  auto p = generate_policy(o);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("frobnicate"), std::string::npos);
}

TEST(PolicyGenerate, generated_policies_validate_and_read_back) {
  for (const auto mode : {EnforcementMode::kAuditOnly, EnforcementMode::kEnabled}) {
    const Policy p = generated({"net", "wmic", "at", "query", "systeminfo"}, mode, {"S-1-5-21-7"},
                               {{"Helpdesk", "S-1-5-21-7-1001"}});
    const std::string xml = write_policy_xml(p);
    EXPECT_EQ(schema_errors(xml), "");
    auto back = read_policy(xml);
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->collections.size(), p.collections.size());
    for (std::size_t i = 0; i < p.collections.size(); ++i) {
      const auto& want = p.collections[i];
      const auto& got = back->collections[i];
      EXPECT_EQ(got.type, want.type);
      EXPECT_EQ(got.mode, want.mode);
      ASSERT_EQ(got.rules.size(), want.rules.size());
      for (std::size_t j = 0; j < want.rules.size(); ++j) {
        EXPECT_EQ(got.rules[j].id, want.rules[j].id);
        EXPECT_EQ(got.rules[j].name, want.rules[j].name);
        EXPECT_EQ(got.rules[j].kind, want.rules[j].kind);
        EXPECT_EQ(got.rules[j].action, want.rules[j].action);
        EXPECT_EQ(got.rules[j].exceptions.size(), want.rules[j].exceptions.size());
      }
    }
    EXPECT_NE(xml.find("MICROSOFT\xC2\xAE WINDOWS\xC2\xAE OPERATING SYSTEM"), std::string::npos);
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>", 0), 0u);
  }
}

TEST(PolicyGenerate, reads_a_recommendation) {
  const std::string json = R"({"format":"cmdsentry-recommendation","version":1,
    "restrictions":[{"executable":"net.exe","original_file_name":"net.exe",
      "paths":["%SYSTEM32%\\net.exe"],"commands":["net view","net user"],
      "exempt_groups":[{"name":"Domain Admins","sid":"S-1-5-21-10-20-30-512"}],
      "impact":{"executions":3,"users":1,"hosts":1},"attack_executions":12,
      "reason":"used 12 times by the intrusion, 3 times by one admin"}],
    "not_restrictable":[{"command":"dir","reason":"cmd builtin","detect_with":"scan"}]})";
  auto rec = parse_recommendation(json);
  ASSERT_TRUE(rec) << rec.error().message;
  ASSERT_EQ(rec->restrictions.size(), 1u);
  EXPECT_EQ(rec->restrictions[0].exempt_groups[0].sid, "S-1-5-21-10-20-30-512");
  EXPECT_EQ(rec->not_restrictable, std::vector<std::string>{"dir"});
  GenerateOptions o;
  o.restrictions = rec->restrictions;
  auto p = generate_policy(o);
  ASSERT_TRUE(p);
  const Rule* allow = exe_rule(*p, "Allow net.exe for Domain Admins");
  ASSERT_NE(allow, nullptr);
  EXPECT_NE(allow->description.find("used 12 times"), std::string::npos);
  EXPECT_NE(exe_rule(*p, "Allow net1.exe for Domain Admins"), nullptr);

  EXPECT_FALSE(parse_recommendation("{"));
  EXPECT_FALSE(parse_recommendation(R"({"format":"other","version":1})"));
  EXPECT_FALSE(parse_recommendation(R"({"format":"cmdsentry-recommendation","version":2})"));
  EXPECT_FALSE(parse_recommendation(
      R"({"format":"cmdsentry-recommendation","version":1,"restrictions":[{"paths":[]}]})"));
}

TEST(PolicyGenerate, srp_form_lists_disallowed_paths) {
  const Policy p = generated({"net"}, EnforcementMode::kEnabled, {"S-1-5-21-9"});
  const std::string reg = write_srp_reg(p);
  EXPECT_EQ(reg.rfind("Windows Registry Editor Version 5.00", 0), 0u);
  EXPECT_NE(reg.find("\\Safer\\CodeIdentifiers\\0\\Paths\\{"), std::string::npos);
  EXPECT_NE(reg.find("no SRP form (publisher or hash condition)"), std::string::npos);
  EXPECT_NE(reg.find("applies to every user in SRP"), std::string::npos);
  // Without deny groups the carved-out paths are the SRP rules.
  const std::string plain = write_srp_reg(generated({"net"}));
  EXPECT_NE(plain.find("\\0\\Paths\\{"), std::string::npos);
  EXPECT_EQ(plain.find("; "), std::string::npos);
  // %SystemRoot%\System32\net.exe in UTF-16LE hex: "%" = 25,00.
  EXPECT_NE(reg.find("\"ItemData\"=hex(2):25,00,53,00"), std::string::npos);
}

}  // namespace
}  // namespace cmdsentry::policy

namespace cmdsentry::policy {

// A recommendation's per-user programs become Allow path rules for that user only: the user
// runs the program from their profile under an enforced policy, another user (or the same
// user from a temp folder) does not.
TEST(PolicyGenerate, user_programs_are_allowed_to_their_user_only) {
  const std::string json = R"({"format":"cmdsentry-recommendation","version":1,
    "restrictions":[{"executable":"net.exe","paths":[],"commands":["net view"],"exempt_groups":[]}],
    "user_programs":[{"user":"CORP\\bob","sid":"S-1-5-21-1-2-3-1201",
      "path":"%OSDRIVE%\\users\\bob\\appdata\\local\\programs\\microsoft vs code\\*",
      "executables":["code.exe"],"executions":40,"days":9}]})";
  auto rec = parse_recommendation(json);
  ASSERT_TRUE(rec) << rec.error().message;
  ASSERT_EQ(rec->user_programs.size(), 1u);
  GenerateOptions o;
  o.mode = EnforcementMode::kEnabled;
  o.restrictions = rec->restrictions;
  o.user_programs = rec->user_programs;
  auto p = generate_policy(o);
  ASSERT_TRUE(p) << p.error().message;
  const RuleCollection* exe = p->find(CollectionType::kExe);
  ASSERT_NE(exe, nullptr);
  FileFacts code;
  code.path = "C:\\Users\\bob\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe";
  const std::vector<std::string> bob{"S-1-1-0", "S-1-5-32-545", "S-1-5-21-1-2-3-1201"};
  const std::vector<std::string> eve{"S-1-1-0", "S-1-5-32-545", "S-1-5-21-1-2-3-1202"};
  EXPECT_EQ(evaluate(exe, code, bob).verdict, Verdict::kAllowed);
  EXPECT_EQ(evaluate(exe, code, eve).verdict, Verdict::kBlocked);
  FileFacts temp;
  temp.path = "C:\\Users\\bob\\AppData\\Local\\Temp\\x.exe";
  EXPECT_EQ(evaluate(exe, temp, bob).verdict, Verdict::kBlocked);
  EXPECT_EQ(testing::schema_errors(write_policy_xml(*p)), "");
  EXPECT_FALSE(parse_recommendation(R"({"format":"cmdsentry-recommendation","version":1,
    "user_programs":[{"user":"x","path":"%OSDRIVE%\\x\\*"}]})"));
}

}  // namespace cmdsentry::policy
