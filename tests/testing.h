#pragma once
/// Helpers shared by the tests: paths to the project and to the optional third-party data set.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cmdsentry::testing {

/// The project's source tree.
inline std::filesystem::path source_dir() { return CMDSENTRY_SOURCE_DIR; }

/// ../shared/data, or an empty path when it is absent (a user's clone has no ../shared).
inline std::filesystem::path shared_data() {
  std::filesystem::path p = CMDSENTRY_SHARED_DATA;
  return std::filesystem::is_directory(p) ? p : std::filesystem::path{};
}

/// ../shared/reference, or empty when absent.
inline std::filesystem::path shared_reference() {
  std::filesystem::path p = CMDSENTRY_SHARED_REFERENCE;
  return std::filesystem::is_directory(p) ? p : std::filesystem::path{};
}

/// `s` with `\` and `"` escaped, for hand-written JSON lines in tests.
inline std::string json_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

/// Whole file as bytes ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Replaces every occurrence of `from` in `s`.
inline void replace_all(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
}

}  // namespace cmdsentry::testing

/// Skips the current test when ../shared/data is missing, saying so.
#define CMDSENTRY_REQUIRE_SHARED_DATA()                                                    \
  do {                                                                                     \
    if (::cmdsentry::testing::shared_data().empty()) {                                     \
      GTEST_SKIP() << "../shared/data is absent: this test needs the third-party log set"; \
    }                                                                                      \
  } while (0)
