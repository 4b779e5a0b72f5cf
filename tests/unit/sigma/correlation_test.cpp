// Sigma correlation rules: conformance per type with hand-written base rules and crafted
// executions (boundaries of the timespan, late events, expiry, caps), load diagnostics, the
// specification's examples and SigmaHQ's legacy aggregations (read in place).
#include "sigma/correlation.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine_support.h"
#include "sigma/detector.h"
#include "sigma/loader.h"
#include "testing.h"

namespace cmdsentry::sigma {
namespace {

/// A process_creation rule matching `image` (a file name, or an extension such as ".exe").
std::string base_rule(const std::string& key, const std::string& image) {
  return "title: " + image + "\nid: " + key +
         "\nlogsource: {category: process_creation, "
         "product: windows}\ndetection: {sel: {Image|endswith: '" +
         (image.starts_with('.') ? "" : "\\") + image + "'}, condition: sel}\n" + "---\n";
}

/// Base rules: whoami, ipconfig and net, named recon_a, recon_b, recon_c (19 lines).
const std::string kBase =
    base_rule("22222222-0000-4000-8000-00000000000a\nname: recon_a", "whoami.exe") +
    base_rule("22222222-0000-4000-8000-00000000000b\nname: recon_b", "ipconfig.exe") +
    base_rule("22222222-0000-4000-8000-00000000000c\nname: recon_c\nlevel: low", "net.exe");

/// One Sysmon 1 execution at `seconds` after 2024-05-01T10:00:00Z.
struct Exec {
  int seconds = 0;
  std::string image = "whoami.exe";
  std::string user = "CORP\\alice";
  std::string host = "WS01";
  std::string command_line;  ///< default: the image's name
  std::string extra;         ///< more JSON members (",\"Bytes\":\"10\"")
};

std::string jsonl(const std::vector<Exec>& execs) {
  std::string out;
  int record = 1;
  for (const Exec& e : execs) {
    const int h = 10 + e.seconds / 3600;
    const int m = e.seconds / 60 % 60;
    const int s = e.seconds % 60;
    char t[64];
    std::snprintf(t, sizeof t, "2024-05-%02dT%02d:%02d:%02d.000Z", 1 + h / 24, h % 24, m, s);
    std::string user;
    for (char c : e.user) {
      if (c == '\\') user += '\\';
      user += c;
    }
    out += std::string(R"({"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,)") +
           R"("Computer":")" + e.host + R"(","TimeCreated":")" + t + R"(","EventRecordID":)" +
           std::to_string(record) + R"(,"ProcessId":)" + std::to_string(1000 + record) +
           R"(,"ParentProcessId":50,"Image":"C:\\Windows\\System32\\)" + e.image +
           R"(","CommandLine":")" +
           (e.command_line.empty() ? e.image.substr(0, e.image.find('.')) : e.command_line) +
           R"(","ParentImage":"C:\\Windows\\System32\\cmd.exe","User":")" + user + "\"" + e.extra +
           "}\n";
    ++record;
  }
  return out;
}

/// What a detector run gives.
struct Outcome {
  std::vector<Match> matches;  ///< every match, in the order reported
  std::vector<Counter> counters;
  LoadResult loaded;
  [[nodiscard]] std::vector<const Match*> correlations() const {
    std::vector<const Match*> out;
    for (const Match& m : matches) {
      if (m.engine == MatchEngine::kCorrelation) out.push_back(&m);
    }
    return out;
  }
  [[nodiscard]] std::uint64_t counter(std::string_view name) const {
    for (const auto& [n, v] : counters) {
      if (n == name) return v;
    }
    return 0;
  }
};

/// Loads kBase + `correlation`, reads `execs` through the engine and feeds the executions to the
/// detector in `order` (indices into execs; default: time order), as the engine would.
Outcome run(const std::string& correlation, const std::vector<Exec>& execs,
            std::vector<std::size_t> order = {}, DetectorOptions options = {},
            std::uint64_t advance_to = 0, const std::string& base = kBase) {
  Outcome r;
  r.loaded = load_text(base + correlation, "corr.yml");
  for (const Diagnostic& d : r.loaded.diagnostics) ADD_FAILURE() << d.message;
  auto d = SigmaDetector::create(r.loaded.rules, options, r.loaded.correlations);
  EXPECT_TRUE(d);
  if (!d) return r;
  const std::string text = jsonl(execs);
  auto collected = testing::collect_events(std::vector<BufferInput>{{"input.jsonl", text}}, false);
  std::vector<std::shared_ptr<const ProcessEvent>> events;
  for (const Event& e : collected.events) {
    if (const auto* p = std::get_if<ProcessEvent>(&e)) {
      events.push_back(std::make_shared<ProcessEvent>(*p));
    }
  }
  EXPECT_EQ(events.size(), execs.size());
  if (order.empty()) {
    for (std::size_t i = 0; i < events.size(); ++i) order.push_back(i);
  }
  // The engine's events are in time order; `order` names executions by their input position,
  // which is their record number - 1.
  std::vector<std::shared_ptr<const ProcessEvent>> by_input(events.size());
  for (const auto& e : events) by_input[e->source()->record_id - 1] = e;
  for (std::size_t i : order) {
    AnalyzedEvent ae;
    ae.process = by_input[i];
    ae.analysis = std::make_shared<cmdline::Analysis>();
    (**d).on_time(ae.process->time);
    (**d).on_execution(ae, r.matches);
  }
  if (advance_to != 0) (**d).on_time(advance_to);
  (**d).counters(r.counters);
  return r;
}

const std::string kEventCount = R"(title: Three recon commands
id: 33333333-0000-4000-8000-000000000001
level: high
tags: [attack.discovery, attack.t1033]
correlation:
    type: event_count
    rules: [recon_a, recon_b, 22222222-0000-4000-8000-00000000000c]
    group-by: [Computer, User]
    timespan: 5m
    condition: {gte: 3}
)";

TEST(SigmaCorrelation, event_count_fires_on_the_match_that_meets_the_condition) {
  const Outcome r = run(kEventCount, {{0, "whoami.exe"}, {60, "ipconfig.exe"}, {120, "net.exe"}});
  const auto c = r.correlations();
  ASSERT_EQ(c.size(), 1U);
  EXPECT_EQ(c[0]->title, "Three recon commands");
  EXPECT_EQ(c[0]->rule_id, "33333333-0000-4000-8000-000000000001");
  EXPECT_EQ(c[0]->level, Level::kHigh);
  EXPECT_EQ(c[0]->tactic, "discovery");
  EXPECT_EQ(c[0]->command, kOwnFinding);
  ASSERT_TRUE(c[0]->correlation);
  const CorrelationInfo& info = *c[0]->correlation;
  EXPECT_EQ(info.type, "event_count");
  EXPECT_EQ(info.value, 3);
  EXPECT_EQ(info.events, 3U);
  EXPECT_EQ(info.last - info.first, 120ULL * 10'000'000);
  ASSERT_EQ(info.records.size(), 3U);
  EXPECT_EQ(info.records[0].record, 1U);
  EXPECT_EQ(info.records[2].record, 3U);
  EXPECT_EQ(info.records[0].source, "input.jsonl");
  ASSERT_EQ(c[0]->fields.size(), 2U);
  EXPECT_EQ(c[0]->fields[0].name, "Computer");
  EXPECT_EQ(c[0]->fields[0].value, "WS01");
  EXPECT_EQ(c[0]->fields[1].value, "CORP\\alice");
  // generate: false (the default) keeps the base rules' own matches out of the report.
  for (const Match& m : r.matches) EXPECT_NE(m.engine, MatchEngine::kSigma) << m.title;
}

TEST(SigmaCorrelation, event_count_below_the_condition_does_not_fire) {
  EXPECT_TRUE(run(kEventCount, {{0, "whoami.exe"}, {60, "ipconfig.exe"}}).correlations().empty());
}

TEST(SigmaCorrelation, a_match_exactly_at_the_timespan_counts_and_one_tick_later_does_not) {
  EXPECT_EQ(run(kEventCount, {{0}, {150}, {300}}).correlations().size(), 1U);
  const Outcome late = run(kEventCount, {{0}, {150}, {301}});
  EXPECT_TRUE(late.correlations().empty());
}

TEST(SigmaCorrelation, groups_are_separate_per_group_by_values) {
  const Outcome r = run(kEventCount, {{0, "whoami.exe", "CORP\\alice"},
                                      {10, "whoami.exe", "CORP\\bob"},
                                      {20, "whoami.exe", "CORP\\alice"},
                                      {30, "whoami.exe", "CORP\\bob", "WS02"},
                                      {40, "whoami.exe", "CORP\\alice"}});
  const auto c = r.correlations();
  ASSERT_EQ(c.size(), 1U);
  EXPECT_EQ(c[0]->fields[1].value, "CORP\\alice");
}

TEST(SigmaCorrelation, a_group_that_fired_starts_afresh) {
  const Outcome r = run(kEventCount, {{0}, {10}, {20}, {30}, {40}, {50}});
  EXPECT_EQ(r.correlations().size(), 2U);  // at the third and the sixth match
}

TEST(SigmaCorrelation, an_out_of_order_match_inside_the_window_is_counted) {
  // Delivered 0 s, 240 s, then the 120 s one (late, but inside the window of 240 s).
  const Outcome r = run(kEventCount, {{0}, {120}, {240}}, {0, 2, 1});
  ASSERT_EQ(r.correlations().size(), 1U);
  EXPECT_EQ(r.correlations()[0]->correlation->first,
            r.correlations()[0]->correlation->last - 240ULL * 10'000'000);
  EXPECT_EQ(r.counter("sigma.correlation_dropped_late"), 0U);
}

TEST(SigmaCorrelation, a_match_older_than_the_window_is_dropped_and_counted) {
  // 0 s, then 400 s; the 50 s one arrives after 400 s: more than 5 min before the newest.
  const Outcome r = run(kEventCount, {{0}, {50}, {400}}, {0, 2, 1});
  EXPECT_TRUE(r.correlations().empty());
  EXPECT_EQ(r.counter("sigma.correlation_dropped_late"), 1U);
}

TEST(SigmaCorrelation, idle_groups_expire_as_event_time_advances) {
  const std::uint64_t day_later = 0x0200000000000000ULL;  // centuries after 2024-05-01
  const Outcome kept = run(kEventCount, {{0}, {10}});
  EXPECT_EQ(kept.counter("sigma.correlation_groups_live"), 1U);
  const Outcome expired = run(kEventCount, {{0}, {10}}, {}, {}, day_later);
  EXPECT_EQ(expired.counter("sigma.correlation_groups_live"), 0U);
}

TEST(SigmaCorrelation, the_group_cap_drops_new_groups_and_counts_them) {
  DetectorOptions o;
  o.correlation_caps.groups = 2;
  const Outcome r = run(kEventCount,
                        {{0, "whoami.exe", "CORP\\a"},
                         {1, "whoami.exe", "CORP\\b"},
                         {2, "whoami.exe", "CORP\\c"},
                         {3, "whoami.exe", "CORP\\a"}},
                        {}, o);
  EXPECT_EQ(r.counter("sigma.correlation_dropped_groups"), 1U);
  EXPECT_EQ(r.counter("sigma.correlation_groups_live"), 2U);
}

TEST(SigmaCorrelation, the_entry_cap_drops_the_oldest_and_counts_them) {
  DetectorOptions o;
  o.correlation_caps.entries = 2;
  const Outcome r = run(kEventCount, {{0}, {10}, {20}}, {}, o);
  EXPECT_TRUE(r.correlations().empty());  // never more than two held: 3 cannot be reached
  EXPECT_EQ(r.counter("sigma.correlation_dropped_entries"), 1U);
}

TEST(SigmaCorrelation, value_count_counts_distinct_values) {
  const std::string rule = R"(title: Distinct whoami lines
correlation:
    type: value_count
    rules: [recon_a]
    group-by: [Computer]
    timespan: 10m
    condition: {field: CommandLine, gt: 2}
)";
  EXPECT_TRUE(run(rule, {{0, "whoami.exe", "u", "WS01", "whoami"},
                         {1, "whoami.exe", "u", "WS01", "whoami"},
                         {2, "whoami.exe", "u", "WS01", "whoami /all"}})
                  .correlations()
                  .empty());
  const Outcome r = run(rule, {{0, "whoami.exe", "u", "WS01", "whoami"},
                               {1, "whoami.exe", "u", "WS01", "whoami /all"},
                               {2, "whoami.exe", "u", "WS01", "whoami /priv"}});
  ASSERT_EQ(r.correlations().size(), 1U);
  EXPECT_EQ(r.correlations()[0]->correlation->value, 3);
}

const std::string kTemporal = R"(title: Recon any order
correlation:
    type: temporal
    rules: [recon_a, recon_b, recon_c]
    group-by: [Computer, User]
    timespan: 5m
)";

TEST(SigmaCorrelation, temporal_needs_every_rule_in_any_order) {
  EXPECT_EQ(run(kTemporal, {{0, "net.exe"}, {10, "whoami.exe"}, {20, "ipconfig.exe"}})
                .correlations()
                .size(),
            1U);
  EXPECT_TRUE(run(kTemporal, {{0, "net.exe"}, {10, "whoami.exe"}, {20, "whoami.exe"}})
                  .correlations()
                  .empty());
}

TEST(SigmaCorrelation, temporal_ordered_needs_the_rules_order) {
  const std::string rule = R"(title: Recon in order
correlation:
    type: temporal_ordered
    rules: [recon_a, recon_b, recon_c]
    group-by: [Computer]
    timespan: 5m
)";
  EXPECT_EQ(run(rule, {{0, "whoami.exe"}, {5, "net.exe"}, {10, "ipconfig.exe"}, {20, "net.exe"}})
                .correlations()
                .size(),
            1U);
  EXPECT_TRUE(
      run(rule, {{0, "net.exe"}, {10, "ipconfig.exe"}, {20, "whoami.exe"}}).correlations().empty());
}

TEST(SigmaCorrelation, value_sum_and_value_avg_read_a_number_field) {
  const std::string sum = R"(title: Bytes sum
correlation:
    type: value_sum
    rules: [recon_a]
    group-by: [Computer]
    timespan: 1h
    condition: {field: Bytes, gt: 1000}
)";
  const Outcome r = run(sum, {{0, "whoami.exe", "u", "WS01", "", R"(,"Bytes":"600")"},
                              {1, "whoami.exe", "u", "WS01", "", R"(,"Bytes":"x")"},
                              {2, "whoami.exe", "u", "WS01", "", R"(,"Bytes":"500")"}});
  ASSERT_EQ(r.correlations().size(), 1U);
  EXPECT_EQ(r.correlations()[0]->correlation->value, 1100);
  EXPECT_EQ(r.counter("sigma.correlation_no_number"), 1U);
  const std::string avg = R"(title: Bytes average
correlation:
    type: value_avg
    rules: [recon_a]
    group-by: [Computer]
    timespan: 1h
    condition: {field: Bytes, gte: 400, lt: 500}
)";
  EXPECT_TRUE(
      run(avg, {{0, "whoami.exe", "u", "WS01", "", R"(,"Bytes":"600")"}}).correlations().empty());
  const Outcome a = run(avg, {{0, "whoami.exe", "u", "WS01", "", R"(,"Bytes":"600")"},
                              {1, "whoami.exe", "u", "WS01", "", R"(,"Bytes":"300")"}});
  ASSERT_EQ(a.correlations().size(), 1U);
  EXPECT_EQ(a.correlations()[0]->correlation->value, 450);
}

TEST(SigmaCorrelation, value_percentile_is_the_share_of_the_arriving_value) {
  const std::string rule = R"(title: Rare command line
correlation:
    type: value_percentile
    rules: [recon_a]
    group-by: [Computer]
    timespan: 1h
    condition: {field: CommandLine, lte: 25}
)";
  std::vector<Exec> execs;
  for (int i = 0; i < 4; ++i) execs.push_back({i, "whoami.exe", "u", "WS01", "whoami"});
  execs.push_back({10, "whoami.exe", "u", "WS01", "whoami /priv"});  // 1 of 5: 20 %
  const Outcome r = run(rule, execs);
  ASSERT_EQ(r.correlations().size(), 1U);
  EXPECT_EQ(r.correlations()[0]->correlation->value, 20);
}

TEST(SigmaCorrelation, aliases_read_a_different_field_per_rule) {
  const std::string rule = R"(title: Same actor
correlation:
    type: temporal
    rules: [recon_a, recon_b]
    group-by: [actor]
    timespan: 5m
    aliases:
        actor:
            recon_a: User
            recon_b: ParentUser
)";
  const Outcome r =
      run(rule, {{0, "whoami.exe", "CORP\\eve"},
                 {10, "ipconfig.exe", "SYSTEM", "WS01", "", R"(,"ParentUser":"CORP\\eve")"}});
  ASSERT_EQ(r.correlations().size(), 1U);
  EXPECT_EQ(r.correlations()[0]->fields[0].name, "actor");
  EXPECT_EQ(r.correlations()[0]->fields[0].value, "CORP\\eve");
}

TEST(SigmaCorrelation, generate_true_also_reports_the_base_rules) {
  const Outcome r = run(kEventCount + "generate: true\n", {{0}, {10}, {20}});
  std::size_t sigma = 0;
  for (const Match& m : r.matches) sigma += m.engine == MatchEngine::kSigma ? 1 : 0;
  EXPECT_EQ(sigma, 3U);
  EXPECT_EQ(r.correlations().size(), 1U);
}

TEST(SigmaCorrelation, base_rules_run_even_below_the_min_level) {
  DetectorOptions o;
  o.min_level = Level::kHigh;  // recon_c is low, the others medium
  EXPECT_EQ(run(kEventCount, {{0, "net.exe"}, {10, "net.exe"}, {20, "net.exe"}}, {}, o)
                .correlations()
                .size(),
            1U);
}

TEST(SigmaCorrelation, a_correlation_of_a_correlation_reports_only_the_outer_one) {
  const std::string rules = R"(title: Two bursts in order
id: 33333333-0000-4000-8000-000000000009
correlation:
    type: temporal_ordered
    rules: [burst, recon_b]
    group-by: [Computer]
    timespan: 10m
---
title: Burst of whoami
name: burst
correlation:
    type: event_count
    rules: [recon_a]
    group-by: [Computer]
    timespan: 1m
    condition: {gte: 2}
)";
  const Outcome r = run(rules, {{0, "whoami.exe"}, {10, "whoami.exe"}, {100, "ipconfig.exe"}});
  const auto c = r.correlations();
  ASSERT_EQ(c.size(), 1U);
  EXPECT_EQ(c[0]->title, "Two bursts in order");
  EXPECT_EQ(r.counter("sigma.correlation_fired"), 2U);
}

/// The first diagnostic of loading kBase + `yaml`; expects one failure.
Diagnostic diagnostic(const std::string& yaml) {
  const LoadResult r = load_text(kBase + yaml, "bad.yml");
  EXPECT_EQ(r.failed, 1U) << yaml;
  EXPECT_TRUE(r.correlations.empty());
  for (const Diagnostic& d : r.diagnostics) {
    if (d.severity == DiagnosticSeverity::kError) return d;
  }
  return {};
}

TEST(SigmaCorrelationLoad, unknown_rule_references_name_the_line) {
  const Diagnostic d = diagnostic(R"(title: Bad
correlation:
    type: temporal
    rules:
        - recon_a
        - no_such_rule
    group-by: [Computer]
    timespan: 5m
)");
  EXPECT_EQ(d.code, "sigma-correlation");
  EXPECT_NE(d.message.find("no_such_rule"), std::string::npos);
  EXPECT_EQ(d.where.file, "bad.yml");
  EXPECT_EQ(d.where.line, 20U + 5U);  // kBase is 19 lines; the reference is the sixth line
}

TEST(SigmaCorrelationLoad, bad_documents_are_diagnosed) {
  const std::string head = "title: Bad\ncorrelation:\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"    type: event_count\n    rules: [recon_a]\n    group-by: [Computer]\n"
       "    timespan: 5x\n    condition: {gte: 2}\n",
       "timespan"},
      {"    type: event_count\n    rules: [recon_a]\n    group-by: [Computer]\n"
       "    timespan: 0m\n    condition: {gte: 2}\n",
       "timespan"},
      {"    type: event_count\n    rules: [recon_a]\n    timespan: 5m\n    condition: {gte: 2}\n",
       "group-by"},
      {"    type: value_count\n    rules: [recon_a]\n    group-by: [Computer]\n"
       "    timespan: 5m\n    condition: {gte: 2}\n",
       "field"},
      {"    type: event_count\n    rules: [recon_a]\n    group-by: [Computer]\n"
       "    timespan: 5m\n",
       "condition"},
      {"    type: sometimes\n    rules: [recon_a]\n    group-by: [Computer]\n    timespan: 5m\n",
       "type"},
      {"    type: event_count\n    rules: [recon_a]\n    group-by: [Computer]\n"
       "    timespan: 5m\n    condition: {more: 2}\n",
       "unknown condition"},
      {"    type: temporal\n    rules: [recon_a]\n    group-by: [x]\n    timespan: 5m\n"
       "    aliases: {x: {recon_b: User}}\n",
       "alias"},
  };
  for (const auto& [body, word] : cases) {
    const Diagnostic d = diagnostic(head + body);
    EXPECT_NE(d.message.find(word), std::string::npos) << body << " -> " << d.message;
    EXPECT_GE(d.where.line, 20U) << body;  // in the correlation document, after kBase
  }
}

TEST(SigmaCorrelationLoad, cycles_are_refused) {
  const LoadResult r = load_text(kBase + R"(title: A
name: loop_a
correlation: {type: event_count, rules: [loop_b], group-by: [Computer], timespan: 5m,
              condition: {gte: 2}}
---
title: B
name: loop_b
correlation: {type: event_count, rules: [loop_a], group-by: [Computer], timespan: 5m,
              condition: {gte: 2}}
)",
                                 "loop.yml");
  EXPECT_TRUE(r.correlations.empty());
  EXPECT_EQ(r.failed, 2U);
}

TEST(SigmaCorrelationLoad, a_count_past_the_entry_cap_is_a_warning) {
  const LoadResult r = load_text(kBase + R"(title: Huge
correlation: {type: event_count, rules: [recon_a], group-by: [Computer], timespan: 1d,
              condition: {gte: 5000}}
)",
                                 "huge.yml");
  EXPECT_EQ(r.failed, 0U);
  ASSERT_EQ(r.correlations.size(), 1U);
  ASSERT_EQ(r.diagnostics.size(), 1U);
  EXPECT_EQ(r.diagnostics[0].severity, DiagnosticSeverity::kWarning);
  EXPECT_EQ(r.diagnostics[0].code, "sigma-limit");
  EXPECT_EQ(r.diagnostics[0].where.line, 20U);
}

TEST(SigmaCorrelationLoad, timespans) {
  EXPECT_EQ(parse_timespan("90s"), 90ULL * 10'000'000);
  EXPECT_EQ(parse_timespan("5m"), 300ULL * 10'000'000);
  EXPECT_EQ(parse_timespan("1h"), 3600ULL * 10'000'000);
  EXPECT_EQ(parse_timespan("1d"), 86400ULL * 10'000'000);
  EXPECT_EQ(parse_timespan("30d"), 30ULL * 86400 * 10'000'000);
  EXPECT_FALSE(parse_timespan("31d"));
  EXPECT_FALSE(parse_timespan("5"));
  EXPECT_FALSE(parse_timespan("m"));
  EXPECT_FALSE(parse_timespan("-5m"));
  EXPECT_FALSE(parse_timespan("5M"));
}

/// A folder of ../shared/reference/sigma-correlation (empty when the reference set is absent).
std::filesystem::path reference(const std::string& sub) {
  const auto ref = cmdsentry::testing::shared_reference();
  return ref.empty() ? std::filesystem::path{} : ref / "sigma-correlation" / sub;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Base rules for the identifiers the specification's examples name.
const std::string kSpecBase = base_rule("5638f7c0-ac70-491d-8465-2a65075e0d86", "whoami.exe") +
                              base_rule("a1\nname: recon_cmd_a", "whoami.exe") +
                              base_rule("b1\nname: recon_cmd_b", "ipconfig.exe") +
                              base_rule("c1\nname: recon_cmd_c", "net.exe") +
                              base_rule("r1\nname: rule_a_id", "whoami.exe") +
                              base_rule("p1\nname: process_creation", ".exe") +
                              base_rule("w1\nname: website_access", "whoami.exe");

TEST(SigmaCorrelationReference, every_specification_example_loads) {
  const auto dir = reference("spec-examples");
  if (dir.empty()) GTEST_SKIP() << "../shared/reference is absent";
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yml") continue;
    ++files;
    const LoadResult r = load_text(kSpecBase + read_file(entry.path()), entry.path().string());
    EXPECT_EQ(r.failed, 0U) << entry.path();
    for (const Diagnostic& d : r.diagnostics) ADD_FAILURE() << entry.path() << ": " << d.message;
    EXPECT_EQ(r.correlations.size(), 1U) << entry.path();
  }
  EXPECT_EQ(files, 8U);
}

TEST(SigmaCorrelationReference, the_specification_examples_fire_on_crafted_executions) {
  if (reference("spec-examples").empty()) GTEST_SKIP() << "../shared/reference is absent";
  auto example = [](const std::string& f) { return read_file(reference("spec-examples") / f); };
  EXPECT_EQ(run(example("temporal.yml"), {{0, "ipconfig.exe"}, {10, "net.exe"}, {20, "whoami.exe"}},
                {}, {}, 0, kSpecBase)
                .correlations()
                .size(),
            1U);
  EXPECT_EQ(run(example("temporal_ordered.yml"),
                {{0, "whoami.exe"}, {10, "ipconfig.exe"}, {20, "net.exe"}}, {}, {}, 0, kSpecBase)
                .correlations()
                .size(),
            1U);
  std::vector<Exec> hundred;
  for (int i = 0; i < 100; ++i) hundred.push_back({i, "whoami.exe"});
  EXPECT_EQ(run(example("event_count.yml"), hundred, {}, {}, 0, kSpecBase).correlations().size(),
            1U);
  hundred.pop_back();
  EXPECT_TRUE(
      run(example("event_count.yml"), hundred, {}, {}, 0, kSpecBase).correlations().empty());
  std::vector<Exec> users;
  for (int i = 0; i < 100; ++i) {
    users.push_back({i, "whoami.exe", "CORP\\u" + std::to_string(i), "WS01", "",
                     R"(,"WorkstationName":"KALI")"});
  }
  EXPECT_EQ(run(example("value_count.yml"), users, {}, {}, 0, kSpecBase).correlations().size(), 1U);
  const std::string sent = R"(,"SourceIP":"10.0.0.5","bytes_sent":"600000","BytesOut":"600")";
  EXPECT_EQ(
      run(example("value_sum.yml"),
          {{0, "whoami.exe", "u", "WS01", "", sent}, {9, "whoami.exe", "u", "WS01", "", sent}}, {},
          {}, 0, kSpecBase)
          .correlations()
          .size(),
      1U);
  EXPECT_EQ(run(example("value_avg.yml"), {{0, "whoami.exe", "u", "WS01", "", sent}}, {}, {}, 0,
                kSpecBase)
                .correlations()
                .size(),
            1U);
  std::vector<Exec> rare;
  for (int i = 0; i < 100; ++i) rare.push_back({i, "ipconfig.exe"});
  rare.push_back({200, "whoami.exe"});  // 1 of 101 images: under 1 %
  const Outcome r = run(example("value_percentile.yml"), rare, {}, {}, 0, kSpecBase);
  ASSERT_EQ(r.correlations().size(), 1U);
  EXPECT_LT(r.correlations()[0]->correlation->value, 1);
}

TEST(SigmaCorrelationReference, sigma_1_aggregations_are_diagnosed_not_run) {
  const auto dir = reference("sigmahq-unsupported-legacy");
  if (dir.empty()) GTEST_SKIP() << "../shared/reference is absent";
  const LoadResult r = load_paths({dir});
  EXPECT_EQ(r.files, 5U);
  EXPECT_EQ(r.failed, 5U);
  EXPECT_TRUE(r.rules.empty());
  EXPECT_TRUE(r.correlations.empty());
  for (const Diagnostic& d : r.diagnostics) {
    EXPECT_EQ(d.code, "sigma-unsupported") << d.message;
    EXPECT_NE(d.message.find("count()"), std::string::npos) << d.message;
    EXPECT_GT(d.where.line, 0U);
  }
}

}  // namespace
}  // namespace cmdsentry::sigma
