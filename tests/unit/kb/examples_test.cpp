// Every knowledge-base entry's own examples (docs/kb-format.md, `positive` / `negative`): each
// positive line must reach the entry (some command of the line matches its condition) and no
// command of a negative line may. An entry whose condition matches one of its negatives fails
// here, so a too-broad condition cannot ship.
#include <gtest/gtest.h>

#include <algorithm>

#include "cmdline/analyzer.h"
#include "kb/knowledge_base.h"

namespace cmdsentry::kb {
namespace {

const KnowledgeBase& shipped() {
  static const LoadedKnowledgeBase kb = load_knowledge_base();
  return kb.kb;
}

// True if some command of `line` matches `entry` (the entry is among its matches).
bool reaches(const Entry& entry, const std::string& line) {
  const cmdline::Analysis a = cmdline::analyze_command_line(line);
  return std::any_of(a.commands.begin(), a.commands.end(), [&](const auto& c) {
    const auto all = shipped().match_all(c);
    return std::find(all.begin(), all.end(), &entry) != all.end();
  });
}

TEST(KbExamples, every_positive_matches_and_no_negative_does) {
  std::size_t checked = 0;
  for (const Entry& e : shipped().entries()) {
    for (const std::string& line : e.positive) {
      EXPECT_TRUE(reaches(e, line)) << e.where.file << ":" << e.where.line << ": entry '" << e.name
                                    << "' misses its positive example: " << line;
      ++checked;
    }
    for (const std::string& line : e.negative) {
      EXPECT_FALSE(reaches(e, line)) << e.where.file << ":" << e.where.line << ": entry '" << e.name
                                     << "' matches its negative example: " << line;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0u);
}

// Every entry carries at least one positive example: a condition nobody has seen match
// anything is not known to work.
TEST(KbExamples, every_entry_has_a_positive_example) {
  for (const Entry& e : shipped().entries()) {
    EXPECT_FALSE(e.positive.empty())
        << e.where.file << ":" << e.where.line << ": entry '" << e.name << "' has no positive";
  }
}

// The check itself can fail: a user entry whose condition matches its own negative is caught.
TEST(KbExamples, a_broad_condition_is_caught_by_its_negative) {
  const EmbeddedFile user{"broad.yaml", R"(entries:
  - name: reg save broad
    phase: credential-access
    noise: low
    match: {programs: [reg], contains_any: ["\\system"]}
    positive: ['reg save HKLM\SYSTEM C:\t\s.hiv']
    negative: ['reg export "HKLM\SYSTEM\CurrentControlSet\Control\Winlogon\Notifications" n.reg']
    sources: [TEST]
)"};
  const EmbeddedFile files[] = {user};
  const LoadedKnowledgeBase loaded = load_knowledge_base_text(files);
  ASSERT_TRUE(loaded.ok());
  const Entry* e = loaded.kb.find("reg save broad");
  ASSERT_NE(e, nullptr);
  ASSERT_EQ(e->negative.size(), 1u);
  const cmdline::Analysis a = cmdline::analyze_command_line(e->negative[0]);
  ASSERT_FALSE(a.commands.empty());
  const auto all = loaded.kb.match_all(a.commands[0]);
  EXPECT_NE(std::find(all.begin(), all.end(), e), all.end());
}

}  // namespace
}  // namespace cmdsentry::kb
