// Knowledge-base YAML: good files, bad files with their diagnostics, caps.
#include "kb/reader.h"

#include <gtest/gtest.h>

#include "core/limits.h"

namespace cmdsentry::kb {
namespace {

bool has(const ReadResult& r, DiagCode code, int line = 0) {
  for (const auto& d : r.diagnostics) {
    if (d.code == code && (line == 0 || d.where.line == line)) return true;
  }
  return false;
}

TEST(KbReader, reads_a_good_entry) {
  const ReadResult r = read_kb(R"(
entries:
  - name: Net View
    phase: discovery
    techniques: [T1018, T1135]
    noise: low
    study: true
    match:
      - {programs: [NET, net1], subcommand: "view", flags_any: [-domain]}
    typical_args: ["/domain"]
    sources: [JP15]
)",
                               "t.yaml");
  ASSERT_TRUE(r.ok()) << r.diagnostics[0].describe();
  ASSERT_EQ(r.entries.size(), 1u);
  const Entry& e = r.entries[0];
  EXPECT_EQ(e.name, "net view");
  EXPECT_EQ(e.tactic, "discovery");  // defaults to the phase when it is a tactic
  EXPECT_EQ(e.noise, Noise::kLow);
  EXPECT_TRUE(e.study);
  ASSERT_EQ(e.match.size(), 1u);
  EXPECT_EQ(e.match[0].programs, (std::vector<std::string>{"net", "net1"}));
  EXPECT_EQ(e.match[0].flags_any, (std::vector<std::string>{"/domain"}));
  EXPECT_EQ(e.where.file, "t.yaml");
  EXPECT_EQ(e.where.line, 3);
}

TEST(KbReader, syntax_error_has_file_line_column) {
  const ReadResult r = read_kb("entries:\n  - name: x\n    match: {programs: [a\n", "bad.yaml");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, DiagCode::kSyntax);
  EXPECT_EQ(r.diagnostics[0].where.file, "bad.yaml");
  EXPECT_GT(r.diagnostics[0].where.line, 0);
  EXPECT_NE(r.diagnostics[0].describe().find("bad.yaml:"), std::string::npos);
  // As the engine's diagnostic: same place, a code, the severity.
  const Diagnostic& kd = r.diagnostics[0];
  const cmdsentry::Diagnostic d = kd.to_diagnostic();
  EXPECT_EQ(d.severity, DiagnosticSeverity::kError);
  EXPECT_EQ(d.code, "syntax");
  EXPECT_EQ(d.where.file, "bad.yaml");
  EXPECT_EQ(d.where.line, static_cast<std::uint64_t>(kd.where.line));
  EXPECT_EQ(d.where.column, static_cast<std::uint64_t>(kd.where.column));
  EXPECT_NE(render_json(d).find("\"file\":\"bad.yaml\""), std::string::npos) << render_json(d);
}

TEST(KbReader, one_bad_entry_does_not_block_the_others) {
  const ReadResult r = read_kb(R"(entries:
  - name: good
    phase: recon
    match: {programs: [whoami]}
    sources: [X]
  - name: bad-phase
    phase: lunch
    match: {programs: [x]}
    sources: [X]
  - name: bad-technique
    phase: recon
    techniques: [T12]
    match: {programs: [x]}
    sources: [X]
  - name: no-match
    phase: recon
    sources: [X]
  - phase: recon
    match: {programs: [x]}
    sources: [X]
  - name: no-sources
    phase: recon
    match: {programs: [x]}
  - name: bad-noise
    phase: recon
    noise: loud
    match: {programs: [x]}
    sources: [X]
  - name: match-without-programs
    phase: recon
    match: {subcommand: x}
    sources: [X]
  - name: list-expected
    phase: recon
    match: {programs: {a: b}}
    sources: [X]
  - just a string
)",
                               "mixed.yaml");
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].name, "good");
  EXPECT_TRUE(has(r, DiagCode::kBadValue, 7));   // phase: lunch
  EXPECT_TRUE(has(r, DiagCode::kBadValue, 12));  // T12
  EXPECT_TRUE(has(r, DiagCode::kMissingField, 15));
  EXPECT_TRUE(has(r, DiagCode::kMissingField, 18));  // no name
  EXPECT_TRUE(has(r, DiagCode::kMissingField, 21));  // no sources
  EXPECT_TRUE(has(r, DiagCode::kBadValue, 26));      // noise
  EXPECT_TRUE(has(r, DiagCode::kMissingField, 31));  // match without programs
  EXPECT_TRUE(has(r, DiagCode::kBadStructure, 35));
  EXPECT_TRUE(has(r, DiagCode::kBadStructure, 37));
  for (const auto& d : r.diagnostics) {
    EXPECT_EQ(d.where.file, "mixed.yaml");
    EXPECT_GT(d.where.column, 0);
  }
}

TEST(KbReader, warnings_keep_the_entry) {
  const ReadResult r = read_kb(R"(entries:
  - name: a
    phase: recon
    colour: blue
    match: {programs: [x], flagz: [y]}
    sources: [X]
  - name: a
    phase: discovery
    match: {programs: [x]}
    sources: [X]
)",
                               "w.yaml");
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].phase, "discovery");  // later duplicate wins
  EXPECT_TRUE(has(r, DiagCode::kUnknownField, 4));
  EXPECT_TRUE(has(r, DiagCode::kUnknownField, 5));
  EXPECT_TRUE(has(r, DiagCode::kDuplicateName, 7));
}

TEST(KbReader, wrong_top_level_shapes) {
  EXPECT_TRUE(has(read_kb("", "e.yaml"), DiagCode::kMissingField));
  EXPECT_TRUE(has(read_kb("- a\n- b\n", "e.yaml"), DiagCode::kMissingField));
  EXPECT_TRUE(has(read_kb("entries: 3\n", "e.yaml"), DiagCode::kMissingField));
  EXPECT_TRUE(has(read_kb("entries: [*x]\n", "e.yaml"), DiagCode::kSyntax));
}

TEST(KbReader, caps_file_size_and_entry_count) {
  const std::string big(limits::kMaxKbFileBytes + 1, '#');
  EXPECT_TRUE(has(read_kb(big, "big.yaml"), DiagCode::kTooLarge));
  std::string many = "entries:\n";
  for (std::size_t i = 0; i <= limits::kMaxKbEntries; ++i) many += "  - {}\n";
  const ReadResult r = read_kb(many, "many.yaml");
  EXPECT_TRUE(has(r, DiagCode::kTooLarge));
  EXPECT_TRUE(r.entries.empty());
}

TEST(KbReader, unreadable_file_is_a_diagnostic) {
  const ReadResult r = read_kb_file("/nonexistent/cmdsentry/rules.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics[0].code, DiagCode::kIo);
}

TEST(KbReader, value_checks) {
  EXPECT_TRUE(is_valid_technique("T1003"));
  EXPECT_TRUE(is_valid_technique("T1003.001"));
  EXPECT_FALSE(is_valid_technique("T1003.1"));
  EXPECT_FALSE(is_valid_technique("t1003"));
  EXPECT_TRUE(is_valid_phase("spread"));
  EXPECT_TRUE(is_valid_phase("credential-access"));
  EXPECT_FALSE(is_valid_tactic("spread"));
}

}  // namespace
}  // namespace cmdsentry::kb
