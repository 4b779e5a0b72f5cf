// Sigma rules over events that are not process executions, through the engine as `scan --sigma`
// runs them: a service rule sees its channel's logons, a category rule sees the Sysmon event type
// it names and no other, a finding on such an event names the event (host, user, channel, event
// id, record) and not an execution, and a correlation counts those matches (the specification's
// failed-logon example).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "cmdsentry/engine.h"
#include "sigma/detector.h"
#include "sigma/loader.h"
#include "sigma_support.h"

namespace cmdsentry::sigma {
namespace {

using testkit::FindingCollector;

const char* const kRules = R"(title: Failed logon
id: 5638f7c0-ac70-491d-8465-2a65075e0d86
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4625
    condition: selection
level: low
---
title: Meterpreter port
id: 6a1f4a2e-0000-4000-8000-000000000005
logsource:
    category: network_connection
    product: windows
detection:
    selection:
        DestinationPort: 4444
    condition: selection
level: high
---
title: Linux rule
id: 6a1f4a2e-0000-4000-8000-000000000006
logsource:
    product: linux
    category: process_creation
detection:
    selection:
        Image|endswith: '/whoami'
    condition: selection
level: high
)";

/// A failed network logon of `user` on WS01, `second` seconds after 10:00.
std::string failed_logon(int second, const std::string& user, int record) {
  return fmt::format(R"({{"Channel":"Security","EventID":4625,"Computer":"WS01.corp.example",)"
                     R"("TimeCreated":"2024-05-01T10:{:02}:{:02}.000Z","EventRecordID":{},)"
                     R"("SubjectUserSid":"S-1-0-0","SubjectUserName":"-","SubjectDomainName":"-",)"
                     R"("TargetUserName":"{}","TargetDomainName":"CORP","LogonType":"3",)"
                     R"("IpAddress":"10.0.0.66","ProcessName":"-","Status":"0xc000006d"}})"
                     "\n",
                     second / 60, second % 60, record, user);
}

/// Sysmon 3 (or another event id) of rundll32.exe connecting to `port`.
std::string connection(int event_id, int port, int record) {
  return fmt::format(
      R"({{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":{},"Computer":"WS01",)"
      R"("TimeCreated":"2024-05-01T11:00:{:02}.000Z","EventRecordID":{},)"
      R"("UtcTime":"2024-05-01 11:00:00.000","ProcessId":"4242",)"
      R"("Image":"C:\\Windows\\System32\\rundll32.exe","User":"CORP\\alice",)"
      R"("Protocol":"tcp","DestinationIp":"203.0.113.7","DestinationPort":"{}"}})"
      "\n",
      event_id, record % 60, record, port);
}

struct Scan {
  std::vector<Finding> findings;
  std::unique_ptr<SigmaDetector> detector;
  RunReport report;
};

Scan scan(const std::string& jsonl, const std::string& extra_rules = "", int threads = 1) {
  LoadResult loaded = load_text(std::string(kRules) + extra_rules, "rules.yml");
  EXPECT_TRUE(loaded.ok());
  for (const Diagnostic& d : loaded.diagnostics) ADD_FAILURE() << d.message;
  auto d = SigmaDetector::create(std::move(loaded.rules), {}, std::move(loaded.correlations));
  EXPECT_TRUE(d);
  Scan out;
  FindingCollector sink;
  EngineOptions eo;
  eo.threads = threads;
  Engine engine(eo);
  engine.add_detector(**d);
  engine.add_sink(sink);
  const RunReport report = engine.run(std::vector<BufferInput>{{"input.jsonl", jsonl}});
  EXPECT_EQ(report.read.skipped, 0U);
  out.findings = std::move(sink.findings);
  out.detector = std::move(*d);
  out.report = report;
  return out;
}

TEST(SigmaEventRules, categories_of_windows_event_types_are_active_and_other_products_not) {
  const Scan s = scan("");
  EXPECT_EQ(s.detector->active(), 2U);
  EXPECT_EQ(s.detector->inactive(), 1U);  // product linux
  EXPECT_NE(s.detector->interests() & kInterestOther, 0);
  EXPECT_NE(s.detector->interests() & kInterestLogons, 0);
}

TEST(SigmaEventRules, a_service_rule_matches_a_logon_event_and_the_finding_names_it) {
  const Scan s = scan(failed_logon(1, "admin", 501));
  ASSERT_EQ(s.findings.size(), 1U);
  const Finding& f = s.findings[0];
  EXPECT_FALSE(f.execution);
  ASSERT_EQ(f.matches.size(), 1U);
  EXPECT_EQ(f.matches[0].title, "Failed logon");
  EXPECT_EQ(f.process->host(), "WS01.corp.example");
  EXPECT_EQ(f.process->user_name(), "admin");  // the target, the subject is "-"
  EXPECT_EQ(f.process->user_domain(), "CORP");
  EXPECT_TRUE(f.process->image().empty());  // ProcessName "-"
  ASSERT_NE(f.process->source(), nullptr);
  EXPECT_EQ(f.process->source()->record_id, 501U);
  ASSERT_EQ(f.process->evidence.size(), 1U);
  EXPECT_EQ(f.process->evidence.front()->event_id, 4625U);
}

TEST(SigmaEventRules, a_category_rule_sees_its_sysmon_event_type_only) {
  // Sysmon 3 to 4444 matches; the same fields in a Sysmon 22 or on another port do not.
  // Event id 0 (the table's unused slots) is no category either.
  const Scan s = scan(connection(3, 4444, 1) + connection(22, 4444, 2) + connection(3, 443, 3) +
                      connection(0, 4444, 4));
  ASSERT_EQ(s.findings.size(), 1U);
  const Finding& f = s.findings[0];
  EXPECT_FALSE(f.execution);
  EXPECT_EQ(f.matches[0].title, "Meterpreter port");
  EXPECT_EQ(f.matches[0].level, Level::kHigh);
  EXPECT_EQ(f.process->image(), "C:\\Windows\\System32\\rundll32.exe");
  EXPECT_EQ(f.process->pid, 4242U);
  EXPECT_EQ(f.process->user_name(), "alice");
  EXPECT_EQ(f.process->source()->record_id, 1U);
  ASSERT_EQ(f.matches[0].fields.size(), 1U);
  EXPECT_EQ(f.matches[0].fields[0].name, "DestinationPort");
  EXPECT_EQ(f.matches[0].fields[0].value, "4444");
}

TEST(SigmaEventRules, executions_still_match_process_creation_rules_alone) {
  // A whoami execution is not matched by the logon or network rules.
  const Scan s = scan(testkit::kSysmonWhoami + failed_logon(1, "bob", 9));
  ASSERT_EQ(s.findings.size(), 1U);
  EXPECT_FALSE(s.findings[0].execution);
  EXPECT_EQ(s.findings[0].matches[0].title, "Failed logon");
}

TEST(SigmaEventRules, the_specifications_failed_logon_correlation_fires_on_logon_events) {
  const std::string correlation = R"(---
title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
correlation:
    type: event_count
    rules:
        - 5638f7c0-ac70-491d-8465-2a65075e0d86
    group-by:
        - ComputerName
    timespan: 1h
    condition:
        gte: 100
level: high
)";
  std::string logs;
  for (int i = 0; i < 99; ++i) logs += failed_logon(i * 10, "user" + std::to_string(i), 1000 + i);
  Scan s = scan(logs, correlation);
  std::size_t fired = 0;
  for (const Finding& f : s.findings) {
    for (const Match& m : f.matches) fired += m.engine == MatchEngine::kCorrelation ? 1 : 0;
  }
  EXPECT_EQ(fired, 0U);  // 99 of 100
  logs += failed_logon(995, "user99", 1099);
  s = scan(logs, correlation);
  std::vector<const Finding*> corr;
  for (const Finding& f : s.findings) {
    if (f.first(MatchEngine::kCorrelation) != nullptr) corr.push_back(&f);
  }
  ASSERT_EQ(corr.size(), 1U);
  const Finding& f = *corr[0];
  EXPECT_FALSE(f.execution);
  const Match& m = *f.first(MatchEngine::kCorrelation);
  EXPECT_EQ(m.title, "Many failed logins");
  ASSERT_TRUE(m.correlation);
  EXPECT_EQ(m.correlation->events, 100U);
  ASSERT_EQ(m.fields.size(), 1U);
  EXPECT_EQ(m.fields[0].value, "WS01.corp.example");
  EXPECT_EQ(f.process->source()->record_id, 1099U);
}

TEST(SigmaEventRules, only_events_some_rule_matches_are_kept_past_the_reader) {
  // The reader threads run the rules (RecordFilter): the 4444 connection and the failed logon
  // are kept, the Sysmon 22 and the 443 connection are dropped there and counted, so they never
  // wait in the engine's windows. The findings are what they were.
  for (int threads : {1, 2}) {
    const Scan s = scan(connection(3, 4444, 1) + connection(22, 4444, 2) + connection(3, 443, 3) +
                            failed_logon(1, "bob", 9),
                        "", threads);
    EXPECT_EQ(s.findings.size(), 2U) << threads;
    EXPECT_EQ(s.report.other, 2U) << threads;
    EXPECT_EQ(s.report.not_executions, 2U) << threads;
  }
}

/// A process-creation rule: whoami.exe.
const char* const kWhoamiRule = R"(title: whoami
id: 6a1f4a2e-0000-4000-8000-000000000009
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\whoami.exe'
    condition: selection
level: high
)";

TEST(SigmaEventRules, executions_matched_ahead_on_detect_workers_give_the_inline_result) {
  // With two threads the rules run on the detect workers (Detector::prematcher) and their hits
  // come back in order; the findings, the correlation on them and the counters equal the
  // inline run's.
  const std::string rules = std::string("---\n") + kWhoamiRule + R"(---
title: Two whoami
id: 6a1f4a2e-0000-4000-8000-000000000011
correlation:
    type: event_count
    rules:
        - 6a1f4a2e-0000-4000-8000-000000000009
    group-by:
        - Computer
    timespan: 1h
    condition:
        gte: 2
level: high
)";
  std::string logs;
  for (int i = 0; i < 40; ++i) {
    std::string line = testkit::kSysmonWhoami;
    const std::string rec = "\"EventRecordID\":9,";
    line.replace(line.find(rec), rec.size(), "\"EventRecordID\":" + std::to_string(100 + i) + ",");
    const std::string pid = "\"ProcessId\":400,";
    line.replace(line.find(pid), pid.size(), "\"ProcessId\":" + std::to_string(1000 + i) + ",");
    logs += line;
  }
  const Scan one = scan(logs, rules, 1);
  const Scan two = scan(logs, rules, 2);
  auto summary = [](const Scan& s) {
    std::vector<std::string> out;
    for (const Finding& f : s.findings) {
      std::string line = std::to_string(f.process->pid);
      for (const Match& m : f.matches) line += " " + m.title;
      out.push_back(line);
    }
    return out;
  };
  ASSERT_FALSE(one.findings.empty());  // the correlation's (the base rule does not generate)
  EXPECT_EQ(summary(one), summary(two));
  std::vector<Counter> a, b;
  one.detector->counters(a);
  two.detector->counters(b);
  EXPECT_EQ(a, b);
  bool correlated = false;
  for (const Finding& f : two.findings)
    correlated = correlated || f.first(MatchEngine::kCorrelation);
  EXPECT_TRUE(correlated);
}

TEST(SigmaEventRules, the_record_filter_runs_the_rules_and_exists_only_for_event_rules) {
  const Scan s = scan("");
  const std::unique_ptr<RecordFilter> filter = s.detector->record_filter();
  ASSERT_NE(filter, nullptr);
  auto record = [](const std::string& jsonl) {
    struct Keep final : Sink {
      bool wants_events() const override { return true; }
      void on_event(const Event& e) override { raw = std::get<OtherEvent>(e).raw; }
      std::shared_ptr<const RawEvent> raw;
    } keep;
    EngineOptions eo;
    eo.all_events = true;
    eo.analyze = false;
    Engine reader(eo);
    reader.add_sink(keep);
    (void)reader.run(std::vector<BufferInput>{{"r.jsonl", jsonl}});
    return keep.raw;
  };
  const auto hit = record(connection(3, 4444, 1));
  const auto miss = record(connection(3, 443, 2));
  const auto other_type = record(connection(22, 4444, 3));
  ASSERT_TRUE(hit && miss && other_type);
  EXPECT_TRUE(filter->wants(*hit));
  EXPECT_FALSE(filter->wants(*miss));
  EXPECT_FALSE(filter->wants(*other_type));

  // Rules for process creation only: no events are asked for, no filter is made.
  LoadResult loaded = load_text(kWhoamiRule, "p.yml");
  auto d = SigmaDetector::create(std::move(loaded.rules));
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)->interests(), 0);
  EXPECT_EQ((*d)->record_filter(), nullptr);
}

}  // namespace
}  // namespace cmdsentry::sigma
