// writable_lower is a one-pass scan of a path's folders; this checks it against the plain
// definition (substring searches, as docs/incidents.md states the rule) on hand-picked paths and
// on every path built from a set of folder names.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "correlate/ancestry.h"

namespace cmdsentry::correlate {
namespace {

bool has(std::string_view p, std::string_view s) { return p.find(s) != std::string_view::npos; }

/// The rule as docs/incidents.md states it, by substring search.
bool writable_by_definition(std::string_view p) {
  if (has(p, "\\appdata\\local\\programs\\") || has(p, "\\appdata\\local\\microsoft\\")) {
    return false;
  }
  for (std::string_view f :
       {"\\temp\\", "\\tmp\\", "\\downloads\\", "\\appdata\\", "\\users\\public\\",
        "\\$recycle.bin\\", "\\perflogs\\", "\\windows\\tasks\\"}) {
    if (has(p, f)) return true;
  }
  return has(p, "\\programdata\\") && !has(p, "\\programdata\\microsoft\\");
}

TEST(WritableLower, NamedCases) {
  EXPECT_TRUE(writable_lower("c:\\users\\bob\\appdata\\local\\temp\\x.exe"));
  EXPECT_TRUE(writable_lower("c:\\users\\public\\x.exe"));
  EXPECT_TRUE(writable_lower("c:\\windows\\tasks\\x.exe"));
  EXPECT_TRUE(writable_lower("c:\\programdata\\evil\\x.exe"));
  EXPECT_FALSE(writable_lower("c:\\programdata\\microsoft\\windows defender\\mpcmdrun.exe"));
  EXPECT_FALSE(writable_lower("c:\\users\\bob\\appdata\\local\\programs\\code\\code.exe"));
  EXPECT_FALSE(writable_lower("c:\\users\\bob\\appdata\\local\\microsoft\\teams\\teams.exe"));
  EXPECT_FALSE(writable_lower("c:\\windows\\system32\\cmd.exe"));
  EXPECT_FALSE(writable_lower("c:\\temp.exe"));
  EXPECT_FALSE(writable_lower("temp\\x.exe"));  // no backslash before the folder
  EXPECT_FALSE(writable_lower(""));
  EXPECT_TRUE(writable_lower("\\\\srv\\share\\temp\\x.exe"));
}

TEST(WritableLower, AgreesWithTheDefinitionOnEveryCombination) {
  const std::array<std::string_view, 14> parts = {
      "temp",  "tmp",    "downloads", "appdata", "local",       "programs", "microsoft",
      "users", "public", "windows",   "tasks",   "programdata", "",         "x.exe"};
  std::vector<std::string> paths = {""};
  std::size_t checked = 0;
  // Every sequence of up to 4 parts, each path tried with and without a leading drive and a
  // trailing backslash.
  for (int depth = 0; depth < 4; ++depth) {
    std::vector<std::string> next;
    for (const std::string& p : paths) {
      for (std::string_view part : parts) next.push_back(p + "\\" + std::string(part));
    }
    for (const std::string& p : next) {
      for (const std::string& q : {p, "c:" + p, p + "\\", "c:" + p + "\\x.exe"}) {
        ASSERT_EQ(writable_lower(q), writable_by_definition(q)) << q;
        ++checked;
      }
    }
    paths = std::move(next);
  }
  EXPECT_GT(checked, 100000u);
}

}  // namespace
}  // namespace cmdsentry::correlate
