// Every file of ../shared/data (skipped when absent):
//  * the evtx_dump JSONL rendering of each EVTX file yields as many 4688 and Sysmon 1 records
//    as evtx-inventory.csv counts for that file;
//  * each OTRF Security-Datasets zip yields the inventory's 4688 and Sysmon 1 counts;
//  * once the EVTX decoder is built, the EVTX file and its JSON rendering normalize to the same
//    executions (evtx_roundtrip_test in tests/unit/events).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "events/normalize.h"
#include "sources/fields.h"
#include "sources/source.h"
#include "testing.h"

namespace cmdsentry::sources {
namespace {

namespace fs = std::filesystem;

struct Counts {
  std::uint64_t security_4688 = 0;
  std::uint64_t sysmon_1 = 0;
  bool operator==(const Counts&) const = default;
};

// file (relative to shared data, e.g. "evtx/x/y.evtx") -> counts from evtx-inventory.csv.
std::map<std::string, Counts> load_inventory(const fs::path& data) {
  std::map<std::string, Counts> out;
  std::ifstream in(data / "evtx-inventory.csv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    // file,channel,event_id,count (the file may contain commas: split from the right)
    const std::size_t c3 = line.rfind(',');
    const std::size_t c2 = line.rfind(',', c3 - 1);
    const std::size_t c1 = line.rfind(',', c2 - 1);
    if (c1 == std::string::npos) continue;
    std::string file = line.substr(0, c1);
    if (file.size() >= 2 && file.front() == '"' && file.back() == '"') {
      file = file.substr(1, file.size() - 2);  // CSV quoting (names with commas)
      for (std::size_t q = file.find("\"\""); q != std::string::npos;
           q = file.find("\"\"", q + 1)) {
        file.erase(q, 1);
      }
    }
    const std::string channel = line.substr(c1 + 1, c2 - c1 - 1);
    const std::uint64_t id = std::stoull(line.substr(c2 + 1, c3 - c2 - 1));
    const std::uint64_t n = std::stoull(line.substr(c3 + 1));
    Counts& c = out[file];
    if (id == 4688 && iequals(channel, "Security")) c.security_4688 += n;
    if (id == 1 && channel.find("ysmon") != std::string::npos) c.sysmon_1 += n;
  }
  return out;
}

Counts count_executions(const std::string& path, SourceStats* stats_out = nullptr) {
  Counts c;
  SourceSink sink;
  sink.on_event = [&](RawEvent&& e) {
    if (!events::is_execution(e)) return;
    (e.event_id == 4688 ? c.security_4688 : c.sysmon_1)++;
  };
  SourceOptions o;
  o.event_ids = {1, 4688};
  SourceStats s = read_paths({path}, o, sink);
  if (stats_out != nullptr) *stats_out = s;
  return c;
}

}  // namespace

TEST(RealData, evtx_dump_renderings_match_inventory_counts) {
  CMDSENTRY_REQUIRE_SHARED_DATA();
  const fs::path data = testing::shared_data();
  const auto inventory = load_inventory(data);
  const fs::path root = data / "expected-evtx_dump";
  std::uint64_t files = 0, equal = 0, total_4688 = 0, total_s1 = 0, skipped = 0;
  std::ostringstream differences;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string p = entry.path().string();
    if (!entry.is_regular_file() || !p.ends_with(".jsonl.gz")) continue;
    ++files;
    SourceStats stats;
    const Counts got = count_executions(p, &stats);
    skipped += stats.skipped;
    total_4688 += got.security_4688;
    total_s1 += got.sysmon_1;
    std::string rel = "evtx/" + fs::relative(entry.path(), root).string();
    rel.resize(rel.size() - 9);  // ".jsonl.gz"
    const auto it = inventory.find(rel);
    const Counts want = it == inventory.end() ? Counts{} : it->second;
    if (got == want) {
      ++equal;
    } else {
      differences << rel << ": 4688 " << got.security_4688 << " vs " << want.security_4688
                  << ", sysmon1 " << got.sysmon_1 << " vs " << want.sysmon_1 << "\n";
    }
  }
  RecordProperty("files", std::to_string(files));
  std::cout << "evtx_dump renderings: " << files << " files, " << equal
            << " with inventory counts, 4688=" << total_4688 << " sysmon1=" << total_s1
            << ", malformed lines=" << skipped << "\n"
            << differences.str();
  EXPECT_EQ(skipped, 0u);
  EXPECT_EQ(equal, files) << differences.str();
}

TEST(RealData, security_datasets_zips_match_inventory_counts) {
  CMDSENTRY_REQUIRE_SHARED_DATA();
  const fs::path data = testing::shared_data();
  const auto inventory = load_inventory(data);
  const fs::path root = data / "evtx" / "OTRF_Security-Datasets";
  std::uint64_t zips = 0, equal = 0;
  std::ostringstream differences;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string p = entry.path().string();
    if (!entry.is_regular_file() || !p.ends_with(".zip")) continue;
    ++zips;
    SourceStats stats;
    const Counts got = count_executions(p, &stats);
    const std::string rel = fs::relative(entry.path(), data).string();
    const auto it = inventory.find(rel);
    const Counts want = it == inventory.end() ? Counts{} : it->second;
    if (got == want) {
      ++equal;
    } else {
      differences << rel << ": 4688 " << got.security_4688 << " vs " << want.security_4688
                  << ", sysmon1 " << got.sysmon_1 << " vs " << want.sysmon_1 << " (malformed "
                  << stats.skipped << ")\n";
    }
  }
  std::cout << "Security-Datasets: " << zips << " zips, " << equal << " with inventory counts\n"
            << differences.str();
  EXPECT_GT(zips, 0u);
  EXPECT_EQ(equal, zips) << differences.str();
}

}  // namespace cmdsentry::sources
