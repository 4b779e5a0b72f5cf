// TrendSink over findings counted as scan counts them (scan::scan_inputs): the study's own tables
// replayed as events match the study perfectly; a small synthetic input gives hand-computed
// correlations, weights and lists; the JSON and CSV forms carry what the documented shape says.
#include "trend/trend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "jpcert_replay.h"
#include "kb/knowledge_base.h"
#include "scan/scanner.h"
#include "testing.h"
#include "trend/trend_format.h"

namespace cmdsentry::trend {
namespace {

const kb::KnowledgeBase& knowledge_base() {
  static const auto kKb = kb::load_knowledge_base();
  return kKb.kb;
}

Trend run(const std::string& jsonl, const kb::StudyTables& study, Weighting by) {
  scan::ScanResult r =
      scan::scan_inputs(std::vector<BufferInput>{{"in.jsonl", jsonl}}, knowledge_base());
  TrendSink sink(by);
  for (const Finding& f : r.findings) sink.on_finding(f);
  return sink.build(study);
}

const PhaseTrend& phase(const Trend& t, std::string_view name) {
  for (const PhaseTrend& p : t.phases) {
    if (p.phase == name) return p;
  }
  static const PhaseTrend kNone;
  ADD_FAILURE() << "no phase " << name;
  return kNone;
}

class StudyReplay : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto ref = testing::shared_reference();
    if (ref.empty()) GTEST_SKIP() << "../shared/reference is absent";
    auto t = kb::read_study_tables((ref / "jpcert-2015-tables.csv").string());
    ASSERT_TRUE(t) << t.error().message;
    study_ = std::move(*t);
    rows_ = testing::read_study_rows();
  }
  kb::StudyTables study_;
  std::vector<testing::Row> rows_;
};

TEST_F(StudyReplay, all_groups_match_the_overall_profile) {
  const Trend t =
      run(testing::replay_groups(rows_, {"A", "B", "C"}), study_, Weighting::kExecution);
  for (const PhaseTrend& p : t.phases) {
    ASSERT_TRUE(p.similarity.spearman && p.similarity.kendall) << p.phase;
    EXPECT_NEAR(*p.similarity.spearman, 1.0, 1e-12) << p.phase;
    EXPECT_NEAR(*p.similarity.kendall, 1.0, 1e-12) << p.phase;
    EXPECT_NEAR(p.study_top_share, p.study.size() <= kStudyTop ? 1.0 : p.study_top_share, 1e-12);
    EXPECT_TRUE(p.not_seen.empty()) << p.phase;
    EXPECT_EQ(p.similarity.commands, p.study.size()) << p.phase;  // nothing new
    for (const ObservedRow& r : p.observed) {
      EXPECT_EQ(r.count, p.study[static_cast<std::size_t>(r.study_rank - 1)].count) << r.command;
    }
  }
  EXPECT_TRUE(t.new_commands.empty());
  EXPECT_EQ(t.units, 3u);  // hosts
}

TEST_F(StudyReplay, each_group_matches_itself_and_is_closest) {
  for (const std::string g : {"A", "B", "C"}) {
    const Trend t = run(testing::replay_groups(rows_, {g}), study_, Weighting::kExecution);
    for (const PhaseTrend& p : t.phases) {
      for (const GroupSimilarity& s : p.groups) {
        if (s.group != g || study_.table(g, p.phase) == nullptr) continue;
        ASSERT_TRUE(s.correlation.spearman) << g << " " << p.phase;
        EXPECT_NEAR(*s.correlation.spearman, 1.0, 1e-12) << g << " " << p.phase;
        EXPECT_NEAR(*s.correlation.kendall, 1.0, 1e-12) << g << " " << p.phase;
      }
    }
    EXPECT_EQ(t.closest_group, g);
    for (const GroupScore& s : t.groups) {
      if (s.group == g) EXPECT_NEAR(*s.spearman_mean, 1.0, 1e-12);
      if (s.group != g && s.spearman_mean) EXPECT_LT(*s.spearman_mean, 1.0 - 1e-9) << s.group;
    }
  }
}

// A study of one group G with recon tasklist 10, ipconfig 5, whoami 1 (and the same as "all").
constexpr std::string_view kSmallStudy =
    "scope,phase,rank,command,count,options\n"
    "G,recon,1,tasklist,10,/v\n"
    "G,recon,2,ipconfig,5,/all\n"
    "G,recon,3,whoami,1,\n";

std::string synthetic() {
  // Host H1: ipconfig x6, tasklist x3, systeminfo x2 (recon), and one credential-access command.
  testing::Replay r;
  for (int i = 0; i < 6; ++i) r.execute("H1", "ipconfig", "/all", 0);
  for (int i = 0; i < 3; ++i) r.execute("H1", "tasklist", "/v", 0);
  for (int i = 0; i < 2; ++i) r.execute("H1", "systeminfo", "", 0);
  r.process("H1", "C:\\Windows\\System32\\ntdsutil.exe", "ntdsutil \"ac i ntds\" ifm", 0x5000,
            0x900, "C:\\Windows\\System32\\cmd.exe");
  return r.jsonl;
}

TEST(Trend, synthetic_ranking_gives_the_hand_computed_correlation) {
  auto study = kb::parse_study_tables(kSmallStudy, "small.csv");
  ASSERT_TRUE(study) << study.error().message;
  const Trend t = run(synthetic(), *study, Weighting::kExecution);
  const PhaseTrend& recon = phase(t, "recon");
  // Union tasklist ipconfig whoami systeminfo: study ranks 1 2 3 4, observed 2 1 4 3
  // (hand computation in similarity_test.cpp): rho 0.6, tau 1/3.
  ASSERT_EQ(recon.observed.size(), 3u);
  EXPECT_EQ(recon.observed[0].command, "ipconfig");
  EXPECT_EQ(recon.observed[0].count, 6u);
  EXPECT_NEAR(recon.observed[0].share, 6.0 / 11.0, 1e-12);
  EXPECT_EQ(recon.observed[0].study_rank, 2);
  EXPECT_EQ(recon.observed[0].options, (std::vector<std::string>{"/all"}));
  EXPECT_EQ(recon.observed[2].command, "systeminfo");
  EXPECT_EQ(recon.observed[2].study_rank, 0);
  EXPECT_EQ(recon.similarity.commands, 4u);
  EXPECT_NEAR(*recon.similarity.spearman, 0.6, 1e-12);
  EXPECT_NEAR(*recon.similarity.kendall, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(recon.study_top_share, 9.0 / 11.0, 1e-12);
  ASSERT_EQ(recon.not_seen.size(), 1u);
  EXPECT_EQ(recon.not_seen[0].command, "whoami");
  EXPECT_EQ(t.closest_group, "G");
  // Not in the study: systeminfo (recon) and ntdsutil (credential-access), heaviest tactic first.
  ASSERT_EQ(t.new_commands.size(), 2u);
  EXPECT_EQ(t.new_commands[0].tactic, "recon");
  EXPECT_EQ(t.new_commands[0].row.command, "systeminfo");
  EXPECT_NEAR(t.new_commands[0].row.share, 2.0 / 11.0, 1e-12);
  EXPECT_EQ(t.new_commands[1].tactic, "credential-access");
  EXPECT_EQ(t.new_commands[1].row.command, "ntdsutil");
  // Discovery and spread: nothing observed, nothing in the study: undefined, not 0 or 1.
  EXPECT_FALSE(phase(t, "discovery").similarity.spearman);
}

TEST(Trend, by_host_weighs_each_host_once_per_phase) {
  auto study = kb::parse_study_tables(kSmallStudy, "small.csv");
  ASSERT_TRUE(study);
  // H1: tasklist x9, whoami x1. H2: whoami x1, ipconfig x1. Executions rank tasklist first;
  // by host: tasklist 0.9, whoami 0.1 + 0.5 = 0.6, ipconfig 0.5.
  testing::Replay r;
  for (int i = 0; i < 9; ++i) r.execute("H1", "tasklist", "", 0);
  r.execute("H1", "whoami", "", 0);
  r.execute("H2", "whoami", "", 0);
  r.execute("H2", "ipconfig", "", 0);
  const Trend t = run(r.jsonl, *study, Weighting::kHost);
  const PhaseTrend& recon = phase(t, "recon");
  ASSERT_EQ(recon.observed.size(), 3u);
  EXPECT_EQ(recon.observed[0].command, "tasklist");
  EXPECT_NEAR(recon.observed[0].weight, 0.9, 1e-12);
  EXPECT_EQ(recon.observed[1].command, "whoami");
  EXPECT_NEAR(recon.observed[1].weight, 0.6, 1e-12);
  EXPECT_EQ(recon.observed[1].units, 2u);
  EXPECT_EQ(recon.observed[1].count, 2u);
  EXPECT_NEAR(recon.observed[1].share, 0.3, 1e-12);
  EXPECT_NEAR(recon.weight, 2.0, 1e-12);
  EXPECT_EQ(t.units, 2u);
  // Observed 0.9/0.6/0.5 against study 10/5/1: ranks 1 3 2 vs 1 2 3: rho = 1 - 6*2/(3*8) = 0.5.
  EXPECT_NEAR(*recon.similarity.spearman, 0.5, 1e-12);
  // By file: everything is one file, so one unit.
  EXPECT_EQ(run(r.jsonl, *study, Weighting::kFile).units, 1u);
}

TEST(Trend, by_incident_weighs_each_incident_once_and_the_rest_per_host) {
  auto study = kb::parse_study_tables(kSmallStudy, "small.csv");
  ASSERT_TRUE(study);
  testing::Replay r;
  for (int i = 0; i < 8; ++i) r.execute("H1", "tasklist", "", 0);  // incident 1
  r.execute("H1", "whoami", "", 0);                                // incident 2
  r.execute("H1", "ipconfig", "", 0);                              // no incident
  scan::ScanResult found =
      scan::scan_inputs(std::vector<BufferInput>{{"in.jsonl", r.jsonl}}, knowledge_base());
  ASSERT_EQ(found.findings.size(), 10u);
  TrendSink sink(Weighting::kIncident);
  for (Finding& f : found.findings) {
    f.incident = f.command() == "tasklist" ? "1" : f.command() == "whoami" ? "2" : "";
    sink.on_finding(f);
  }
  const Trend t = sink.build(*study);
  EXPECT_EQ(t.units, 3u);
  const PhaseTrend& recon = phase(t, "recon");
  ASSERT_EQ(recon.observed.size(), 3u);
  for (const ObservedRow& row : recon.observed) {
    EXPECT_NEAR(row.weight, 1.0, 1e-12) << row.command;  // each unit ran one command
    EXPECT_EQ(row.units, 1u);
  }
  EXPECT_EQ(recon.observed[0].command, "tasklist");  // ties keep scan's order (count first)
  EXPECT_EQ(recon.observed[0].count, 8u);
}

TEST(Trend, json_and_csv_carry_the_documented_fields_escaped) {
  auto study = kb::parse_study_tables(kSmallStudy, "small.csv");
  ASSERT_TRUE(study);
  testing::Replay r;
  r.execute("H1", "ipconfig", "/all", 0);
  r.execute("H1", "tasklist", "-ano", 0);  // an option a spreadsheet would take for a formula
  r.execute("H1", "tasklist", "/ESC[31m", 0);
  std::string jsonl = r.jsonl;
  jsonl.replace(jsonl.find("ESC"), 3, "\\u001b");  // an escape sequence in the logged line
  const Trend t = run(jsonl, *study, Weighting::kExecution);
  std::string json;
  append_trend_json(json, t, "small.csv");
  for (const char* key :
       {"{\"type\":\"trend\",\"by\":\"execution\",\"study\":\"small.csv\",\"findings\":3,",
        "\"phases\":[{\"phase\":\"recon\",\"executions\":3,\"weight\":3,\"similarity\":{"
        "\"commands\":3,\"spearman\":",
        "\"groups\":[{\"group\":\"G\",\"commands\":3,",
        "\"study\":[{\"rank\":1,\"command\":\"tasklist\",\"count\":10,\"options\":[\"/v\"]}",
        "\"observed\":[{\"rank\":1,\"command\":\"tasklist\",\"count\":2,\"weight\":2,\"units\":1,",
        "\"not_seen\":[\"whoami\"]", "\"closest_group\":\"G\"}", "\\u001b"}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << "\n" << json;
  }
  EXPECT_EQ(json.find('\x1b'), std::string::npos);
  std::string csv;
  append_trend_csv(csv, t);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "section,phase,rank,command,count,weight,units,share,options,study_rank,spearman,"
            "kendall\r");
  EXPECT_NE(csv.find("observed,recon,1,tasklist,2,2,1,0.666667,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",\"'-ano "), std::string::npos) << csv;  // neutralised
  std::string table;
  append_trend_table(table, t, "small.csv");
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
  EXPECT_NE(table.find("Closest study group (mean Spearman over the phases): G"), std::string::npos)
      << table;
}

}  // namespace
}  // namespace cmdsentry::trend
