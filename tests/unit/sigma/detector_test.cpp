// SigmaDetector through the engine, as `scan --sigma` runs it: one rule matches Sysmon 1 and
// Security 4688 alike, service rules see their channel's records, the level and status filters
// hold, and a match carries the rule's id, title, level, tags, techniques and matched fields.
#include "sigma/detector.h"

#include <gtest/gtest.h>

#include "cmdsentry/engine.h"
#include "sigma/loader.h"
#include "sigma_support.h"

namespace cmdsentry::sigma {
namespace {

using testkit::FindingCollector;

const char* const kRules = R"(title: Whoami all
id: 6a1f4a2e-0000-4000-8000-000000000001
status: test
tags:
    - attack.discovery
    - attack.t1033
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\whoami.exe'
        CommandLine|contains: '/all'
    condition: selection
level: medium
---
title: Security 4688 of whoami
id: 6a1f4a2e-0000-4000-8000-000000000002
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4688
        NewProcessName|endswith: '\whoami.exe'
    condition: selection
level: low
---
title: Low noise
id: 6a1f4a2e-0000-4000-8000-000000000003
status: test
logsource:
    category: process_creation
detection:
    selection:
        CommandLine|contains: 'whoami'
    condition: selection
level: informational
---
title: Deprecated
id: 6a1f4a2e-0000-4000-8000-000000000004
status: deprecated
logsource: {category: process_creation, product: windows}
detection: {keywords: [whoami], condition: keywords}
level: high
---
title: Network rule
id: 6a1f4a2e-0000-4000-8000-000000000005
logsource:
    category: network_connection
    product: windows
detection:
    selection:
        DestinationPort: 4444
    condition: selection
level: high
)";

/// The findings of kRules over `inputs` (Sysmon and 4688 of one whoami by default, read as two
/// runs so each is its own execution).
std::vector<Finding> scan(const DetectorOptions& o, std::unique_ptr<SigmaDetector>* keep = nullptr,
                          std::vector<std::string> inputs = {testkit::kSysmonWhoami,
                                                             testkit::kSecurityWhoami}) {
  LoadResult loaded = load_text(kRules, "rules.yml");
  EXPECT_TRUE(loaded.ok());
  auto d = SigmaDetector::create(std::move(loaded.rules), o);
  EXPECT_TRUE(d);
  FindingCollector sink;
  for (const std::string& text : inputs) {
    EngineOptions eo;
    eo.threads = 1;
    Engine engine(eo);
    engine.add_detector(**d);
    engine.add_sink(sink);
    (void)engine.run(std::vector<BufferInput>{{"input.jsonl", text}});
  }
  if (keep != nullptr) *keep = std::move(*d);
  return sink.findings;
}

std::vector<std::string> titles(const Finding& f) {
  std::vector<std::string> out;
  for (const Match& m : f.matches) {
    if (m.engine == MatchEngine::kSigma) out.push_back(m.title);
  }
  return out;
}

TEST(SigmaDetector, a_merged_sysmon_and_4688_pair_is_one_execution) {
  const auto findings = scan({}, nullptr, {testkit::kSysmonWhoami + testkit::kSecurityWhoami});
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(titles(findings[0]),
            (std::vector<std::string>{"Whoami all", "Low noise", "Security 4688 of whoami"}));
}

TEST(SigmaDetector, one_rule_matches_sysmon_and_4688) {
  std::unique_ptr<SigmaDetector> d;
  const auto findings = scan({}, &d);
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(titles(findings[0]), (std::vector<std::string>{"Whoami all", "Low noise"}));
  EXPECT_EQ(titles(findings[1]),
            (std::vector<std::string>{"Whoami all", "Low noise", "Security 4688 of whoami"}));
  EXPECT_EQ(d->active(), 4U);    // the network_connection rule runs on Sysmon 3
  EXPECT_EQ(d->filtered(), 1U);  // deprecated
  EXPECT_EQ(d->inactive(), 0U);
}

TEST(SigmaDetector, a_match_carries_the_rule_and_what_matched) {
  const auto findings = scan({});
  ASSERT_FALSE(findings.empty());
  const Match* m = findings[0].first(MatchEngine::kSigma);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->rule_id, "6a1f4a2e-0000-4000-8000-000000000001");
  EXPECT_EQ(m->title, "Whoami all");
  EXPECT_EQ(m->level, Level::kMedium);
  EXPECT_EQ(m->tags, (std::vector<std::string>{"attack.discovery", "attack.t1033"}));
  EXPECT_EQ(m->tactic, "discovery");
  EXPECT_EQ(m->techniques, (std::vector<std::string>{"T1033"}));
  ASSERT_EQ(m->fields.size(), 2U);
  EXPECT_EQ(m->fields[0].name, "Image");
  EXPECT_EQ(m->fields[0].value, "C:\\Windows\\System32\\whoami.exe");
  EXPECT_EQ(m->fields[1].name, "CommandLine");
  EXPECT_EQ(m->fields[1].value, "whoami /all");
}

TEST(SigmaDetector, level_and_status_filters) {
  DetectorOptions o;
  o.min_level = Level::kMedium;
  auto findings = scan(o);
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(titles(findings[1]), (std::vector<std::string>{"Whoami all"}));
  o = {};
  o.statuses = {"deprecated"};
  findings = scan(o);
  ASSERT_EQ(findings.size(), 2U);
  // Rules without a status are accepted whatever the list says.
  EXPECT_EQ(titles(findings[1]),
            (std::vector<std::string>{"Deprecated", "Security 4688 of whoami"}));
}

}  // namespace
}  // namespace cmdsentry::sigma
