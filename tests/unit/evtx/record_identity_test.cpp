// Record identity: an EVTX event's record_id is its System/EventRecordID, the id Event Viewer,
// evtx_dump, Hayabusa and Chainsaw show and the one its JSON or XML exports carry. The record
// header's number is only a position (SourceRef::record_number, with chunk and offset): a log
// saved from a filtered view renumbers its headers from 1 and keeps each event's EventRecordID.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "chunk_builder.h"
#include "engine_support.h"
#include "events/event_json.h"
#include "events/merge.h"
#include "events/normalize.h"
#include "evtx/binxml.h"
#include "sources/source.h"
#include "testing.h"

namespace cmdsentry::evtx {
namespace {

using testing::Bytes;

constexpr const char* kTime = "2021-04-26T08:25:31.043685Z";
constexpr std::uint64_t kFirstChunk = 4096;  // file offset of chunk 0
constexpr std::uint64_t kChunkBytes = 65536;

Bytes u64(std::uint64_t v) {
  Bytes b;
  testing::put64(b, v);
  return b;
}

/// <Event><System><EventID>4688</EventID><TimeCreated SystemTime=.../>: EventRecordID is next.
void open_system(testing::BinXmlBuilder& x) {
  x.open("Event").close_start().open("System").close_start().leaf("EventID", "4688");
  x.open("TimeCreated", true).attr("SystemTime", kTime).close_empty();
}

/// Channel and Computer, the end of System, then a whoami 4688's EventData with NewProcessId
/// `pid`, and the end of Event.
void close_system_with_data(testing::BinXmlBuilder& x, const std::string& pid) {
  x.leaf("Channel", "Security").leaf("Computer", "WS01.corp.example").end();
  x.open("EventData").close_start();
  x.open("Data", true).attr("Name", "NewProcessId").close_start().text(pid).end();
  x.open("Data", true).attr("Name", "NewProcessName").close_start();
  x.text("C:\\Windows\\System32\\whoami.exe").end();
  x.open("Data", true).attr("Name", "CommandLine").close_start().text("whoami /all").end();
  x.end().end();
}

/// A record with header number `number` at chunk offset `offset`, written as Windows does: a
/// template whose EventRecordID is substitution 0 of `type` (kNull with no bytes: a NULL value).
Bytes substituted_record(std::uint32_t offset, std::uint64_t number, std::uint8_t type,
                         const Bytes& value, const std::string& pid) {
  testing::BinXmlBuilder x(offset + 24);
  x.fragment_header().template_begin(static_cast<std::uint32_t>(number)).fragment_header();
  open_system(x);
  x.open("EventRecordID").close_start().subst(0, type).end();
  close_system_with_data(x, pid);
  x.eof().template_values({{type, value}});
  return testing::make_record(number, x.bytes());
}

/// The same event as bare BinXml with EventRecordID as text `record_id` (left out when empty).
Bytes literal_record(std::uint32_t offset, std::uint64_t number, const std::string& record_id,
                     const std::string& pid) {
  testing::BinXmlBuilder x(offset + 24);
  x.fragment_header();
  open_system(x);
  if (!record_id.empty()) x.leaf("EventRecordID", record_id);
  close_system_with_data(x, pid);
  x.eof();
  return testing::make_record(number, x.bytes());
}

/// Records laid out one after the other from chunk offset 512: `make(offset)` builds each.
using RecordAt = std::function<Bytes(std::uint32_t offset)>;
Bytes chunk_of(const std::vector<RecordAt>& records, std::uint64_t first_number) {
  std::vector<Bytes> built;
  std::uint32_t offset = 512;
  for (const RecordAt& make : records) {
    built.push_back(make(offset));
    offset += static_cast<std::uint32_t>(built.back().size());
  }
  return testing::make_chunk(built, first_number);
}

std::string as_text(const Bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

std::vector<RawEvent> read_raw(const std::string& name, const std::string& data) {
  std::vector<RawEvent> out;
  sources::SourceSink sink;
  sink.on_event = [&](RawEvent&& e) { out.push_back(std::move(e)); };
  sink.on_diagnostic = [](const sources::SourceDiagnostic& d) { ADD_FAILURE() << d.message; };
  (void)sources::read_buffer(name, data, {}, sink);
  return out;
}

/// A log saved from a filtered view: headers numbered 1, 2 (chunk 0) and 3 (chunk 1), events
/// 463010, 463011, 463012 (the second's EventRecordID is text, the others are substituted).
Bytes filtered_log() {
  return testing::make_file(
      {chunk_of({[](std::uint32_t at) {
                   return substituted_record(at, 1, detail::kUInt64, u64(463010), "0x1001");
                 },
                 [](std::uint32_t at) { return literal_record(at, 2, "463011", "0x1002"); }},
                1),
       chunk_of({[](std::uint32_t at) {
                  return substituted_record(at, 3, detail::kUInt64, u64(463012), "0x1003");
                }},
                3)});
}

/// The first record of filtered_log() as evtx_dump renders it (a JSON export of the same log).
constexpr const char* kFirstAsEvtxDump =
    R"({"Event":{"System":{"EventID":4688,"TimeCreated":{"#attributes":{"SystemTime":")"
    R"(2021-04-26T08:25:31.043685Z"}},"EventRecordID":463010,"Channel":"Security",)"
    R"("Computer":"WS01.corp.example"},"EventData":{"NewProcessId":"0x1001",)"
    R"("NewProcessName":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami /all"}}})"
    "\n";

}  // namespace

TEST(EvtxRecordIdentity, record_id_is_event_record_id_and_the_header_number_a_position) {
  const Bytes file = filtered_log();
  const std::vector<RawEvent> events = read_raw("filtered.evtx", as_text(file));
  ASSERT_EQ(events.size(), 3u);
  const std::uint64_t second_at =
      512 + substituted_record(512, 1, detail::kUInt64, u64(463010), "0x1001").size();
  struct Want {
    std::uint64_t record_id, number;
    std::int32_t chunk;
    std::uint64_t offset;
  };
  const Want want[] = {{463010, 1, 0, kFirstChunk + 512},
                       {463011, 2, 0, kFirstChunk + second_at},
                       {463012, 3, 1, kFirstChunk + kChunkBytes + 512}};
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const RawEvent& e = events[i];
    EXPECT_EQ(e.record_id, want[i].record_id);
    EXPECT_EQ(e.source.record_id, want[i].record_id);
    EXPECT_EQ(e.source.record_number, want[i].number);
    EXPECT_EQ(e.source.chunk, want[i].chunk);
    EXPECT_EQ(e.source.offset, want[i].offset);
    EXPECT_TRUE(e.source.has_evtx_position());
    EXPECT_EQ(e.source.line, 0u);
  }
}

TEST(EvtxRecordIdentity, header_number_stands_in_when_event_record_id_is_absent_or_not_a_number) {
  const Bytes file = testing::make_file({chunk_of(
      {[](std::uint32_t at) { return literal_record(at, 11, "", "0x1011"); },
       [](std::uint32_t at) { return literal_record(at, 12, "n/a", "0x1012"); },
       [](std::uint32_t at) { return substituted_record(at, 13, detail::kNull, {}, "0x1013"); },
       [](std::uint32_t at) {
         return substituted_record(at, 14, detail::kUInt64, u64(0), "0x1014");
       }},
      11)});
  const std::vector<RawEvent> events = read_raw("fallback.evtx", as_text(file));
  ASSERT_EQ(events.size(), 4u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(events[i].record_id, 11 + i);
    EXPECT_EQ(events[i].source.record_id, 11 + i);
    EXPECT_EQ(events[i].source.record_number, 11 + i);
  }
}

TEST(EvtxRecordIdentity, text_sources_carry_no_evtx_position) {
  const std::vector<RawEvent> events = read_raw("export.jsonl", kFirstAsEvtxDump);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].source.record_id, 463010u);
  EXPECT_FALSE(events[0].source.has_evtx_position());
  EXPECT_EQ(events[0].source.record_number, 0u);
  EXPECT_EQ(events[0].source.line, 1u);
}

TEST(EvtxRecordIdentity, events_json_sources_show_the_id_and_the_position) {
  const Bytes file = filtered_log();
  const std::string text = as_text(file);
  auto r = testing::collect_events(std::vector<BufferInput>{{"filtered.evtx", text}}, false,
                                   [](const Diagnostic& d) { ADD_FAILURE() << d.message; });
  ASSERT_EQ(r.events.size(), 3u);
  std::string json;
  events::append_jsonl(json, r.events[0]);
  EXPECT_NE(json.find(R"("sources":[{"file":"filtered.evtx","record_id":463010,"record_number":1,)"
                      R"("chunk":0,"offset":4608}])"),
            std::string::npos)
      << json;
}

TEST(EvtxRecordIdentity, an_evtx_record_and_its_json_export_are_one_copy) {
  // The exact-copy merge keys on (host, channel, event id, record id, time): the EventRecordID
  // is what the EVTX record and its export share; the header number (1) is not in the export.
  events::EventMerger merger;
  for (RawEvent& raw : read_raw("filtered.evtx", as_text(filtered_log()))) {
    if (raw.record_id == 463010) merger.add(events::normalize(std::move(raw)));
  }
  for (RawEvent& raw : read_raw("export.jsonl", kFirstAsEvtxDump)) {
    merger.add(events::normalize(std::move(raw)));
  }
  events::MergeStats stats;
  const std::vector<Event> out = merger.finish(&stats);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(stats.copies_merged, 1u);
  EXPECT_EQ(stats.same_process_merged, 0u);
  const auto& p = std::get<ProcessEvent>(out[0]);
  ASSERT_EQ(p.evidence.size(), 2u);
  EXPECT_EQ(p.evidence[0]->source.record_id, 463010u);
  EXPECT_EQ(p.evidence[0]->source.record_number, 1u);
  EXPECT_EQ(p.evidence[1]->source.record_id, 463010u);
  EXPECT_EQ(p.evidence[1]->source.line, 1u);
}

// The WMIexec log of EVTX-to-MITRE-Attack was saved from a filtered view: headers 1..97,
// EventRecordIDs 462989..463085 (MANIFEST.md; evtx_dump shows the latter).
TEST(EvtxRecordIdentity, wmiexec_log_saved_from_a_filtered_view_reads_event_record_ids) {
  CMDSENTRY_REQUIRE_SHARED_DATA();
  const std::string rel =
      "mdecrevoisier_EVTX-to-MITRE-Attack/EVTX_full_APT_attack_steps/"
      "ID4688,5140,5145-WMIexec execution via SMB (GLOBAL).evtx";
  const std::filesystem::path evtx = testing::shared_data() / "evtx" / rel;
  const std::filesystem::path dump =
      testing::shared_data() / "expected-evtx_dump" / (rel + ".jsonl.gz");
  ASSERT_TRUE(std::filesystem::exists(evtx)) << evtx;
  ASSERT_TRUE(std::filesystem::exists(dump)) << dump;
  const auto read = [](const std::filesystem::path& p) {
    std::vector<RawEvent> out;
    sources::SourceSink sink;
    sink.on_event = [&](RawEvent&& e) { out.push_back(std::move(e)); };
    sink.on_diagnostic = [](const sources::SourceDiagnostic&) {};
    (void)sources::read_paths({p.string()}, {}, sink);
    return out;
  };
  const std::vector<RawEvent> ours = read(evtx);
  const std::vector<RawEvent> theirs = read(dump);
  ASSERT_EQ(ours.size(), 97u);
  ASSERT_EQ(theirs.size(), ours.size());
  std::size_t differing = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(ours[i].source.record_id, theirs[i].source.record_id);
    EXPECT_EQ(ours[i].source.record_number, i + 1);
    differing += ours[i].source.record_id != ours[i].source.record_number;
    if (ours[i].source.record_number == 22) {
      EXPECT_EQ(ours[i].record_id, 463010u);
      EXPECT_EQ(ours[i].source.record_id, 463010u);
      EXPECT_EQ(ours[i].event_id, 4688u);
    }
  }
  EXPECT_EQ(differing, ours.size());
}

}  // namespace cmdsentry::evtx
