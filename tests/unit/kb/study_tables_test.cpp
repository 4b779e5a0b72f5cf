#include "kb/study_tables.h"

#include <gtest/gtest.h>

#include <string>

#include "testing.h"

namespace cmdsentry::kb {
namespace {

constexpr std::string_view kHead = "scope,phase,rank,command,count,options\n";

std::string error_of(std::string_view body) {
  auto r = parse_study_tables(std::string(kHead) + std::string(body), "t.csv");
  return r ? std::string() : r.error().message;
}

TEST(StudyTables, reads_the_reference_file) {
  const auto ref = testing::shared_reference();
  if (ref.empty()) GTEST_SKIP() << "../shared/reference is absent";
  auto t = read_study_tables((ref / "jpcert-2015-tables.csv").string());
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->groups(), (std::vector<std::string>{"A", "B", "C"}));
  const StudyTable* a = t->table("A", "recon");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->front().command, "tasklist");
  EXPECT_EQ(a->front().options, (std::vector<std::string>{"/s", "/v"}));
  // The overall profile sums the groups: complete, and equal to the published top 10 in rank
  // order (the three counts the study's own table gets wrong aside: netstat 27 vs 30).
  const StudyTable recon = t->overall("recon");
  const StudyTable* all = t->table("all", "recon");
  ASSERT_GE(recon.size(), all->size());
  EXPECT_EQ(recon.size(), 16u);  // A's 14, C's arp and chcp
  EXPECT_EQ(recon[5].count, 30u);
  for (const char* phase : {"recon", "discovery", "spread"}) {
    const StudyTable sum = t->overall(phase);
    const StudyTable* published = t->table("all", phase);
    ASSERT_NE(published, nullptr) << phase;
    ASSERT_GE(sum.size(), published->size()) << phase;
    for (std::size_t i = 0; i < published->size(); ++i) {
      EXPECT_EQ(sum[i].command, (*published)[i].command) << phase << " rank " << i + 1;
    }
  }
  EXPECT_EQ(t->overall("discovery").size(), 18u);
  EXPECT_EQ(t->overall("spread").size(), 7u);
  EXPECT_TRUE(t->lists("qwinsta"));
  EXPECT_FALSE(t->lists("powershell"));
}

TEST(StudyTables, bad_rows_name_file_and_line) {
  EXPECT_EQ(error_of("A,recon,1,tasklist,3,\nA,recon,x,ver,2,\n"),
            "t.csv:3: rank 'x' is not a positive integer");
  EXPECT_EQ(error_of("A,recon,1,tasklist,3\n"),
            "t.csv:2: 5 fields, expected 6 "
            "(scope,phase,rank,command,count,options)");
  EXPECT_EQ(error_of("A,recon,1,tasklist,-3,\n"),
            "t.csv:2: count '-3' is not a non-negative integer");
  EXPECT_EQ(error_of("A,recon,2,tasklist,3,\n"), "t.csv:2: rank 2 of A recon follows rank 0");
  EXPECT_EQ(error_of("A,recon,1,ver,3,\nA,recon,2,ver,1,\n"),
            "t.csv:3: 'ver' is listed twice in A recon");
  EXPECT_EQ(error_of("A,recon,1,ver,3,\nA,recon,2,set,4,\n"),
            "t.csv:3: count 4 is above the count of rank 1 (3)");
  EXPECT_EQ(error_of("A,recon,1,\"ver\",3,\n"),
            "t.csv:2: quoted fields are not part of the format");
  EXPECT_EQ(error_of("A,,1,ver,3,\n"), "t.csv:2: empty scope, phase or command");
  EXPECT_EQ(error_of(""), "t.csv: no rows");
  auto r = parse_study_tables("scope,phase\n", "t.csv");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.substr(0, 29), "t.csv:1: expected the header ");
}

TEST(StudyTables, caps) {
  std::string big(kHead);
  big += "A,recon,1," + std::string(kMaxStudyFieldBytes + 1, 'x') + ",1,\n";
  EXPECT_EQ(parse_study_tables(big, "t.csv").error().message,
            "t.csv:2: a field longer than 256 bytes");
  std::string many(kHead);
  for (std::size_t i = 0; i <= kMaxStudyRows; ++i) {
    many += "A,recon," + std::to_string(i + 1) + ",c" + std::to_string(i) + ",1,\n";
  }
  EXPECT_EQ(parse_study_tables(many, "t.csv").error().message,
            "t.csv:" + std::to_string(kMaxStudyRows + 2) + ": more than 10000 rows");
  EXPECT_EQ(parse_study_tables(std::string(kMaxStudyTableBytes + 1, '\n'), "t.csv").error().code,
            ErrorCode::kLimit);
  EXPECT_EQ(read_study_tables("/nonexistent/t.csv").error().code, ErrorCode::kIo);
}

TEST(StudyTables, crlf_bom_and_blank_lines) {
  auto t = parse_study_tables(
      "\xEF\xBB\xBFscope,phase,rank,command,count,options\r\n"
      "all,recon,1,ver,3,/a  /b\r\n\r\n",
      "t.csv");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->table("all", "recon")->front().options, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_TRUE(t->groups().empty());
  EXPECT_EQ(t->overall("recon").size(), 1u);  // no groups: the "all" table
}

}  // namespace
}  // namespace cmdsentry::kb
