// Records hidden inside an enlarged neighbour (DanderSpritz eventlogedit): found and reported,
// recovered with carve only, flagged carved and hidden; hostile variants stay bounded.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/limits.h"
#include "evtx/chunk.h"
#include "evtx_run.h"
#include "testing.h"

namespace cmdsentry::evtx {
namespace {

constexpr std::size_t kFileHeader = 4096;

/// A Security 4688 record laid out as Windows writes it (template instance, inline definition),
/// its CommandLine the one substitution value.
Bytes command_record(std::uint32_t offset, std::uint64_t id, const std::string& cmd) {
  auto body = [](testing::BinXmlBuilder& x) {
    x.open("Data", true).attr("Name", "CommandLine").close_start().subst(0, detail::kString).end();
  };
  return template_record(offset, id, body, {{detail::kString, testing::utf16(cmd)}});
}

/// Records with ids from `first_id`, commands "cmd<id>", each built for its chunk offset.
std::vector<Bytes> records(std::size_t n, std::uint64_t first_id = 1) {
  std::vector<Bytes> out;
  std::uint32_t off = 512;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t id = first_id + i;
    out.push_back(command_record(off, id, fmt::format("cmd{}", id)));
    off += static_cast<std::uint32_t>(out.back().size());
  }
  return out;
}

/// What eventlogedit does to delete record `k`: its bytes join record k-1, whose size (at the
/// start and in the trailing copy, written over k's own) grows by k's; later headers renumber.
void eventlogedit(std::vector<Bytes>& recs, std::size_t k) {
  Bytes& host = recs[k - 1];
  host.insert(host.end(), recs[k].begin(), recs[k].end());
  const auto size = static_cast<std::uint32_t>(host.size());
  testing::set32(host, 4, size);
  testing::set32(host, host.size() - 4, size);
  recs.erase(recs.begin() + static_cast<std::ptrdiff_t>(k));
  for (std::size_t i = k; i < recs.size(); ++i) {
    std::uint64_t id = 0;
    std::memcpy(&id, recs[i].data() + 8, 8);
    testing::set64(recs[i], 8, id - 1);
  }
}

Bytes file_of(const std::vector<Bytes>& recs) {
  return testing::make_file({testing::make_chunk(recs, 1)});
}

ReadOptions carving() {
  ReadOptions opt;
  opt.carve = true;
  return opt;
}

std::vector<const Diagnostic*> hidden_diags(const std::vector<Diagnostic>& diags) {
  std::vector<const Diagnostic*> out;
  for (const auto& d : diags) {
    if (d.message.find("hidden in the slack of record") != std::string::npos) out.push_back(&d);
  }
  return out;
}

TEST(EvtxHidden, deleted_record_is_found_with_carve_and_flagged_hidden) {
  std::vector<Bytes> recs = records(4);
  const std::size_t hidden_at = 512 + recs[0].size();
  eventlogedit(recs, 1);  // record 2 deleted; 3 and 4 now say 2 and 3
  const Bytes f = file_of(recs);

  const ReadRun plain = read_bytes(f);
  ASSERT_EQ(plain.events.size(), 3u);
  EXPECT_EQ(plain.stats.records_carved, 0u);
  for (const auto& e : plain.events) EXPECT_NE(*e.field("CommandLine"), "cmd2");
  auto diags = hidden_diags(plain.diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0]->chunk, 0);
  EXPECT_EQ(diags[0]->offset, kFileHeader + hidden_at);
  EXPECT_NE(diags[0]->file.find("cmdsentry_damage_"), std::string::npos);
  EXPECT_NE(diags[0]->message.find("record 2 "), std::string::npos) << diags[0]->message;
  EXPECT_NE(diags[0]->message.find("--carve recovers it"), std::string::npos);

  const ReadRun carved = read_bytes(f, carving());
  ASSERT_EQ(carved.events.size(), 4u);
  EXPECT_EQ(carved.stats.records_carved, 1u);
  EXPECT_EQ(carved.stats.records_hidden, 1u);
  const RawEvent& h = carved.events.back();  // after the live records
  EXPECT_EQ(*h.field("CommandLine"), "cmd2");
  EXPECT_TRUE(h.source.carved);
  EXPECT_TRUE(h.source.hidden);
  EXPECT_EQ(h.source.record_number, 2u);
  EXPECT_EQ(h.source.chunk, 0);
  EXPECT_EQ(h.source.offset, kFileHeader + hidden_at);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_FALSE(carved.events[i].source.carved);
  diags = hidden_diags(carved.diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0]->message.find("recovered as carved"), std::string::npos);
}

TEST(EvtxHidden, dump_marks_hidden_records_in_json_and_xml) {
  std::vector<Bytes> recs = records(3);
  eventlogedit(recs, 1);
  const Bytes f = file_of(recs);
  const auto path = write_temp(f);
  for (auto format : {RenderFormat::kJsonl, RenderFormat::kXml}) {
    for (bool carve : {false, true}) {
      DumpOptions opt;
      opt.format = format;
      opt.read.carve = carve;
      std::string text;
      const ReadStats s = dump_files(
          {path}, opt, [&](std::string_view t) { text += t; }, [](const Diagnostic&) {},
          [](const FileReport&) {});
      EXPECT_EQ(s.records, carve ? 3u : 2u);
      const bool json = format == RenderFormat::kJsonl;
      const std::string mark = json
                                   ? "\"record_id\":2,\"chunk\":0,\"carved\":true,\"hidden\":true}}"
                                   : "record_id='2' chunk='0' carved='true' hidden='true' -->";
      EXPECT_EQ(text.find(mark) != std::string::npos, carve) << text;
      EXPECT_EQ(text.find("cmd2") != std::string::npos, carve);
    }
  }
  std::filesystem::remove(path);
}

TEST(EvtxHidden, several_deleted_records_in_a_row_are_all_found) {
  std::vector<Bytes> recs = records(5);
  eventlogedit(recs, 1);  // record 2 joins 1
  eventlogedit(recs, 1);  // then record 3 (renumbered 2): 2's copy is 1's size before
  const ReadRun r = read_bytes(file_of(recs), carving());
  ASSERT_EQ(r.events.size(), 5u);
  EXPECT_EQ(r.stats.records_hidden, 2u);
  EXPECT_EQ(*r.events[3].field("CommandLine"), "cmd2");
  EXPECT_EQ(*r.events[4].field("CommandLine"), "cmd3");
}

TEST(EvtxHidden, record_hidden_in_a_hidden_record_is_found) {
  std::vector<Bytes> recs = records(4);
  eventlogedit(recs, 2);  // record 3 joins 2
  eventlogedit(recs, 1);  // record 2 (holding 3) joins 1
  const ReadRun r = read_bytes(file_of(recs), carving());
  ASSERT_EQ(r.events.size(), 4u);
  EXPECT_EQ(r.stats.records_hidden, 2u);
  std::vector<std::string> cmds;
  for (const auto& e : r.events) cmds.emplace_back(*e.field("CommandLine"));
  EXPECT_EQ(cmds, (std::vector<std::string>{"cmd1", "cmd4", "cmd2", "cmd3"}));
  EXPECT_EQ(hidden_diags(r.diags).size(), 2u);
}

TEST(EvtxHidden, nesting_deeper_than_the_cap_stops_at_the_cap) {
  const std::size_t n = limits::kMaxHiddenRecordDepth + 4;
  std::vector<Bytes> recs = records(n + 1);
  for (std::size_t k = n; k >= 1; --k) eventlogedit(recs, k);  // each joins the one before
  ASSERT_EQ(recs.size(), 1u);
  const ReadRun r = read_bytes(file_of(recs), carving());
  EXPECT_EQ(r.stats.records_hidden, static_cast<std::uint64_t>(limits::kMaxHiddenRecordDepth));
  EXPECT_EQ(r.events.size(), 1u + limits::kMaxHiddenRecordDepth);
}

/// A one-chunk file: record 1 enlarged by `slack` bytes (its copy moved to the end), then 2.
Bytes enlarged(const Bytes& slack) {
  std::vector<Bytes> recs = records(1);
  Bytes& host = recs[0];
  host.insert(host.end() - 4, slack.begin(), slack.end());
  testing::set32(host, 4, static_cast<std::uint32_t>(host.size()));
  testing::set32(host, host.size() - 4, static_cast<std::uint32_t>(host.size()));
  recs.push_back(command_record(static_cast<std::uint32_t>(512 + host.size()), 2, "cmd2"));
  return file_of(recs);
}

/// A record header in the slack: signature, size, id, time, a fragment header, zeros up to `fill`
/// bytes, a trailing copy of `copy`.
Bytes fake_header(std::uint32_t size, std::uint64_t id, std::uint32_t fill, std::uint32_t copy) {
  Bytes b;
  testing::put32(b, 0x00002A2A);
  testing::put32(b, size);
  testing::put64(b, id);
  testing::put64(b, 132000000000000000ULL);
  b.insert(b.end(), {0x0F, 0x01, 0x01, 0x00});
  b.resize(std::max<std::size_t>(b.size(), fill - 4), 0);
  testing::put32(b, copy);
  return b;
}

TEST(EvtxHidden, hostile_headers_in_slack_are_not_records) {
  const std::vector<std::pair<const char*, Bytes>> cases = {
      {"size below 28", fake_header(7, 2, 64, 7)},
      {"size past the host", fake_header(4000, 2, 64, 4000)},
      {"size past the chunk", fake_header(0xFFFFFFF0u, 2, 64, 0xFFFFFFF0u)},
      {"copy differs, not at the host's end", fake_header(40, 2, 64, 41)},
      {"id far from the host's", fake_header(60, 1u << 20, 60, 60)},
      {"id zero", fake_header(60, 0, 60, 60)},
  };
  for (const auto& [what, slack] : cases) {
    const Bytes f = enlarged(slack);
    for (bool carve : {false, true}) {
      ReadOptions opt;
      opt.carve = carve;
      const ReadRun r = read_bytes(f, opt);
      EXPECT_EQ(r.events.size(), 2u) << what;
      EXPECT_EQ(r.stats.records_hidden, 0u) << what;
      EXPECT_TRUE(hidden_diags(r.diags).empty()) << what;
    }
  }
  // A bare signature in the last bytes of the host: no room for a header, never read past it.
  Bytes tail(24, 0);
  tail.insert(tail.end(), {0x2A, 0x2A, 0x00, 0x00});
  EXPECT_EQ(read_bytes(enlarged(tail), carving()).events.size(), 2u);
  // A well-formed hidden header whose BinXml is garbage: indexed, then skipped by the decoder.
  const ReadRun bad = read_bytes(enlarged(fake_header(64, 2, 64, 64)), carving());
  EXPECT_EQ(bad.stats.records, 2u);
  EXPECT_EQ(bad.stats.records_skipped, 1u);
}

TEST(EvtxHidden, signatures_past_the_probe_cap_stop_the_search) {
  Bytes slack;
  const std::size_t signatures = limits::kMaxHiddenRecordProbes + 100;
  for (std::size_t i = 0; i < signatures; ++i) testing::put32(slack, 0x00002A2A);
  ASSERT_LT(slack.size(), 60000u);
  const ReadRun r = read_bytes(enlarged(slack), carving());
  EXPECT_EQ(r.events.size(), 2u);
  EXPECT_TRUE(any_diag(r, fmt::format("more than {} record signatures inside records",
                                      limits::kMaxHiddenRecordProbes)));
}

TEST(EvtxHidden, padding_of_normal_records_is_not_slack) {
  // Windows pads records to 8 bytes: up to 7 bytes after the BinXml are normal.
  std::vector<Bytes> placed;
  std::uint32_t off = 512;
  for (std::uint64_t id = 1; id <= 3; ++id) {
    Bytes r = command_record(off, id, fmt::format("cmd{}", id));
    r.insert(r.end() - 4, 7, 0);
    testing::set32(r, 4, static_cast<std::uint32_t>(r.size()));
    testing::set32(r, r.size() - 4, static_cast<std::uint32_t>(r.size()));
    off += static_cast<std::uint32_t>(r.size());
    placed.push_back(std::move(r));
  }
  const ReadRun r = read_bytes(file_of(placed), carving());
  EXPECT_EQ(r.events.size(), 3u);
  EXPECT_TRUE(r.diags.empty()) << r.diags.front().message;
}

TEST(EvtxHidden, tampered_security_log_holds_one_hidden_record) {
  CMDSENTRY_REQUIRE_SHARED_DATA();
  // MANIFEST.md: records deleted by DanderSpritz eventlogedit (fox-it/danderspritz-evtx's
  // examples/post-Security.evtx). evtx_dump reads 126 records; the deleted one, 105 before the
  // renumbering, sits in record 104 (1640 bytes, 680 of them its own) in chunk 1.
  const auto path =
      testing::shared_data() / "evtx/damaged/omerbenamram_evtx/samples/post-Security.evtx";
  for (bool carve : {false, true}) {
    ReadOptions opt;
    opt.carve = carve;
    std::vector<RawEvent> events;
    std::vector<Diagnostic> diags;
    auto res = read_events(
        path, opt, [&](RawEvent&& e) { events.push_back(std::move(e)); },
        [&](const Diagnostic& d) { diags.push_back(d); });
    ASSERT_TRUE(res);
    EXPECT_EQ(res->records, carve ? 127u : 126u);
    EXPECT_EQ(res->records_hidden, carve ? 1u : 0u);
    const auto found = hidden_diags(diags);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]->file, path.string());
    EXPECT_EQ(found[0]->chunk, 1);
    EXPECT_EQ(found[0]->offset, kFileHeader + 65536 + 0x1230);
    EXPECT_NE(found[0]->message.find("record 105 (960 bytes) hidden in the slack of record 104 "
                                     "(1640 bytes)"),
              std::string::npos)
        << found[0]->message;
    const auto hidden = std::count_if(events.begin(), events.end(),
                                      [](const RawEvent& e) { return e.source.hidden; });
    EXPECT_EQ(hidden, carve ? 1 : 0);
  }
}

}  // namespace
}  // namespace cmdsentry::evtx
