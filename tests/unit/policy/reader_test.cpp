// The policy reader on exported-style policies and on hostile or malformed XML.
#include "policy/reader.h"

#include <gtest/gtest.h>

namespace cmdsentry::policy {
namespace {

// The shape Get-AppLockerPolicy -Effective -Xml writes: braces around some Ids, a hash rule,
// publisher rules with version ranges, exceptions of several kinds, collection extensions.
constexpr std::string_view kExported = R"(<AppLockerPolicy Version="1">
  <RuleCollection Type="Appx" EnforcementMode="NotConfigured" />
  <RuleCollection Type="Exe" EnforcementMode="Enabled">
    <FilePathRule Id="{921cc481-6e17-4653-8f75-050b80acca20}" Name="(Default Rule) All files located in the Program Files folder" Description="" UserOrGroupSid="S-1-1-0" Action="Allow">
      <Conditions><FilePathCondition Path="%PROGRAMFILES%\*" /></Conditions>
    </FilePathRule>
    <FilePublisherRule Id="b2d4f1a0-0000-4000-8000-000000000001" Name="Tools &amp; more" Description="a &lt;b&gt;" UserOrGroupSid="S-1-5-21-1-2-3-1105" Action="Deny">
      <Conditions>
        <FilePublisherCondition PublisherName="O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US" ProductName="*" BinaryName="NET.EXE">
          <BinaryVersionRange LowSection="10.0.0.0" HighSection="*" />
        </FilePublisherCondition>
      </Conditions>
      <Exceptions>
        <FilePathCondition Path="%OSDRIVE%\Tools\*" />
        <FileHashCondition><FileHash Type="SHA256" Data="0x00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF" SourceFileName="x.exe" SourceFileLength="10" /></FileHashCondition>
      </Exceptions>
    </FilePublisherRule>
    <FileHashRule Id="b2d4f1a0-0000-4000-8000-000000000002" Name="tool" Description="" UserOrGroupSid="S-1-1-0" Action="Deny">
      <Conditions>
        <FileHashCondition>
          <FileHash Type="SHA256" Data="0xAA00000000000000000000000000000000000000000000000000000000000000" SourceFileName="a.exe" SourceFileLength="1" />
          <FileHash Type="SHA256" Data="0xBB00000000000000000000000000000000000000000000000000000000000000" SourceFileName="b.exe" SourceFileLength="2" />
        </FileHashCondition>
      </Conditions>
    </FileHashRule>
    <RuleCollectionExtensions><ThresholdExtensions><Services EnforcementMode="Enabled" /></ThresholdExtensions></RuleCollectionExtensions>
  </RuleCollection>
</AppLockerPolicy>)";

TEST(PolicyReader, reads_an_exported_policy) {
  auto p = read_policy(kExported);
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_EQ(p->collections.size(), 2u);
  EXPECT_TRUE(p->find(CollectionType::kAppx)->rules.empty());
  const RuleCollection& exe = *p->find(CollectionType::kExe);
  EXPECT_EQ(exe.mode, EnforcementMode::kEnabled);
  ASSERT_EQ(exe.rules.size(), 3u);
  EXPECT_EQ(exe.rules[0].id, "{921cc481-6e17-4653-8f75-050b80acca20}");
  const Rule& pub = exe.rules[1];
  EXPECT_EQ(pub.kind, RuleKind::kPublisher);
  EXPECT_EQ(pub.action, Action::kDeny);
  EXPECT_EQ(pub.name, "Tools & more");
  EXPECT_EQ(pub.description, "a <b>");
  EXPECT_EQ(pub.line, 7u);
  const auto& cond = std::get<PublisherCondition>(pub.conditions[0]);
  EXPECT_EQ(cond.binary, "NET.EXE");
  EXPECT_EQ(cond.low_version, "10.0.0.0");
  ASSERT_EQ(pub.exceptions.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<PathCondition>(pub.exceptions[0]));
  EXPECT_TRUE(std::holds_alternative<HashCondition>(pub.exceptions[1]));
  const Rule& hash = exe.rules[2];
  EXPECT_EQ(hash.kind, RuleKind::kHash);
  EXPECT_EQ(std::get<HashCondition>(hash.conditions[0]).hashes.size(), 2u);
}

TEST(PolicyReader, reads_utf16_with_a_bom) {
  const std::string_view xml =
      R"(<?xml version="1.0" encoding="utf-16"?><AppLockerPolicy Version="1"><RuleCollection Type="Exe" EnforcementMode="AuditOnly" /></AppLockerPolicy>)";
  std::string utf16 = "\xFF\xFE";
  for (char c : xml) {
    utf16 += c;
    utf16 += '\0';
  }
  auto p = read_policy(utf16);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->find(CollectionType::kExe)->mode, EnforcementMode::kAuditOnly);
}

/// The error message of reading `xml` ("" when it was read).
std::string error_of(std::string_view xml) {
  auto p = read_policy(xml);
  return p ? std::string() : p.error().message;
}

TEST(PolicyReader, malformed_xml_errors_name_the_line) {
  EXPECT_EQ(error_of("<AppLockerPolicy>\n<RuleCollection Type=\"Exe\">\n</AppLockerPolicy>")
                .rfind("line 3: malformed XML", 0),
            0u);
  EXPECT_EQ(error_of("").rfind("line 1:", 0), 0u);
  EXPECT_EQ(error_of("\n\n<Other/>"), "line 3: the root element is <Other>, not <AppLockerPolicy>");
  EXPECT_EQ(error_of("<AppLockerPolicy>\n  <RuleCollection Type=\"Exe\" "
                     "EnforcementMode=\"Maybe\"/>\n</AppLockerPolicy>"),
            "line 2: <RuleCollection> has EnforcementMode=\"Maybe\", which is not one of the "
            "AppLocker values");
  EXPECT_EQ(error_of("<AppLockerPolicy><RuleCollection Type=\"Com\"/></AppLockerPolicy>")
                .rfind("line 1: <RuleCollection> has Type=\"Com\"", 0),
            0u);
}

TEST(PolicyReader, rule_errors_name_the_line) {
  const std::string head =
      "<AppLockerPolicy Version=\"1\">\n<RuleCollection Type=\"Exe\" "
      "EnforcementMode=\"Enabled\">\n";
  const std::string tail = "\n</RuleCollection></AppLockerPolicy>";
  EXPECT_EQ(
      error_of(
          head +
          R"(<FilePathRule Id="1" Name="n" UserOrGroupSid="S-1-1-0" Action="Permit"><Conditions><FilePathCondition Path="*"/></Conditions></FilePathRule>)" +
          tail),
      "line 3: <FilePathRule> has Action=\"Permit\", which is not one of the AppLocker values");
  EXPECT_EQ(
      error_of(head + R"(<FilePathRule Id="1" Name="n" UserOrGroupSid="S-1-1-0" Action="Allow"/>)" +
               tail),
      "line 3: <FilePathRule> has no <Conditions>");
  EXPECT_EQ(
      error_of(
          head +
          R"(<FilePathRule Id="1" Name="n" Action="Allow"><Conditions><FilePathCondition Path="*"/></Conditions></FilePathRule>)" +
          tail),
      "line 3: <FilePathRule> has no UserOrGroupSid attribute");
  EXPECT_EQ(
      error_of(head +
               "<FilePathRule Id=\"1\" UserOrGroupSid=\"S-1-1-0\" "
               "Action=\"Allow\">\n<Conditions>\n<FilePathCondition/></Conditions></FilePathRule>" +
               tail),
      "line 5: <FilePathCondition> has no Path attribute");
  EXPECT_EQ(
      error_of(
          head +
          R"(<FilePathRule Id="1" UserOrGroupSid="S-1-1-0" Action="Allow"><Conditions><FileHashCondition><FileHash Type="SHA256" Data="0x00"/></FileHashCondition></Conditions></FilePathRule>)" +
          tail),
      "line 3: <FilePathRule> holds a condition of another kind");
  EXPECT_EQ(
      error_of(
          head +
          R"(<FilePathRule Id="1" UserOrGroupSid="S-1-1-0" Action="Allow"><Conditions><Bogus/></Conditions></FilePathRule>)" +
          tail)
          .rfind("line 3: <Bogus> is not a condition", 0),
      0u);
  EXPECT_EQ(error_of("<AppLockerPolicy>\n<RuleCollection Type=\"Exe\"/>\n<RuleCollection "
                     "Type=\"exe\"/></AppLockerPolicy>"),
            "line 3: a second Exe rule collection");
}

TEST(PolicyReader, hostile_input_is_an_error_not_a_crash) {
  // Entities are not expanded (no billion laughs), external entities never fetched.
  const std::string laughs =
      "<!DOCTYPE a [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;\">]>"
      "<AppLockerPolicy><RuleCollection Type=\"Exe\"><FilePathRule Id=\"&b;\" "
      "UserOrGroupSid=\"S-1-1-0\" "
      "Action=\"Allow\"><Conditions><FilePathCondition Path=\"&b;\"/></Conditions></FilePathRule>"
      "</RuleCollection></AppLockerPolicy>";
  auto p = read_policy(laughs);
  if (p)
    EXPECT_LT(std::get<PathCondition>(p->collections[0].rules[0].conditions[0]).path.size(), 100u);
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  EXPECT_FALSE(read_policy(deep));
  EXPECT_FALSE(read_policy(std::string(kMaxPolicyBytes + 1, ' ')));
  EXPECT_FALSE(read_policy(std::string_view("\0\0\0\0", 4)));
}

}  // namespace
}  // namespace cmdsentry::policy
