// EVTX vs its JSON rendering: the same executions must come out of an EVTX file read by the
// native decoder and of the evtx_dump JSONL rendering of that file. Skipped until the decoder is
// built (evtx::read_events answers kUnsupported) or when ../shared/data is absent.
#include <gtest/gtest.h>

#include <filesystem>

#include "events/event_json.h"
#include "events/pipeline.h"
#include "evtx/reader.h"
#include "testing.h"

namespace cmdsentry::events {
namespace {

namespace fs = std::filesystem;

std::string normalized(const std::string& path) {
  auto r = run_pipeline({path}, PipelineOptions{}, [](const sources::SourceDiagnostic&) {});
  std::string out;
  for (const Event& e : r.events) append_jsonl(out, e, JsonOptions{.sources = false});
  return out;
}

// True when the decoder is built and extracts EventData fields (probe: a Security log with 4688s).
bool decoder_available(const fs::path& any_evtx) {
  bool has_fields = false;
  auto r = evtx::read_events(any_evtx, evtx::ReadOptions{},
                             [&](RawEvent&& e) { has_fields = has_fields || (e.event_id == 4688 && e.field_count() > 0); },
                             [](const evtx::Diagnostic&) {});
  return r.has_value() && has_fields;
}

}  // namespace

TEST(EvtxRoundTrip, evtx_and_evtx_dump_rendering_give_identical_executions) {
  CMDSENTRY_REQUIRE_SHARED_DATA();
  const fs::path data = testing::shared_data();
  const fs::path rendered = data / "expected-evtx_dump";
  const fs::path probe = data / "evtx" / "Velocidex_evtx" / "testdata" / "Security.evtx";
  if (!decoder_available(probe)) {
    GTEST_SKIP() << "EVTX decoder missing or delivers RawEvents without EventData fields";
  }
  std::uint64_t files = 0, same = 0;
  std::string differing;
  for (const auto& e : fs::recursive_directory_iterator(data / "evtx")) {
    if (!e.is_regular_file() || e.path().extension() != ".evtx") continue;
    const fs::path json = rendered / (fs::relative(e.path(), data / "evtx").string() + ".jsonl.gz");
    if (!fs::exists(json)) continue;
    ++files;
    if (normalized(e.path().string()) == normalized(json.string())) {
      ++same;
    } else {
      differing += e.path().string() + "\n";
    }
  }
  std::cout << "EVTX round trip: " << same << " of " << files << " files identical\n";
  EXPECT_EQ(same, files) << differing;
}

}  // namespace cmdsentry::events
