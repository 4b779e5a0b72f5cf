// Second, independent reference: libevtx's evtxexport (Debian libevtx-utils). For every EVTX
// file of the shared data set that evtxexport reads to the end (exit status 0), the records we
// decode must be the same records, in the same order, with the same EventRecordID, EventID,
// Channel and Computer. Files evtxexport fails on are the ones our other reference test
// (evtx_dump) covers; the MANIFEST lists them.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <string>
#include <vector>

#include "evtx/reader.h"
#include "testing.h"

extern char** environ;

namespace cmdsentry::evtx {
namespace {

namespace fs = std::filesystem;

/// Runs argv, returns (exit status, stdout).
std::pair<int, std::string> run(const std::vector<std::string>& args) {
  int out[2];
  if (pipe(out) != 0) return {-1, {}};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  const int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  std::string text;
  if (rc == 0) {
    char buf[1 << 16];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof(buf))) > 0) text.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  if (rc != 0) return {-1, {}};
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

struct Key {
  std::string record_id, event_id, channel, computer;
  bool operator==(const Key&) const = default;
};

std::vector<Key> parse_evtxexport(const std::string& xml) {
  static const std::regex kRec("<EventRecordID>([0-9]+)</EventRecordID>");
  static const std::regex kEid("<EventID[^>]*>([0-9]+)</EventID>");
  static const std::regex kChan("<Channel>([^<]*)</Channel>|<Channel/>");
  static const std::regex kComp("<Computer>([^<]*)</Computer>|<Computer/>");
  std::vector<Key> keys;
  std::size_t pos = 0;
  while (true) {
    const std::size_t start = xml.find("<Event xmlns", pos);
    if (start == std::string::npos) break;
    std::size_t end = xml.find("</Event>", start);
    if (end == std::string::npos) end = xml.size();
    const std::string ev = xml.substr(start, end - start);
    std::smatch m;
    Key k;
    if (std::regex_search(ev, m, kRec)) k.record_id = m[1];
    if (std::regex_search(ev, m, kEid)) k.event_id = m[1];
    if (std::regex_search(ev, m, kChan)) k.channel = m[1];
    if (std::regex_search(ev, m, kComp)) k.computer = m[1];
    keys.push_back(k);
    pos = end;
  }
  return keys;
}

/// libevtx writes XML special characters in text as entities.
std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

TEST(EvtxLibevtx, records_match_evtxexport_where_it_reads_the_whole_file) {
  CMDSENTRY_REQUIRE_SHARED_DATA();
  if (run({"evtxexport", "-h"}).first < 0)
    GTEST_SKIP() << "evtxexport (libevtx-utils) not installed";
  std::size_t files = 0, records = 0, skipped_by_libevtx = 0, extra = 0;
  for (const auto& e : fs::recursive_directory_iterator(testing::shared_data() / "evtx")) {
    if (!e.is_regular_file() || e.path().extension() != ".evtx") continue;
    const auto [status, xml] = run({"evtxexport", "-f", "xml", e.path().string()});
    if (status != 0) {
      ++skipped_by_libevtx;
      continue;
    }
    const std::vector<Key> want = parse_evtxexport(xml);
    std::vector<Key> got;
    auto res = read_events(
        e.path(), {},
        [&](RawEvent&& ev) {
          got.push_back({std::to_string(ev.record_id), std::to_string(ev.event_id),
                         xml_escape(std::string(ev.channel())),
                         xml_escape(std::string(ev.computer()))});
        },
        [](const Diagnostic&) {});
    ASSERT_TRUE(res.has_value()) << e.path();
    ++files;
    records += want.size();
    // libevtx's records must all be ours, in order. We may recover more in damaged files (a
    // truncated last chunk that libevtx drops, for instance), never elsewhere.
    std::size_t j = 0;
    for (std::size_t i = 0; i < got.size() && j < want.size(); ++i) {
      if (got[i] == want[j]) ++j;
    }
    EXPECT_EQ(j, want.size()) << e.path() << ": libevtx record #" << j << " ("
                              << (j < want.size()
                                      ? want[j].record_id + "/" + want[j].event_id + "/" +
                                            want[j].channel + "/" + want[j].computer
                                      : "")
                              << ") not found in order in ours";
    const bool damaged = e.path().string().find("/evtx/damaged/") != std::string::npos;
    if (!damaged) EXPECT_EQ(got.size(), want.size()) << e.path();
    extra += got.size() - std::min(got.size(), want.size());
  }
  std::printf(
      "evtxexport read %zu files whole (%zu records, all found identical in ours; we "
      "recover %zu more in damaged files); it failed on %zu files\n",
      files, records, extra, skipped_by_libevtx);
  EXPECT_GT(files, 350u);
}

}  // namespace
}  // namespace cmdsentry::evtx
