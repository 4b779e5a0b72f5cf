// The Sigma loader: rule fields, condition forms, documents and files, and a diagnostic with a
// place and a reason for every rule that does not load (hostile YAML included).
#include "sigma/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/limits.h"
#include "sigma_support.h"

namespace cmdsentry::sigma {
namespace {

using testkit::failure;
using testkit::fires;
using testkit::MapRecord;
using testkit::rule_yaml;

const char* const kTwoSelections =
    "    sel_img:\n        Image|endswith: '\\net.exe'\n"
    "    sel_cli:\n        CommandLine|contains: ' user '\n"
    "    _helper:\n        CommandLine|contains: 'zzz'\n"
    "    filter:\n        CommandLine|contains: '/domain'\n";

std::string with_condition(const std::string& condition) {
  return rule_yaml(std::string(kTwoSelections) + "    condition: " + condition + "\n");
}

const MapRecord kNetUser{{"Image", "C:\\Windows\\net.exe"}, {"CommandLine", "net user bob"}};
const MapRecord kNetUserDomain{{"Image", "C:\\Windows\\net.exe"},
                               {"CommandLine", "net user bob /domain"}};
const MapRecord kNetView{{"Image", "C:\\Windows\\net.exe"}, {"CommandLine", "net view"}};

TEST(SigmaConditions, boolean_forms) {
  EXPECT_TRUE(fires(with_condition("sel_img and sel_cli"), kNetUser));
  EXPECT_FALSE(fires(with_condition("sel_img and sel_cli"), kNetView));
  EXPECT_TRUE(fires(with_condition("sel_cli or sel_img"), kNetView));
  EXPECT_FALSE(fires(with_condition("sel_img and sel_cli and not filter"), kNetUserDomain));
  EXPECT_TRUE(fires(with_condition("sel_img and (sel_cli or filter)"), kNetUserDomain));
  EXPECT_TRUE(fires(with_condition("not (sel_cli and filter)"), kNetView));
  EXPECT_TRUE(fires(with_condition("sel_img AND NOT filter"), kNetView));  // keywords any case
}

TEST(SigmaConditions, quantifiers) {
  EXPECT_TRUE(fires(with_condition("all of sel_*"), kNetUser));
  EXPECT_FALSE(fires(with_condition("all of sel_*"), kNetView));
  EXPECT_TRUE(fires(with_condition("1 of sel_*"), kNetView));
  EXPECT_TRUE(fires(with_condition("any of sel_* and not filter"), kNetView));
  // `them` leaves out _helper, which never matches here.
  EXPECT_TRUE(fires(with_condition("all of sel_* and 2 of them"), kNetUser));
  EXPECT_FALSE(fires(with_condition("all of them"), kNetUser));  // filter does not match
  EXPECT_TRUE(fires(with_condition("all of sel_* and not 1 of filter*"), kNetUser));
}

TEST(SigmaConditions, a_list_of_conditions_is_any_of_them) {
  const std::string r = rule_yaml(std::string(kTwoSelections) +
                                  "    condition:\n        - filter\n        - sel_cli\n");
  EXPECT_TRUE(fires(r, kNetUser));
  EXPECT_FALSE(fires(r, kNetView));
}

TEST(SigmaConditions, a_list_of_maps_is_or_and_a_map_is_and) {
  const std::string r = rule_yaml(
      "    selection:\n        - Image|endswith: '\\a.exe'\n          CommandLine|contains: 'x1'\n"
      "        - Image|endswith: '\\b.exe'\n    condition: selection\n");
  EXPECT_TRUE(fires(r, MapRecord{{"Image", "c:\\a.exe"}, {"CommandLine", "a x1"}}));
  EXPECT_FALSE(fires(r, MapRecord{{"Image", "c:\\a.exe"}, {"CommandLine", "a"}}));
  EXPECT_TRUE(fires(r, MapRecord{{"Image", "c:\\b.exe"}}));
}

TEST(SigmaConditions, bad_conditions_are_diagnosed_with_their_place) {
  const Diagnostic d = failure(with_condition("sel_img and (sel_cli"));
  EXPECT_EQ(d.code, "sigma-condition");
  EXPECT_EQ(d.where.file, "bad.yml");
  EXPECT_EQ(d.where.line, 16U);  // the condition's line
  EXPECT_EQ(failure(with_condition("sel_img and nothing")).code, "sigma-condition");
  EXPECT_EQ(failure(with_condition("1 of nope_*")).code, "sigma-condition");
  EXPECT_EQ(failure(with_condition("selection | count() > 5")).code, "sigma-unsupported");
  EXPECT_EQ(failure(rule_yaml("    selection:\n        Image: x\n")).code, "sigma-invalid");
}

TEST(SigmaLoader, rule_fields_tags_and_route) {
  const std::string text =
      "title: Whoami\nid: 11111111-2222-3333-4444-555555555555\nstatus: Stable\n"
      "tags:\n    - attack.discovery\n    - attack.t1033\n    - attack.execution\n"
      "    - attack.t1059.001\n    - car.2016-03-001\n"
      "logsource:\n    category: process_creation\n    product: windows\n"
      "detection:\n    selection:\n        Image|endswith: '\\whoami.exe'\n"
      "    condition: selection\nlevel: critical\n";
  LoadResult r = load_text(text, "w.yml");
  ASSERT_EQ(r.rules.size(), 1U);
  const rules::Rule& rule = r.rules.front();
  EXPECT_EQ(rule.title, "Whoami");
  EXPECT_EQ(rule.id, "11111111-2222-3333-4444-555555555555");
  EXPECT_EQ(rule.status, "stable");
  EXPECT_EQ(rule.level, Level::kCritical);
  EXPECT_EQ(rule.route, "process_creation");
  EXPECT_EQ(rule.tactic, "discovery");  // the first tactic tag
  EXPECT_EQ(rule.techniques, (std::vector<std::string>{"T1033", "T1059.001"}));
  EXPECT_EQ(rule.tags.size(), 5U);
  EXPECT_EQ(rule.file, "w.yml");
  EXPECT_EQ(rule.line, 1U);
}

TEST(SigmaLoader, routes_by_logsource) {
  EXPECT_EQ(route_of("windows", "process_creation", ""), "process_creation");
  EXPECT_EQ(route_of("", "process_creation", ""), "process_creation");
  EXPECT_EQ(route_of("windows", "", "security"), "security");
  EXPECT_EQ(route_of("windows", "", "sysmon"), "microsoft-windows-sysmon/operational");
  EXPECT_EQ(route_of("windows", "", ""), "");
  EXPECT_EQ(route_of("windows", "network_connection", ""), "category:network_connection");
  EXPECT_EQ(route_of("linux", "process_creation", ""), "product:linux/process_creation/");
}

TEST(SigmaLoader, missing_or_bad_fields_are_diagnosed) {
  const std::string det = "detection:\n    sel:\n        Image: x\n    condition: sel\n";
  const std::string ls = "logsource:\n    category: process_creation\n";
  EXPECT_NE(failure(ls + det).message.find("title"), std::string::npos);
  EXPECT_NE(failure("title: t\n" + det).message.find("logsource"), std::string::npos);
  EXPECT_NE(failure("title: t\n" + ls).message.find("detection"), std::string::npos);
  EXPECT_NE(failure("title: t\nlevel: severe\n" + ls + det).message.find("level"),
            std::string::npos);
  EXPECT_EQ(failure("title: t\ntags: attack\n" + ls + det).code, "sigma-invalid");
  EXPECT_EQ(failure("- just\n- a list\n").code, "sigma-invalid");
  EXPECT_EQ(failure("title: t\n" + ls +
                    "detection:\n    sel:\n        Image:\n            a: b\n    condition: sel\n")
                .code,
            "sigma-invalid");
  EXPECT_EQ(failure("title: t\n" + ls + "detection:\n    sel: []\n    condition: sel\n").code,
            "sigma-invalid");
  // A rule without an id is known by its title.
  LoadResult r = load_text("title: No id\n" + ls + det);
  ASSERT_EQ(r.rules.size(), 1U);
  EXPECT_EQ(r.rules.front().id, "No id");
  EXPECT_EQ(r.rules.front().level, Level::kMedium);
}

TEST(SigmaLoader, filter_and_collection_documents_are_refused) {
  // An incomplete correlation is invalid (correlation_test.cpp has the rest).
  EXPECT_EQ(failure("title: c\ncorrelation:\n    type: event_count\n").code, "sigma-invalid");
  EXPECT_EQ(failure("title: f\nfilter:\n    rules: [x]\n").code, "sigma-unsupported");
  EXPECT_EQ(failure("action: global\ntitle: g\n").code, "sigma-unsupported");
}

TEST(SigmaLoader, multi_document_files_keep_good_rules_and_place_bad_ones) {
  const std::string good = rule_yaml("    sel:\n        Image: x\n    condition: sel\n");
  const std::string text =
      good + "---\n" + "title: [unclosed\n" + "---\n" + good + "---\n# only a comment\n";
  LoadResult r = load_text(text, "multi.yml");
  EXPECT_EQ(r.rules.size(), 2U);
  ASSERT_EQ(r.failed, 1U);
  ASSERT_EQ(r.diagnostics.size(), 2U);  // the YAML error, and the good rule's id twice
  EXPECT_EQ(r.diagnostics.back().code, "sigma-duplicate-id");
  const Diagnostic& d = r.diagnostics.front();
  EXPECT_EQ(d.code, "sigma-yaml");
  EXPECT_EQ(d.severity, DiagnosticSeverity::kError);
  EXPECT_EQ(d.where.file, "multi.yml");
  EXPECT_GE(d.where.line, 13U);  // in the second document, lines 13 and 14
  EXPECT_LE(d.where.line, 14U);
  EXPECT_EQ(r.rules[1].line, 15U);
}

TEST(SigmaLoader, hostile_yaml_is_diagnosed_not_crashed_on) {
  // Deep flow nesting.
  EXPECT_EQ(failure("title: " + std::string(100000, '[')).code, "sigma-limit");
  // Deep block nesting.
  std::string deep;
  for (int i = 0; i < 3000; ++i)
    deep += std::string(static_cast<std::size_t>(i % 400), ' ') + "a:\n";
  EXPECT_FALSE(load_text(deep).ok());
  // An alias bomb: each level doubles the tree.
  std::string bomb = "a0: &a0 [x, x]\n";
  for (int i = 1; i < 40; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) +
            ", *a" + std::to_string(i - 1) + "]\n";
  }
  EXPECT_EQ(failure(bomb + "title: t\n").code, "sigma-limit");
  // Aliases that refer to the node they are in.
  EXPECT_EQ(failure("a: &a [x, *a]\ntitle: t\n").code, "sigma-limit");
  EXPECT_EQ(failure("a: &a {b: *a}\ntitle: t\n").code, "sigma-limit");
  // Garbage bytes, tabs, unterminated quotes, a lone document marker.
  for (const std::string& junk :
       {std::string("\x01\x02\xff\xfe: :\n\t- ]"), std::string("title: 'open\n"),
        std::string("{a: b, c: [d, {e: f}]}"), std::string("---\n--- !!binary x\n"),
        std::string("? [a]\n: b\n"), std::string("*undefined_alias\n")}) {
    LoadResult r = load_text(junk);
    EXPECT_TRUE(r.rules.empty());
    for (const Diagnostic& d : r.diagnostics) EXPECT_FALSE(d.message.empty());
  }
  // Too many detections; a value too long.
  std::string many;
  for (std::size_t i = 0; i <= limits::kMaxSigmaDetections; ++i) {
    many += "    s" + std::to_string(i) + ":\n        Image: x\n";
  }
  EXPECT_EQ(failure(rule_yaml(many + "    condition: s0\n")).code, "sigma-limit");
  EXPECT_EQ(failure(rule_yaml("    s:\n        Image: '" +
                              std::string(limits::kMaxSigmaValueBytes + 1, 'a') +
                              "'\n    condition: s\n"))
                .code,
            "sigma-limit");
  // Too many documents.
  std::string docs;
  for (std::size_t i = 0; i <= limits::kMaxSigmaDocuments; ++i) docs += "title: x\n---\n";
  LoadResult r = load_text(docs);
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics.back().code, "sigma-limit");
}

TEST(SigmaLoader, directories_are_walked_for_yml_and_yaml) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cmdsentry_sigma_loader_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "sub" / "deeper");
  const std::string good = rule_yaml("    sel:\n        Image: x\n    condition: sel\n");
  std::ofstream(dir / "a.yml") << good;
  std::ofstream(dir / "sub" / "b.YAML") << good;
  std::ofstream(dir / "sub" / "deeper" / "c.yaml") << "title: broken\n";
  std::ofstream(dir / "sub" / "notes.txt") << "not a rule";
  std::ofstream(dir / "big.yml") << std::string(limits::kMaxSigmaFileBytes + 1, '#');
  LoadResult r = load_paths({dir, dir / "missing.yml"});
  EXPECT_EQ(r.rules.size(), 2U);
  EXPECT_EQ(r.files, 3U);
  ASSERT_EQ(r.failed, 3U);  // c.yaml, big.yml, missing.yml
  std::vector<std::string> codes;
  for (const Diagnostic& d : r.diagnostics) codes.push_back(d.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"sigma-unreadable", "sigma-limit", "sigma-invalid",
                                             "sigma-duplicate-id"}));
  // A file given by name is read whatever its extension.
  std::ofstream(dir / "rule.txt") << good;
  EXPECT_EQ(load_paths({dir / "rule.txt"}).rules.size(), 1U);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cmdsentry::sigma

namespace cmdsentry::sigma {

// Two rules with one id both load and run; the later one is warned about, naming the first.
TEST(SigmaLoader, a_duplicate_id_is_a_warning_naming_the_first_rule) {
  const std::string one =
      testkit::rule_yaml("    sel:\n        Image|endswith: '\\whoami.exe'\n    condition: sel\n");
  const LoadResult r = load_text(one + "---\n" + one, "dup.yml");
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.rules.size(), 2u);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const Diagnostic& d = r.diagnostics.front();
  EXPECT_EQ(d.code, "sigma-duplicate-id");
  EXPECT_EQ(d.severity, DiagnosticSeverity::kWarning);
  EXPECT_NE(d.message.find("dup.yml:1"), std::string::npos) << d.message;
  EXPECT_GT(d.where.line, 1u);
}

}  // namespace cmdsentry::sigma
