#pragma once
/// Helpers shared by the tests: paths to the project and to the optional third-party data set.

#include <filesystem>
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

}  // namespace cmdsentry::testing

/// Skips the current test when ../shared/data is missing, saying so.
#define CMDSENTRY_REQUIRE_SHARED_DATA()                                                       \
  do {                                                                                        \
    if (::cmdsentry::testing::shared_data().empty()) {                                        \
      GTEST_SKIP() << "../shared/data is absent: this test needs the third-party log set";    \
    }                                                                                         \
  } while (0)
