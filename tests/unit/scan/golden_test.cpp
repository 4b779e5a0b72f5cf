// Golden files: tests/golden/scan/<case>/ holds hand-written input logs (JSONL, XML...) and
//   expected.jsonl         the findings (`cmdsentry scan --format jsonl`), paths relative
//   expected-summary.json  the summary (`--summary-format json`)
// Set CMDSENTRY_UPDATE_GOLDEN=1 to rewrite the expected files (then review the diff).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kb/knowledge_base.h"
#include "report/jsonl_writer.h"
#include "report/summary_writer.h"
#include "scan/scanner.h"
#include "scan/summary.h"
#include "testing.h"

namespace cmdsentry::scan {
namespace {

namespace fs = std::filesystem;

using testing::replace_all;
using testing::slurp;

std::vector<fs::path> cases() {
  std::vector<fs::path> out;
  const fs::path dir = testing::source_dir() / "tests" / "golden" / "scan";
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

const kb::KnowledgeBase& default_kb() {
  static const kb::LoadedKnowledgeBase kLoaded = kb::load_knowledge_base();
  return kLoaded.kb;
}

}  // namespace

class ScanGolden : public ::testing::TestWithParam<fs::path> {};

TEST_P(ScanGolden, matches_expected) {
  const fs::path dir = GetParam();
  std::vector<std::string> inputs;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && !name.starts_with("expected") && name != "README.md") {
      inputs.push_back(e.path().string());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  ASSERT_FALSE(inputs.empty()) << dir;
  ScanResult result = scan_inputs(inputs, default_kb(), {}, [&](const Diagnostic& d) {
    ADD_FAILURE() << d.where.file << ":" << d.where.line << ": " << d.message;
  });
  std::string got;
  for (const Finding& f : result.findings) report::append_finding_json(got, f);
  std::string summary;
  report::append_summary_json(summary, summarize(result.findings));
  std::string prefix = dir.string() + "/";
  replace_all(prefix, "\\", "\\\\");
  replace_all(got, prefix, "");

  const fs::path expected = dir / "expected.jsonl";
  const fs::path expected_summary = dir / "expected-summary.json";
  if (std::getenv("CMDSENTRY_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expected, std::ios::binary) << got;
    std::ofstream(expected_summary, std::ios::binary) << summary;
    GTEST_SKIP() << "rewrote " << expected;
  }
  EXPECT_EQ(got, slurp(expected)) << dir;
  EXPECT_EQ(summary, slurp(expected_summary)) << dir;
}

INSTANTIATE_TEST_SUITE_P(Cases, ScanGolden, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string n = info.param.filename().string();
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

}  // namespace cmdsentry::scan
