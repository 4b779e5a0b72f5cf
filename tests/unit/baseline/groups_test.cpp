// The --groups mapping: CSV parsing, resolution by SID or name, fallbacks from the logs, group
// SIDs; and the mapping as stored and read back through the database.
#include "baseline/groups.h"

#include <gtest/gtest.h>

#include "baseline/show.h"
#include "baseline_support.h"

namespace cmdsentry::baseline {
namespace {

TEST(Groups, parses_sids_names_header_comments_and_quotes) {
  auto g = parse_groups(
      "member,group,group_sid\n# admins\nS-1-5-21-1-2-3-1104,Domain Admins,\n"
      "CORP\\JMori,\"Staff\"\r\n\nkfuji,Developers\n",
      "groups.csv");
  ASSERT_TRUE(g) << g.error().message;
  ASSERT_EQ(g->size(), 3u);
  EXPECT_EQ((*g)[0].member, "s-1-5-21-1-2-3-1104");
  EXPECT_EQ((*g)[0].group, "Domain Admins");
  EXPECT_EQ((*g)[1].member, "corp\\jmori");
  EXPECT_EQ((*g)[1].group, "Staff");
  EXPECT_EQ((*g)[2].group, "Developers");
}

TEST(Groups, a_malformed_line_names_file_and_line) {
  auto g = parse_groups("member,group\nS-1-5-21-1-2-3-1104\n", "groups.csv");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message, "groups.csv line 2: expected member,group[,group_sid]");
}

TEST(Groups, resolves_by_sid_full_name_or_bare_name_else_falls_back) {
  const Groups groups(
      *parse_groups("S-1-5-21-1-2-3-1104,Domain Admins\nCORP\\jmori,Staff\nkfuji,Developers\n"
                    "kfuji,Help Desk\n",
                    "g"));
  EXPECT_EQ(groups.of("S-1-5-21-1-2-3-1104", "CORP\\adm-ito"),
            std::vector<std::string>{"Domain Admins"});
  EXPECT_EQ(groups.of("", "corp\\JMORI"), std::vector<std::string>{"Staff"});
  EXPECT_EQ(groups.of("S-1-5-21-1-2-3-1300", "CORP\\kfuji"),
            (std::vector<std::string>{"Developers", "Help Desk"}));
  EXPECT_EQ(groups.of("S-1-5-18", "CORP\\WS01$"), std::vector<std::string>{"SYSTEM"});
  EXPECT_EQ(groups.of("", "CORP\\WS01$"), std::vector<std::string>{"SYSTEM"});
  EXPECT_EQ(groups.of("", "NT AUTHORITY\\SYSTEM"), std::vector<std::string>{"SYSTEM"});
  EXPECT_EQ(groups.of("S-1-5-20", ""), std::vector<std::string>{"NETWORK SERVICE"});
  EXPECT_EQ(groups.of("S-1-5-82-1", "IIS APPPOOL\\web"), std::vector<std::string>{"IIS APPPOOL"});
  EXPECT_EQ(groups.of("S-1-5-21-1-2-3-1999", "CORP\\nobody"),
            std::vector<std::string>{std::string(kUnmappedGroup)});
}

TEST(Groups, group_sids_from_the_mapping_or_well_known) {
  const Groups groups(*parse_groups(
      "S-1-5-21-10-20-30-1104,Domain Admins\njmori,Staff,S-1-5-21-10-20-30-5000\n", "g"));
  EXPECT_EQ(groups.sid_of("Staff"), "S-1-5-21-10-20-30-5000");
  EXPECT_EQ(groups.sid_of("domain admins"), "S-1-5-21-10-20-30-512");
  EXPECT_EQ(groups.sid_of("Administrators"), "S-1-5-32-544");
  EXPECT_EQ(groups.sid_of("Developers"), "");
}

TEST(Groups, stored_mapping_groups_the_learned_usage) {
  auto s = Store::open(test::temp_db("groups"), OpenMode::kLearn);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->set_groups(*parse_groups(
      test::kAdmin.sid + ",Domain Admins\nCORP\\" + test::kStaff.name + ",Staff\n", "g")));
  const std::string log =
      test::exec_line(1, "09:00:00", 1, test::kStaff, test::kIpconfig, "ipconfig /all") +
      test::exec_line(1, "09:01:00", 2, test::kAdmin, test::kIpconfig, "ipconfig /all") +
      test::exec_line(1, "09:02:00", 3, test::kAdmin, test::kNet, "net user x /domain");
  ASSERT_TRUE(test::learn(*s, {{"a.jsonl", log}}));
  auto b = s->load();
  ASSERT_TRUE(b);
  ASSERT_EQ(b->members.size(), 2u);
  const auto rows = summarize(*b, std::string("staff"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].group, "Staff");
  EXPECT_EQ(rows[0].command, "ipconfig");
  const auto all = summarize(*b, std::nullopt);
  EXPECT_EQ(all.size(), 3u);  // Domain Admins: ipconfig, net user; Staff: ipconfig
  // A new mapping replaces the old one.
  ASSERT_TRUE(s->set_groups(*parse_groups(test::kStaff.sid + ",Sales\n", "g")));
  b = s->load();
  ASSERT_TRUE(b);
  ASSERT_EQ(b->members.size(), 1u);
  EXPECT_EQ(summarize(*b, std::string("Sales")).size(), 1u);
}

}  // namespace
}  // namespace cmdsentry::baseline
