// Learning through the engine: per command and executable, incremental (logs read again are not
// counted again), batches, host and time filters, commands typed on a cmd.exe line.
#include "baseline/learner.h"

#include <gtest/gtest.h>

#include "baseline_support.h"
#include "core/time.h"

namespace cmdsentry::baseline {
namespace {

using test::exec_line;
using test::kAdmin;
using test::kStaff;

std::string org_log() {
  return exec_line(1, "09:00:00", 1, kStaff, test::kIpconfig, "ipconfig /all") +
         exec_line(1, "09:05:00", 2, kAdmin, test::kNet, "net user jmori /domain") +
         exec_line(2, "09:00:00", 3, kStaff, test::kIpconfig, "ipconfig /flushdns") +
         exec_line(2, "10:00:00", 4, kAdmin, test::kNet, "net group \"Domain Admins\" /domain",
                   "WS02");
}

const UsageRow* find(const Baseline& b, std::string_view command, std::string_view host = {}) {
  for (const UsageRow& r : b.usage) {
    if (r.command == command && (host.empty() || r.host == host)) return &r;
  }
  return nullptr;
}

TEST(Learner, rows_per_command_executable_user_and_host) {
  auto s = Store::open(test::temp_db("rows"), OpenMode::kLearn);
  ASSERT_TRUE(s);
  auto c = test::learn(*s, {{"org.jsonl", org_log()}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->executions, 4u);
  auto b = s->load();
  ASSERT_TRUE(b);
  const UsageRow* ip = find(*b, "ipconfig");
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(ip->executable, "ipconfig.exe");
  EXPECT_EQ(ip->image, "c:\\windows\\system32\\ipconfig.exe");
  EXPECT_EQ(ip->path_class, "system");
  EXPECT_EQ(ip->user_sid, kStaff.sid);
  EXPECT_EQ(ip->user_name, "CORP\\jmori");
  EXPECT_EQ(ip->host, "ws01");
  EXPECT_EQ(ip->phase, "recon");
  EXPECT_EQ(ip->executions, 2);
  EXPECT_EQ(ip->days.size(), 2u);
  EXPECT_EQ(ip->parents.at("explorer.exe"), 2);
  EXPECT_LT(ip->first_seen, ip->last_seen);
  ASSERT_NE(find(*b, "net user"), nullptr);
  EXPECT_EQ(find(*b, "net user")->executable, "net.exe");
  ASSERT_NE(find(*b, "net group", "ws02"), nullptr);
}

TEST(Learner, reading_the_same_logs_again_counts_nothing_twice) {
  const std::string db = test::temp_db("incremental");
  {
    auto s = Store::open(db, OpenMode::kLearn);
    ASSERT_TRUE(s);
    LearnOptions o;
    o.batch = 1;  // every execution its own transaction
    auto c = test::learn(*s, {{"org.jsonl", org_log()}}, o);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->executions, 4u);
  }
  auto s = Store::open(db, OpenMode::kLearn);
  ASSERT_TRUE(s);
  // The same records again (under another file name, as an export would be), plus one new one.
  const std::string more =
      org_log() + exec_line(3, "09:00:00", 5, kStaff, test::kIpconfig, "ipconfig /all");
  auto c = test::learn(*s, {{"copy-of-org.jsonl", more}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->executions, 1u);
  EXPECT_EQ(c->duplicates, 4u);
  auto b = s->load();
  ASSERT_TRUE(b);
  EXPECT_EQ(find(*b, "ipconfig")->executions, 3);
  EXPECT_EQ(find(*b, "ipconfig")->days.size(), 3u);
  EXPECT_EQ(find(*b, "net user")->executions, 1);
}

TEST(Learner, copies_of_one_record_read_together_count_once) {
  auto s = Store::open(test::temp_db("copies"), OpenMode::kLearn);
  ASSERT_TRUE(s);
  const std::string log = org_log();
  auto c = test::learn(*s, {{"a.jsonl", log}, {"export-of-a.jsonl", log}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->executions, 4u);
  EXPECT_EQ(c->duplicates, 0u);
}

TEST(Learner, same_record_id_on_another_host_is_another_execution) {
  auto s = Store::open(test::temp_db("hosts"), OpenMode::kLearn);
  ASSERT_TRUE(s);
  const std::string log = exec_line(1, "09:00:00", 7, kStaff, test::kWhoami, "whoami", "WS01") +
                          exec_line(1, "09:00:01", 7, kStaff, test::kWhoami, "whoami", "WS02");
  auto c = test::learn(*s, {{"a.jsonl", log}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->executions, 2u);
  EXPECT_EQ(c->duplicates, 0u);
}

TEST(Learner, excluded_hosts_and_times_are_skipped) {
  auto s = Store::open(test::temp_db("filters"), OpenMode::kLearn);
  ASSERT_TRUE(s);
  LearnOptions o;
  o.exclude_hosts.insert("ws02");
  o.since = parse_iso_time("2024-05-01T09:01:00Z");
  auto c = test::learn(*s, {{"org.jsonl", org_log()}}, o);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->executions, 2u);  // net user on day 1, ipconfig on day 2
  EXPECT_EQ(c->skipped, 2u);     // ipconfig at 09:00 on day 1, WS02
  auto b = s->load();
  ASSERT_TRUE(b);
  EXPECT_EQ(find(*b, "net group"), nullptr);
}

TEST(Learner, an_excluded_period_leaves_the_rest_of_the_host_learned) {
  auto s = Store::open(test::temp_db("periods"), OpenMode::kLearn);
  ASSERT_TRUE(s);
  LearnOptions o;
  // WS01's morning of day 1 (an intrusion's span); its day 2 and WS02 are learned.
  o.exclude_periods.push_back(
      {"ws01", parse_iso_time("2024-05-01T08:00:00Z"), parse_iso_time("2024-05-01T09:05:00Z")});
  auto c = test::learn(*s, {{"org.jsonl", org_log()}}, o);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->skipped, 1u);  // ipconfig at 09:00 on day 1; net user at 09:05 (TO is exclusive)
  EXPECT_EQ(c->executions, 3u);
  auto b = s->load();
  ASSERT_TRUE(b);
  EXPECT_NE(find(*b, "net user"), nullptr);
  EXPECT_NE(find(*b, "net group"), nullptr);
}

TEST(Learner, excluded_periods_match_host_and_open_ends) {
  const auto t = [](const char* iso) { return *parse_iso_time(iso); };
  LearnOptions o;
  o.exclude_periods.push_back({"ws01", t("2024-05-02T00:00:00Z"), std::nullopt});
  o.exclude_periods.push_back({"ws02", std::nullopt, t("2024-05-01T00:00:00Z")});
  EXPECT_FALSE(excluded(o, "ws01", t("2024-05-01T23:59:59Z")));
  EXPECT_TRUE(excluded(o, "ws01", t("2024-05-02T00:00:00Z")));
  EXPECT_TRUE(excluded(o, "ws01", t("2030-01-01T00:00:00Z")));
  EXPECT_TRUE(excluded(o, "ws02", t("2024-04-30T23:59:59Z")));
  EXPECT_FALSE(excluded(o, "ws02", t("2024-05-01T00:00:00Z")));
  EXPECT_FALSE(excluded(o, "ws03", t("2024-05-02T12:00:00Z")));
}

TEST(Learner, builtins_count_on_the_shell_with_cmd_exe_as_executable) {
  auto s = Store::open(test::temp_db("builtins"), OpenMode::kLearn);
  ASSERT_TRUE(s);
  const std::string log = exec_line(1, "09:00:00", 1, kStaff, "C:\\Windows\\System32\\cmd.exe",
                                    "cmd.exe /c ver & dir c:\\users");
  auto c = test::learn(*s, {{"a.jsonl", log}});
  ASSERT_TRUE(c);
  auto b = s->load();
  ASSERT_TRUE(b);
  for (const char* builtin : {"ver", "dir"}) {
    const UsageRow* r = find(*b, builtin);
    ASSERT_NE(r, nullptr) << builtin;
    EXPECT_EQ(r->executable, "cmd.exe");
    EXPECT_EQ(r->path_class, "builtin");
  }
}

TEST(Learner, the_net1_helper_is_learned_with_its_net_exe) {
  auto s = Store::open(test::temp_db("helper"), OpenMode::kLearn);
  ASSERT_TRUE(s);
  const std::string log = exec_line(1, "09:00:00", 1, kAdmin, test::kNet, "net user x /domain") +
                          exec_line(1, "09:00:00", 2, kAdmin, "C:\\Windows\\System32\\net1.exe",
                                    "C:\\Windows\\system32\\net1 user x /domain", "WS01", 1004);
  auto c = test::learn(*s, {{"a.jsonl", log}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->executions, 1u);  // one operator action
  auto b = s->load();
  ASSERT_TRUE(b);
  std::vector<std::string> exes;
  for (const UsageRow& r : b->usage) {
    EXPECT_EQ(r.command, "net user");
    exes.push_back(r.executable);
  }
  EXPECT_EQ(exes, (std::vector<std::string>{"net.exe", "net1.exe"}));
}

}  // namespace
}  // namespace cmdsentry::baseline
