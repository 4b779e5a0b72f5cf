#pragma once
/// Helpers of the Sigma tests: a record of named fields, and one hand-written rule evaluated on it
/// both exactly and through the RuleSet's prefilter (which must never disagree).

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "cmdsentry/sink.h"
#include "core/ascii.h"
#include "rules/ruleset.h"
#include "sigma/loader.h"

namespace cmdsentry::sigma::testkit {

/// whoami /all as Sysmon 1 logs it (WS01, pid 400).
inline const std::string kSysmonWhoami =
    R"({"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Computer":"WS01",)"
    R"("TimeCreated":"2024-05-01T10:00:00.100Z","EventRecordID":9,)"
    R"("UtcTime":"2024-05-01 10:00:00.050","ProcessId":400,"ParentProcessId":300,)"
    R"("Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami /all",)"
    R"("ParentImage":"C:\\Windows\\System32\\cmd.exe","User":"CORP\\alice",)"
    R"("OriginalFileName":"whoami.exe","Hashes":"SHA256=ABCD,MD5=1234"})"
    "\n";
/// whoami /all as Security 4688 logs it (the same process: WS01, pid 0x190).
inline const std::string kSecurityWhoami =
    R"({"Channel":"Security","EventID":4688,"Computer":"WS01.corp.example",)"
    R"("TimeCreated":"2024-05-01T10:00:00.000Z","EventRecordID":7,)"
    R"("SubjectUserName":"alice","SubjectDomainName":"CORP","NewProcessId":"0x190",)"
    R"("ProcessId":"0x12c","NewProcessName":"C:\\Windows\\System32\\whoami.exe",)"
    R"("ParentProcessName":"C:\\Windows\\System32\\cmd.exe","CommandLine":"whoami /all",)"
    R"("MandatoryLabel":"S-1-16-12288","TokenElevationType":"%%1937"})"
    "\n";

/// Keeps every finding a run gives.
class FindingCollector final : public Sink {
 public:
  void on_finding(const Finding& f) override { findings.push_back(f); }
  std::vector<Finding> findings;
};

/// Fields by name (case-insensitive, as Windows field names are compared).
class MapRecord final : public rules::Record {
 public:
  MapRecord(std::initializer_list<std::pair<const std::string, std::string>> f) : fields(f) {}
  std::map<std::string, std::string> fields;
  [[nodiscard]] std::optional<std::string_view> get(const rules::FieldRef& f,
                                                    std::string&) const override {
    for (const auto& [k, v] : fields) {
      if (iequals(k, f.name)) return std::string_view(v);
    }
    return std::nullopt;
  }
  void for_each_value(const std::function<void(std::string_view)>& fn) const override {
    for (const auto& [k, v] : fields) fn(v);
  }
};

/// A process_creation rule around `detection` (YAML lines indented by four spaces).
inline std::string rule_yaml(const std::string& detection, const std::string& extra = "") {
  return "title: Test rule\nid: 00000000-0000-0000-0000-000000000001\nstatus: test\n"
         "logsource:\n    category: process_creation\n    product: windows\n"
         "detection:\n" +
         detection + extra + "level: high\n";
}

/// Loads `yaml` (one rule) and evaluates it on `record`; fails the test when it does not load or
/// when the prefilter and the exact evaluation disagree.
inline bool fires(const std::string& yaml, const rules::Record& record) {
  LoadResult loaded = load_text(yaml, "test.yml");
  for (const Diagnostic& d : loaded.diagnostics) ADD_FAILURE() << d.message << "\n" << yaml;
  if (loaded.rules.size() != 1) {
    ADD_FAILURE() << "expected one rule:\n" << yaml;
    return false;
  }
  const std::string route = loaded.rules.front().route;
  auto set = rules::RuleSet::build(std::move(loaded.rules));
  if (!set) {
    ADD_FAILURE() << set.error().message;
    return false;
  }
  rules::Matcher m(*set);
  const bool exact = m.evaluate((*set)->rules().front(), record, nullptr);
  std::vector<rules::RuleHit> hits;
  m.match(*(*set)->bucket(route), record, 1, hits);
  EXPECT_EQ(exact, !hits.empty()) << "prefilter disagrees with evaluation:\n" << yaml;
  return exact;
}

/// The first diagnostic of loading `yaml` ("" when it loaded).
inline Diagnostic failure(const std::string& yaml) {
  LoadResult loaded = load_text(yaml, "bad.yml");
  EXPECT_TRUE(loaded.rules.empty()) << yaml;
  EXPECT_EQ(loaded.failed, 1U) << yaml;
  return loaded.diagnostics.empty() ? Diagnostic{} : loaded.diagnostics.front();
}

}  // namespace cmdsentry::sigma::testkit
