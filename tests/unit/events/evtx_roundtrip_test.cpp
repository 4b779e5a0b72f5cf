// EVTX vs its JSON rendering: the same executions, with the same record ids (EventRecordID), must
// come out of an EVTX file read by the native decoder and of the evtx_dump JSONL rendering of
// that file. Skipped only when ../shared/data is absent; with the data present, comparing no
// file or no record is a failure (a moved folder or a reader that yields nothing must not pass).
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <string>

#include "engine_support.h"
#include "events/event_json.h"
#include "testing.h"

namespace cmdsentry::events {
namespace {

namespace fs = std::filesystem;

/// One line per execution: its normalized JSON without sources, then the EventRecordID of each
/// record behind it. `records` counts the record ids written.
std::string normalized(const std::string& path, std::uint64_t& records) {
  auto r = testing::collect_events(std::vector<std::string>{path});
  std::string out;
  for (const Event& e : r.events) {
    append_jsonl(out, e, JsonOptions{.sources = false});
    const auto* p = std::get_if<ProcessEvent>(&e);
    if (p == nullptr) continue;
    out += "  records:";
    for (const auto& raw : p->evidence) {
      out += ' ';
      out += std::to_string(raw->source.record_id);
      ++records;
    }
    out += '\n';
  }
  return out;
}

}  // namespace

TEST(EvtxRoundTrip, evtx_and_evtx_dump_rendering_give_identical_executions_and_record_ids) {
  CMDSENTRY_REQUIRE_SHARED_DATA();
  const fs::path data = testing::shared_data();
  const fs::path rendered = data / "expected-evtx_dump";
  ASSERT_TRUE(fs::is_directory(data / "evtx")) << data << " has no evtx/ folder";
  std::uint64_t files = 0, same = 0, records = 0;
  std::string differing;
  for (const auto& e : fs::recursive_directory_iterator(data / "evtx")) {
    if (!e.is_regular_file() || e.path().extension() != ".evtx") continue;
    const fs::path json = rendered / (fs::relative(e.path(), data / "evtx").string() + ".jsonl.gz");
    if (!fs::exists(json)) continue;
    ++files;
    std::uint64_t from_evtx = 0, from_json = 0;
    const bool identical =
        normalized(e.path().string(), from_evtx) == normalized(json.string(), from_json);
    records += from_evtx;
    if (identical) {
      ++same;
    } else {
      differing += e.path().string() + "\n";
    }
  }
  std::cout << "EVTX round trip: " << same << " of " << files << " files identical, " << records
            << " record ids compared\n";
  EXPECT_GT(files, 0u) << "no EVTX file under " << data / "evtx"
                       << " has a rendering in " << rendered;
  EXPECT_GT(records, 0u) << "no execution came out of any file: nothing was compared";
  EXPECT_EQ(same, files) << differing;
}

}  // namespace cmdsentry::events
