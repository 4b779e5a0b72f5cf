// Damaged and hostile input: the reader reports what it skips, keeps the rest, never crashes.
#include <gtest/gtest.h>

#include <fstream>

#include "chunk_builder.h"
#include "core/limits.h"
#include "evtx/reader.h"
#include "testing.h"

namespace cmdsentry::evtx {
namespace {

using testing::Bytes;

struct ReadRun {
  std::vector<RawEvent> events;
  std::vector<Diagnostic> diags;
  ReadStats stats;
  bool opened = false;
};

ReadRun read_bytes(const Bytes& file, ReadOptions opt = {}) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("cmdsentry_damage_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                     "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".evtx");
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(file.data()),
                                              static_cast<std::streamsize>(file.size()));
  ReadRun run;
  auto res = read_events(
      path, opt, [&](RawEvent&& e) { run.events.push_back(std::move(e)); },
      [&](const Diagnostic& d) { run.diags.push_back(d); });
  run.opened = res.has_value();
  if (res) run.stats = *res;
  std::filesystem::remove(path);
  return run;
}

bool any_diag(const ReadRun& r, std::string_view needle) {
  for (const auto& d : r.diags) {
    if (d.message.find(needle) != std::string::npos) return true;
  }
  return false;
}

Bytes chunk_of(int n, std::uint64_t first_id) {
  std::vector<Bytes> recs;
  std::uint32_t off = 512;
  for (int i = 0; i < n; ++i) {
    recs.push_back(testing::simple_record(off, first_id + i, i % 2 ? 4688 : 1,
                                          i % 2 ? "Security" : "Microsoft-Windows-Sysmon/Operational",
                                          "cmd.exe /c whoami"));
    off += static_cast<std::uint32_t>(recs.back().size());
  }
  return testing::make_chunk(recs, first_id);
}

TEST(EvtxDamage, clean_built_file_reads_every_record) {
  const ReadRun r = read_bytes(testing::make_file({chunk_of(10, 1), chunk_of(5, 11)}));
  ASSERT_TRUE(r.opened);
  EXPECT_EQ(r.events.size(), 15u);
  EXPECT_TRUE(r.diags.empty()) << r.diags.front().message;
  EXPECT_EQ(r.events[3].event_id, 4688u);
  EXPECT_EQ(r.events[3].channel(), "Security");
  ASSERT_TRUE(r.events[3].field("CommandLine").has_value());
  EXPECT_EQ(*r.events[3].field("CommandLine"), "cmd.exe /c whoami");
  EXPECT_EQ(r.events[14].record_id, 15u);
}

TEST(EvtxDamage, filter_skips_records_by_event_id) {
  ReadOptions opt;
  opt.filter.event_ids = {4688};
  const ReadRun r = read_bytes(testing::make_file({chunk_of(10, 1)}), opt);
  EXPECT_EQ(r.events.size(), 5u);
  EXPECT_EQ(r.stats.records_filtered, 5u);
  opt.filter = {};
  opt.filter.channels = {"security"};
  EXPECT_EQ(read_bytes(testing::make_file({chunk_of(10, 1)}), opt).events.size(), 5u);
}

TEST(EvtxDamage, data_crc_mismatch_is_reported_and_decoded) {
  Bytes f = testing::make_file({chunk_of(4, 1)});
  f[4096 + 511] ^= 0xFF;  // inside the chunk header's unused part: header CRC breaks
  f[f.size() - 1] ^= 0xFF;  // slack: no effect
  const ReadRun r = read_bytes(f);
  EXPECT_EQ(r.events.size(), 4u);
  EXPECT_TRUE(any_diag(r, "header CRC"));
  EXPECT_EQ(r.stats.chunks_crc_mismatch, 1u);
}

TEST(EvtxDamage, bad_chunk_magic_skips_only_that_chunk) {
  Bytes f = testing::make_file({chunk_of(3, 1), chunk_of(3, 4), chunk_of(3, 7)});
  std::memset(f.data() + 4096 + 65536, 'X', 8);
  const ReadRun r = read_bytes(f);
  EXPECT_EQ(r.events.size(), 6u);
  EXPECT_EQ(r.stats.chunks_bad, 1u);
  ASSERT_TRUE(any_diag(r, "ElfChnk"));
  for (const auto& d : r.diags) {
    if (d.message.find("ElfChnk") != std::string::npos) EXPECT_EQ(d.chunk, 1);
  }
}

TEST(EvtxDamage, broken_record_size_resynchronises_on_the_next_record) {
  Bytes f = testing::make_file({chunk_of(6, 1)});
  // Second record: corrupt its size so the walk must scan forward.
  const std::uint32_t first_size = *reinterpret_cast<std::uint32_t*>(f.data() + 4096 + 512 + 4);
  const std::size_t second = 4096 + 512 + first_size;
  testing::set32(f, second + 4, 7);
  const ReadRun r = read_bytes(f);
  EXPECT_EQ(r.events.size(), 5u);
  EXPECT_TRUE(any_diag(r, "resynchronised"));
}

TEST(EvtxDamage, truncated_file_keeps_whole_records) {
  Bytes f = testing::make_file({chunk_of(6, 1), chunk_of(6, 7)});
  f.resize(4096 + 65536 + 600);  // second chunk cut after its first record
  const ReadRun r = read_bytes(f);
  EXPECT_GE(r.events.size(), 6u);
  EXPECT_TRUE(any_diag(r, "truncated"));
}

TEST(EvtxDamage, not_an_evtx_file_is_an_error) {
  Bytes junk(5000, 'A');
  EXPECT_FALSE(read_bytes(junk).opened);
  EXPECT_FALSE(read_bytes(Bytes{}).opened);
}

TEST(EvtxDamage, random_bytes_after_a_valid_header_never_crash) {
  Bytes f = testing::make_file({});
  std::uint32_t x = 12345;
  for (int i = 0; i < 3 * 65536; ++i) {
    x = x * 1103515245 + 12345;
    f.push_back(static_cast<std::uint8_t>(x >> 16));
  }
  std::memcpy(f.data() + 4096, "ElfChnk", 8);  // a chunk signature over garbage
  const ReadRun r = read_bytes(f);
  EXPECT_TRUE(r.opened);
  EXPECT_FALSE(r.diags.empty());
}

TEST(EvtxDamage, element_nesting_cap_rejects_the_record_only) {
  // A record nesting elements one deeper than the cap, then a normal record.
  testing::BinXmlBuilder x(512 + 24);
  x.fragment_header();
  for (int i = 0; i <= limits::kMaxElementDepth + 1; ++i) x.open("E").close_start();
  for (int i = 0; i <= limits::kMaxElementDepth + 1; ++i) x.end();
  x.eof();
  Bytes deep = testing::make_record(1, x.bytes());
  Bytes ok = testing::simple_record(512 + static_cast<std::uint32_t>(deep.size()), 2, 4688,
                                    "Security", "ver");
  const ReadRun r = read_bytes(testing::make_file({testing::make_chunk({deep, ok}, 1)}));
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].record_id, 2u);
  EXPECT_EQ(r.stats.records_skipped, 1u);
  EXPECT_TRUE(any_diag(r, "nested too deeply"));
}

TEST(EvtxDamage, real_file_with_flipped_bytes_never_crashes) {
  CMDSENTRY_REQUIRE_SHARED_DATA();
  const auto src = testing::shared_data() / "evtx/omerbenamram_evtx/samples/security.evtx";
  std::ifstream in(src, std::ios::binary);
  Bytes f((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(f.size(), 100000u);
  const std::size_t clean = read_bytes(f).events.size();
  std::uint32_t x = 99;
  for (int round = 0; round < 20; ++round) {
    Bytes g = f;
    for (int i = 0; i < 200; ++i) {
      x = x * 1664525 + 1013904223;
      g[4096 + x % (g.size() - 4096)] ^= static_cast<std::uint8_t>(x >> 24);
    }
    const ReadRun r = read_bytes(g);
    EXPECT_TRUE(r.opened);
    EXPECT_LE(r.events.size(), clean + 100);
  }
}

}  // namespace
}  // namespace cmdsentry::evtx
