// Every SigmaHQ process-creation rule of ../shared/reference/sigma-process-creation loads (they
// are read in place, never copied into the repository), and they compile into one RuleSet.
#include <gtest/gtest.h>

#include <set>

#include "sigma/detector.h"
#include "sigma/loader.h"
#include "testing.h"

namespace cmdsentry::sigma {
namespace {

std::filesystem::path reference_rules() {
  const auto ref = cmdsentry::testing::shared_reference();
  if (ref.empty()) return {};
  const auto dir = ref / "sigma-process-creation";
  return std::filesystem::is_directory(dir) ? dir : std::filesystem::path{};
}

TEST(SigmaReference, every_process_creation_rule_loads) {
  const auto dir = reference_rules();
  if (dir.empty()) {
    GTEST_SKIP() << "../shared/reference/sigma-process-creation is absent: this test needs the "
                    "SigmaHQ rule set";
  }
  // Rules that may fail, each with the reason (none so far).
  const std::set<std::string> excused;
  const LoadResult r = load_paths({dir});
  EXPECT_GT(r.files, 1000U);
  for (const Diagnostic& d : r.diagnostics) {
    const std::string name = std::filesystem::path(d.where.file).filename().string();
    EXPECT_TRUE(excused.count(name) != 0) << render_text(d);
  }
  EXPECT_EQ(r.rules.size() + r.failed, r.files);
  for (const rules::Rule& rule : r.rules) {
    EXPECT_EQ(rule.route, "process_creation") << rule.file;
    EXPECT_FALSE(rule.conditions.empty()) << rule.file;
  }
  auto d = SigmaDetector::create(r.rules);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ((*d)->active() + (*d)->filtered(), r.rules.size());
  RecordProperty("loaded", static_cast<int>(r.rules.size()));
}

}  // namespace
}  // namespace cmdsentry::sigma
