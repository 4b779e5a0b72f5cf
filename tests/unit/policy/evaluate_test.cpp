// Evaluation: path variables and wildcards, publisher and hash conditions, exceptions, deny
// beats allow, implicit deny, collections without rules, audit vs enforce, group membership.
#include "policy/evaluate.h"

#include <gtest/gtest.h>

#include "policy/reader.h"
#include "policy_support.h"

namespace cmdsentry::policy {
namespace {

const std::vector<std::string> kUser{"S-1-1-0", "S-1-5-21-1-2-3-1105"};
const std::vector<std::string> kAdmin{"S-1-1-0", "S-1-5-21-1-2-3-500", "S-1-5-32-544"};

FileFacts system32(std::string_view name) {
  FileFacts f;
  f.path = "C:\\Windows\\System32\\" + std::string(name);
  f.publisher = kMicrosoftPublisher;
  f.product = "Microsoft\xC2\xAE Windows\xC2\xAE Operating System";
  f.binary = name;
  f.version = "10.0.19041.1";
  return f;
}

TEST(PolicyEvaluate, path_variables_and_wildcards) {
  EXPECT_TRUE(path_matches("%WINDIR%\\*", "C:\\Windows\\System32\\net.exe"));
  EXPECT_TRUE(path_matches("%WINDIR%\\*", "c:\\windows\\explorer.exe"));
  EXPECT_TRUE(path_matches("%SYSTEM32%\\net.exe", "C:\\Windows\\SysWOW64\\NET.EXE"));
  EXPECT_TRUE(path_matches("%SYSTEM32%\\net.exe", "%SYSTEM32%\\NET.EXE"));  // AppLocker form
  EXPECT_TRUE(path_matches("%PROGRAMFILES%\\*", "C:\\Program Files (x86)\\App\\a.exe"));
  EXPECT_TRUE(path_matches("%OSDRIVE%\\Tools\\*", "C:\\Tools\\x\\y.exe"));
  EXPECT_TRUE(path_matches("%OSDRIVE%\\USERS\\*", "%OSDRIVE%\\USERS\\BOB\\A.EXE"));
  EXPECT_TRUE(path_matches("*", "D:\\anything.exe"));
  EXPECT_TRUE(path_matches("%WINDIR%\\*", "\\??\\C:\\Windows\\system32\\conhost.exe"));
  EXPECT_TRUE(path_matches("%WINDIR%\\*", "D:\\Windows\\notepad.exe"));  // Windows on D:
  EXPECT_FALSE(path_matches("%WINDIR%\\*", "C:\\Users\\bob\\AppData\\Local\\Temp\\net.exe"));
  EXPECT_FALSE(path_matches("%SYSTEM32%\\net.exe", "C:\\Windows\\System32\\net1.exe"));
  EXPECT_FALSE(path_matches("%REMOVABLE%\\*", "E:\\x.exe"));  // drives the logs do not name
  EXPECT_FALSE(path_matches("%HOT%\\*", "F:\\x.exe"));
  EXPECT_FALSE(path_matches("%HOT%\\*", "%HOT%\\X.EXE"));
  EXPECT_TRUE(path_matches("*", "%REMOVABLE%\\X.EXE"));
  EXPECT_FALSE(path_matches("*", ""));
  EXPECT_FALSE(path_matches("%WINDIR%\\*", "C:\\WindowsApps\\x.exe"));
}

TEST(PolicyEvaluate, versions_compare_by_part) {
  EXPECT_LT(compare_versions("10.0.1.2", "10.0.2"), 0);
  EXPECT_EQ(compare_versions("10.0", "10.0.0.0"), 0);
  EXPECT_GT(compare_versions("10.0.19041.1", "6.3.9600.0"), 0);
}

TEST(PolicyEvaluate, a_collection_without_rules_allows_all) {
  RuleCollection empty{CollectionType::kExe, EnforcementMode::kEnabled, {}};
  const Decision d = evaluate(&empty, system32("net.exe"), kUser);
  EXPECT_EQ(d.verdict, Verdict::kAllowed);
  EXPECT_EQ(d.rule, nullptr);
  EXPECT_FALSE(d.implicit_deny);
  EXPECT_EQ(evaluate(nullptr, system32("net.exe"), kUser).verdict, Verdict::kAllowed);
}

TEST(PolicyEvaluate, generated_policy_exempts_admins_and_audits_users) {
  const Policy p = testing::generated({"net"});
  const RuleCollection* exe = p.find(CollectionType::kExe);
  const Decision user = evaluate(exe, system32("net.exe"), kUser);
  EXPECT_EQ(user.verdict, Verdict::kAudited);
  EXPECT_TRUE(user.implicit_deny);
  const Decision admin = evaluate(exe, system32("net.exe"), kAdmin);
  EXPECT_EQ(admin.verdict, Verdict::kAllowed);
  ASSERT_NE(admin.rule, nullptr);
  EXPECT_EQ(admin.rule->name, "(Default Rule) All files");
  // Other Windows binaries stay allowed for everyone.
  const Decision whoami = evaluate(exe, system32("whoami.exe"), kUser);
  EXPECT_EQ(whoami.verdict, Verdict::kAllowed);
  EXPECT_EQ(whoami.rule->name, "All files located in the Windows folder, except net.exe, net1.exe");
}

TEST(PolicyEvaluate, enforce_blocks_where_audit_audits) {
  const Policy p = testing::generated({"net"}, EnforcementMode::kEnabled);
  EXPECT_EQ(evaluate(p.find(CollectionType::kExe), system32("net1.exe"), kUser).verdict,
            Verdict::kBlocked);
  RuleCollection nc = *p.find(CollectionType::kExe);
  nc.mode = EnforcementMode::kNotConfigured;  // rules present: enforced
  EXPECT_EQ(evaluate(&nc, system32("net1.exe"), kUser).verdict, Verdict::kBlocked);
}

TEST(PolicyEvaluate, renamed_copy_is_caught_by_the_publisher_condition) {
  const Policy p = testing::generated({"net"}, EnforcementMode::kEnabled, {"S-1-5-21-1-2-3-1105"});
  const RuleCollection* exe = p.find(CollectionType::kExe);
  FileFacts renamed = system32("net.exe");
  renamed.path = "C:\\Windows\\Temp\\svc.exe";  // allowed by %WINDIR%\* but for the exception
  const Decision d = evaluate(exe, renamed, kUser);
  EXPECT_EQ(d.verdict, Verdict::kBlocked);
  ASSERT_NE(d.rule, nullptr);
  EXPECT_EQ(d.rule->name, "Deny net.exe (signed by Microsoft, any name)");
  // Without a signer (a 4688 path outside System32) the publisher rule cannot match; the path
  // is outside every allow rule, so it is denied implicitly.
  FileFacts unsigned_copy;
  unsigned_copy.path = "C:\\Users\\bob\\AppData\\Local\\Temp\\svc.exe";
  const Decision d2 = evaluate(exe, unsigned_copy, kUser);
  EXPECT_EQ(d2.verdict, Verdict::kBlocked);
  EXPECT_TRUE(d2.implicit_deny);
}

constexpr std::string_view kHandWritten = R"(<AppLockerPolicy Version="1">
<RuleCollection Type="Exe" EnforcementMode="Enabled">
  <FilePathRule Id="00000000-0000-4000-8000-000000000001" Name="all" Description="" UserOrGroupSid="S-1-1-0" Action="Allow">
    <Conditions><FilePathCondition Path="*" /></Conditions>
    <Exceptions><FilePathCondition Path="%OSDRIVE%\Users\*\Downloads\*" /></Exceptions>
  </FilePathRule>
  <FileHashRule Id="00000000-0000-4000-8000-000000000002" Name="bad tool" Description="" UserOrGroupSid="S-1-1-0" Action="Deny">
    <Conditions><FileHashCondition><FileHash Type="SHA256" Data="0xAB00000000000000000000000000000000000000000000000000000000000000" SourceFileName="t.exe" SourceFileLength="1" /></FileHashCondition></Conditions>
  </FileHashRule>
  <FilePublisherRule Id="00000000-0000-4000-8000-000000000003" Name="old certutil" Description="" UserOrGroupSid="S-1-5-21-1-2-3-1105" Action="Deny">
    <Conditions><FilePublisherCondition PublisherName="*" ProductName="*" BinaryName="CERTUTIL.EXE"><BinaryVersionRange LowSection="*" HighSection="6.9.9.9" /></FilePublisherCondition></Conditions>
  </FilePublisherRule>
</RuleCollection>
</AppLockerPolicy>)";

TEST(PolicyEvaluate, deny_beats_allow_hashes_exceptions_and_versions) {
  auto p = read_policy(kHandWritten);
  ASSERT_TRUE(p) << p.error().message;
  const RuleCollection* exe = p->find(CollectionType::kExe);
  FileFacts tool;
  tool.path = "C:\\Tools\\t.exe";
  EXPECT_EQ(evaluate(exe, tool, kUser).verdict, Verdict::kAllowed);
  tool.sha256 = "ab00000000000000000000000000000000000000000000000000000000000000";
  const Decision hashed = evaluate(exe, tool, kAdmin);
  EXPECT_EQ(hashed.verdict, Verdict::kBlocked);  // deny beats the allow-all, admins too
  EXPECT_EQ(hashed.rule->name, "bad tool");

  FileFacts download;
  download.path = "C:\\Users\\bob\\Downloads\\setup.exe";
  EXPECT_TRUE(evaluate(exe, download, kUser).implicit_deny);  // the exception took it out

  FileFacts old_certutil = system32("certutil.exe");
  old_certutil.version = "6.3.9600.0";
  EXPECT_EQ(evaluate(exe, old_certutil, kUser).rule->name, "old certutil");
  EXPECT_EQ(evaluate(exe, old_certutil, kAdmin).verdict, Verdict::kAllowed);  // not their SID
  FileFacts new_certutil = system32("certutil.exe");
  EXPECT_EQ(evaluate(exe, new_certutil, kUser).verdict, Verdict::kAllowed);
  new_certutil.version.clear();  // unknown version: a bounded range cannot match
  EXPECT_EQ(evaluate(exe, new_certutil, kUser).verdict, Verdict::kAllowed);
}

TEST(PolicyEvaluate, fqbn_gives_the_publisher_facts) {
  FileFacts f;
  ASSERT_TRUE(facts_from_fqbn(
      "O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US\\MICROSOFT\xC2\xAE WINDOWS\xC2\xAE "
      "OPERATING SYSTEM\\NET.EXE\\10.0.19041.1",
      f));
  EXPECT_EQ(f.publisher, kMicrosoftPublisher);
  EXPECT_EQ(f.binary, "NET.EXE");
  EXPECT_EQ(f.version, "10.0.19041.1");
  EXPECT_FALSE(facts_from_fqbn("-", f));
  EXPECT_FALSE(facts_from_fqbn("a\\b", f));
}

}  // namespace
}  // namespace cmdsentry::policy
