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

ProcessEvent process(std::uint64_t time, std::uint32_t pid, std::uint32_t ppid,
                     std::string_view image, std::string_view parent, bool guid) {
  ProcessEvent e;
  e.time = time;
  e.pid = pid;
  e.parent_pid = ppid;
  e.set_image(image);
  e.set_parent_image(parent);
  e.set_command_line(image);
  if (guid)
    e.set_process_guid("{11111111-2222-3333-4444-" + std::to_string(100000000000 + pid) + "}");
  return e;
}

TEST(ProcessTable, PathsAreStoredOnceAndFreedWithTheirProcesses) {
  ProcessTable t;
  const std::uint64_t t0 = 133'000'000'000'000'000ULL;
  const std::array<std::string_view, 3> images = {"C:\\Windows\\System32\\svchost.exe",
                                                  "C:\\Windows\\System32\\cmd.exe",
                                                  "C:\\Program Files\\App\\app.exe"};
  for (std::uint32_t i = 0; i < 3000; ++i) {
    (void)t.add_process(process(t0 + i * kTick, 1000 + i, 4, images[i % 3],
                                "C:\\Windows\\explorer.exe", i % 2 == 0),
                        "ws01");
  }
  EXPECT_EQ(t.path_count(), 4u);  // three images and the parent
  EXPECT_GT(t.size(), 3000u);     // GUID and PID entries
  // Two days later everything before has expired: only the new process's two paths are left.
  const AncestryInfo info = t.add_process(
      process(t0 + 2 * kProcessRetention, 9, 1000, "C:\\Temp\\x.exe", "C:\\Temp\\y.exe", false),
      "ws01");
  EXPECT_EQ(t.path_count(), 2u);
  EXPECT_EQ(t.size(), 1u);
  // The parent PID 1000 expired: its image comes from the event itself.
  ASSERT_FALSE(info.paths.empty());
  EXPECT_EQ(info.paths[0], "c:\\temp\\y.exe");
}

TEST(ProcessTable, AncestorsAreFoundThroughGuidAndPidEntries) {
  ProcessTable t;
  const std::uint64_t t0 = 133'000'000'000'000'000ULL;
  (void)t.add_process(process(t0, 100, 4, "C:\\Windows\\System32\\services.exe", "", true), "ws01");
  (void)t.add_process(process(t0 + kTick, 200, 100, "C:\\Windows\\System32\\cmd.exe",
                              "C:\\Windows\\System32\\services.exe", true),
                      "ws01");
  // A child naming its parent by PID only (Security 4688) still sees the grandparent.
  const AncestryInfo info = t.add_process(
      process(t0 + 2 * kTick, 300, 200, "C:\\Windows\\System32\\whoami.exe", "", false), "ws01");
  ASSERT_EQ(info.chain.size(), 2u);
  EXPECT_EQ(info.chain[0], "cmd.exe");
  EXPECT_EQ(info.chain[1], "services.exe");
  EXPECT_NE(info.kinds & kKindRemoteService, 0);
}

}  // namespace
}  // namespace cmdsentry::correlate
