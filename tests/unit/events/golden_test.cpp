// Golden files: tests/golden/{sources,events}/<case>/ hold hand-written input files and
//   expected.jsonl        the normalized events (`cmdsentry events --all`), file paths relative
//   expected-diagnostics.txt   one "file:line: message" per warning (absent = none expected)
// Set CMDSENTRY_UPDATE_GOLDEN=1 to rewrite the expected files (then review the diff).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine_support.h"
#include "events/event_json.h"
#include "testing.h"

namespace cmdsentry::events {
namespace {

namespace fs = std::filesystem;

using testing::replace_all;
using testing::slurp;

std::vector<fs::path> cases() {
  std::vector<fs::path> out;
  for (const char* group : {"sources", "events"}) {
    const fs::path dir = testing::source_dir() / "tests" / "golden" / group;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_directory()) out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

class Golden : public ::testing::TestWithParam<fs::path> {};

TEST_P(Golden, matches_expected) {
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
  std::string diagnostics;
  auto result = testing::collect_events(inputs, true, [&](const Diagnostic& d) {
    diagnostics += d.where.file + ":" + std::to_string(d.where.line) + ": " + d.message + "\n";
  });
  std::string got;
  for (const Event& e : result.events) append_jsonl(got, e);
  const std::string prefix = dir.string() + "/";
  std::string escaped_prefix = prefix;
  replace_all(escaped_prefix, "\\", "\\\\");
  replace_all(got, escaped_prefix, "");
  replace_all(diagnostics, prefix, "");

  const fs::path expected = dir / "expected.jsonl";
  const fs::path expected_diag = dir / "expected-diagnostics.txt";
  if (std::getenv("CMDSENTRY_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expected, std::ios::binary) << got;
    if (!diagnostics.empty()) std::ofstream(expected_diag, std::ios::binary) << diagnostics;
    GTEST_SKIP() << "rewrote " << expected;
  }
  EXPECT_EQ(got, slurp(expected)) << dir;
  EXPECT_EQ(diagnostics, fs::exists(expected_diag) ? slurp(expected_diag) : "") << dir;
}

INSTANTIATE_TEST_SUITE_P(Cases, Golden, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string n = info.param.parent_path().filename().string() + "_" +
                                           info.param.filename().string();
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

}  // namespace cmdsentry::events
