// Damaged and hostile input: the reader reports what it skips, keeps the rest, never crashes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "core/limits.h"
#include "evtx/crc32.h"
#include "evtx_run.h"
#include "testing.h"

namespace cmdsentry::evtx {
namespace {

Bytes chunk_of(int n, std::uint64_t first_id) {
  std::vector<Bytes> recs;
  std::uint32_t off = 512;
  for (int i = 0; i < n; ++i) {
    recs.push_back(testing::simple_record(
        off, first_id + i, i % 2 ? 4688 : 1,
        i % 2 ? "Security" : "Microsoft-Windows-Sysmon/Operational", "cmd.exe /c whoami"));
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
  f[4096 + 511] ^= 0xFF;    // inside the chunk header's unused part: header CRC breaks
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

TEST(EvtxDamage, file_shrinking_while_read_ends_with_a_clear_warning) {
  // A live log rotated under the reader: 20 chunks (two batches of work), cut to its first
  // chunk once the first event arrives. The second batch must not touch the lost pages (a
  // mapping past the end of file faults): it reads nothing and says why.
  std::vector<Bytes> chunks;
  for (std::uint64_t c = 0; c < 20; ++c) chunks.push_back(chunk_of(3, 1 + 3 * c));
  const auto path = write_temp(testing::make_file(chunks));
  ReadOptions opt;
  opt.threads = 1;  // batches in order: the cut happens between the two
  std::size_t events = 0;
  std::vector<Diagnostic> diags;
  auto res = read_events(
      path, opt,
      [&](RawEvent&&) {
        if (events++ == 0) std::filesystem::resize_file(path, 4096 + 65536);
      },
      [&](const Diagnostic& d) { diags.push_back(d); });
  std::filesystem::remove(path);
  ASSERT_TRUE(res);
  EXPECT_EQ(events, 16u * 3);  // the first batch was decoded whole before the cut
  const auto it = std::find_if(diags.begin(), diags.end(), [](const Diagnostic& d) {
    return d.message.find("shrank while it was read") != std::string::npos;
  });
  ASSERT_NE(it, diags.end());
  EXPECT_NE(it->message.find(
                fmt::format("({} bytes at the start, {} now)", 4096 + 20 * 65536, 4096 + 65536)),
            std::string::npos)
      << it->message;
}

TEST(EvtxDamage, file_cut_while_batches_are_decoded_never_faults) {
  // Two workers decode batches while the consumer takes the first one's events and cuts the file
  // to one chunk: pages of a batch being decoded can vanish under its mapping (a cut between
  // batches is the test above). Such a batch reads zeros instead of faulting and is decoded again
  // from what is left. Where the cut lands is up to the scheduler: a few rounds.
  std::vector<Bytes> chunks;
  for (std::uint64_t c = 0; c < 64; ++c) chunks.push_back(chunk_of(3, 1 + 3 * c));
  const Bytes file = testing::make_file(chunks);
  for (int round = 0; round < 8; ++round) {
    const auto path = write_temp(file);
    ReadOptions opt;
    opt.threads = 2;
    opt.lean = true;  // batches of 2 chunks, one in flight per worker
    std::size_t events = 0;
    std::vector<Diagnostic> diags;
    auto res = read_events(
        path, opt,
        [&](RawEvent&& e) {
          if (events++ == 0) std::filesystem::resize_file(path, 4096 + 65536);
          EXPECT_FALSE(e.channel().empty());  // never a record decoded from zeros
        },
        [&](const Diagnostic& d) { diags.push_back(d); });
    std::filesystem::remove(path);
    ASSERT_TRUE(res);
    EXPECT_LT(events, 64u * 3);
    EXPECT_EQ(events % 3, 0u);  // whole chunks only
    EXPECT_TRUE(std::any_of(diags.begin(), diags.end(), [](const Diagnostic& d) {
      return d.message.find("shrank while it was read") != std::string::npos;
    }));
  }
}

TEST(EvtxDamage, file_shorter_than_its_header_promises_is_warned_with_both_counts) {
  Bytes f = testing::make_file({chunk_of(6, 1), chunk_of(6, 7), chunk_of(6, 13)});
  testing::set64(f, 24, 19);  // next record number: records 1..18 were written
  testing::set32(f, 124, crc32(std::span(f.data(), 120)));
  const ReadRun whole = read_bytes(f);
  EXPECT_TRUE(whole.diags.empty()) << whole.diags.front().message;
  EXPECT_EQ(whole.stats.chunks_missing, 0u);

  f.resize(4096 + 65536 + 600);  // a copy cut short inside the second chunk
  const ReadRun r = read_bytes(f);
  ASSERT_GE(r.events.size(), 6u);
  const auto it = std::find_if(r.diags.begin(), r.diags.end(), [](const Diagnostic& d) {
    return d.chunk == -1 && d.message.starts_with("promises ");
  });
  ASSERT_NE(it, r.diags.end());
  EXPECT_EQ(it->chunk, -1);
  EXPECT_NE(it->file.find("cmdsentry_damage_"), std::string::npos);
  EXPECT_EQ(it->message, fmt::format("promises 3 chunks and records up to number 18, found 2 "
                                     "chunks and records up to number {}: the file is truncated "
                                     "or chunks are lost",
                                     r.events.back().record_id));
  EXPECT_EQ(r.stats.chunks_missing, 1u);
}

TEST(EvtxDamage, truncated_real_file_names_promised_and_found_counts) {
  CMDSENTRY_REQUIRE_SHARED_DATA();
  // 200000 bytes of a log whose header says 96 chunks (MANIFEST.md: "truncated file").
  const auto path =
      testing::shared_data() / "evtx/damaged/log2timeline_plaso/test_data/evtx/System2.evtx";
  std::vector<Diagnostic> diags;
  auto res = read_events(
      path, {}, [](RawEvent&&) {}, [&](const Diagnostic& d) { diags.push_back(d); });
  ASSERT_TRUE(res);
  EXPECT_EQ(res->chunks_missing, 93u);
  const auto it = std::find_if(diags.begin(), diags.end(), [](const Diagnostic& d) {
    return d.chunk == -1 && d.message.starts_with("promises ");
  });
  ASSERT_NE(it, diags.end());
  EXPECT_EQ(it->file, path.string());
  EXPECT_EQ(it->message,
            "promises 96 chunks and records up to number 10548, found 3 chunks and "
            "records up to number 283: the file is truncated or chunks are lost");
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
  EXPECT_EQ(r.stats.records_over_limit, 1u);  // a cap, not damage
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

// ---- Render caps: array values repeat elements, so output is not bounded by the input --------

TEST(EvtxRenderCap, record_over_the_byte_cap_is_skipped_and_its_neighbours_kept) {
  // <Item>14500 literal characters, then item i</Item>, written once per item of 7500: the
  // unbounded renderers wrote 7500 x 14.5 KB, over 100 MB, for each of JSON, XML and RawEvent
  // fields (where only 4096 fields were kept, but all 7500 were built).
  constexpr std::size_t kItems = 7500, kLiteral = 14500;
  static_assert(kItems * kLiteral > 100'000'000);
  const auto body = [&](testing::BinXmlBuilder& x) {
    x.open("Item").close_start().text(std::string(kLiteral, 'L')).subst(0, kStringArray).end();
  };
  const Bytes file = sandwich([&](std::uint32_t at) {
    return template_record(at, 2, body, {{kStringArray, x_items(kItems)}});
  });
  const std::string message =
      fmt::format("record renders into more than {} MiB", limits::kMaxRenderedRecordBytes >> 20);
  for (RenderFormat format : {RenderFormat::kJsonl, RenderFormat::kXml}) {
    const DumpRun r = dump_bytes(file, format);
    expect_middle_skipped(r.diags, r.stats, message);
    EXPECT_NE(r.text.find("before"), std::string::npos);
    EXPECT_NE(r.text.find("after"), std::string::npos);
    EXPECT_LT(r.text.size(), 4096u);  // the partial rendering was discarded
  }
  const ReadRun r = read_bytes(file);
  expect_middle_skipped(r.diags, r.stats, message);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].record_id, 1u);
  EXPECT_EQ(r.events[1].record_id, 3u);
  EXPECT_EQ(*r.events[1].field("CommandLine"), "after");
}

TEST(EvtxRenderCap, joined_array_in_a_repeated_element_hits_the_node_cap) {
  // <Item A='%0'>%0</Item>: one Item per item of 15000, each holding all 15000 joined in its
  // attribute, i.e. 15000 x 30 KB = 450 MB of JSON or XML before the cap. Joined items count
  // as nodes, so the node cap stops it after a few repetitions.
  constexpr std::size_t kItems = 15000;
  static_assert(kItems * 2 * kItems > 100'000'000);
  const auto body = [](testing::BinXmlBuilder& x) {
    x.open("Item", true)
        .attr_subst("A", 0, kStringArray)
        .close_start()
        .subst(0, kStringArray)
        .end();
  };
  const Bytes file = sandwich([&](std::uint32_t at) {
    return template_record(at, 2, body, {{kStringArray, x_items(kItems)}});
  });
  const std::string message = fmt::format("record expands into more than {} template nodes",
                                          limits::kMaxRenderedRecordNodes);
  for (RenderFormat format : {RenderFormat::kJsonl, RenderFormat::kXml}) {
    const DumpRun r = dump_bytes(file, format);
    expect_middle_skipped(r.diags, r.stats, message);
    EXPECT_LT(r.text.size(), 4096u);
  }
  // RawEvent fields hold no attributes: one field per item, up to kMaxEventFields.
  const ReadRun r = read_bytes(file);
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_TRUE(r.diags.empty());
  EXPECT_EQ(r.events[1].field_count(), limits::kMaxEventFields);
}

/// <Item>%0%1</Item> in EventData: %0 `items` strings, so Item is written once per item, and %1
/// a BinXml value holding <Wide> with `width` character references, walked again each time.
Bytes repeated_nested_record(std::uint32_t offset, std::uint64_t id, std::size_t items,
                             std::size_t width) {
  testing::BinXmlBuilder x(offset + 24);
  x.fragment_header().template_begin(1).fragment_header().open("Event").close_start();
  x.open("System").close_start().leaf("EventID", "4688").leaf("Channel", "Security").end();
  x.open("EventData").close_start().open("Item").close_start();
  x.subst(0, kStringArray).subst(1, detail::kBinXml).end().end().end().eof();
  const Bytes strings = x_items(items);
  // The nested value follows the value count, two descriptors and the strings.
  const auto nested_at =
      static_cast<std::uint32_t>(offset + 24 + x.bytes().size() + 4 + 2 * 4 + strings.size());
  testing::BinXmlBuilder y(nested_at);
  y.fragment_header().open("Wide").close_start();
  for (std::size_t i = 0; i < width; ++i) y.char_ref('W');
  y.end().eof();
  x.template_values({{kStringArray, strings}, {detail::kBinXml, y.bytes()}});
  return testing::make_record(id, x.bytes());
}

TEST(EvtxRenderCap, nested_root_is_charged_for_every_repetition_of_its_element) {
  // Each rendering of Item walks the nested <Wide> again, 1 + 1000 nodes: 400 items pass the
  // record's node cap (262,144) although Item itself and the items cost only some 1,600. A walk
  // that charged the nested root once per record, or not at all, would render it whole.
  constexpr std::size_t kWidth = 1000;
  static_assert(400 * (kWidth + 1) > limits::kMaxRenderedRecordNodes);
  static_assert(100 * (kWidth + 5) < limits::kMaxRenderedRecordNodes);
  const std::string message = fmt::format("record expands into more than {} template nodes",
                                          limits::kMaxRenderedRecordNodes);
  for (const std::size_t items : {100u, 400u}) {
    SCOPED_TRACE(fmt::format("{} items", items));
    const Bytes file =
        sandwich([&](std::uint32_t at) { return repeated_nested_record(at, 2, items, kWidth); });
    for (RenderFormat format : {RenderFormat::kJsonl, RenderFormat::kXml}) {
      const DumpRun r = dump_bytes(file, format);
      if (items == 400) {
        expect_middle_skipped(r.diags, r.stats, message);
        EXPECT_LT(r.text.size(), 4096u);
      } else {
        EXPECT_TRUE(r.diags.empty()) << r.diags.front().message;
        EXPECT_EQ(r.stats.records, 3u);
        std::string wide;  // XML keeps the character references
        for (std::size_t i = 0; i < kWidth; ++i)
          wide += format == RenderFormat::kXml ? "&#87;" : "W";
        EXPECT_NE(r.text.find(wide), std::string::npos);
      }
    }
    // RawEvent fields walk Item (it holds an element) and the nested root once: one field.
    const ReadRun r = read_bytes(file);
    EXPECT_TRUE(r.diags.empty()) << r.diags.front().message;
    ASSERT_EQ(r.events.size(), 3u);
    EXPECT_EQ(r.events[1].field("Wide"), std::string(kWidth, 'W'));
  }
}

/// Chunk 0 filled with records sharing the template `body` writes (each with `values`), then a
/// chunk of 5 normal records; the number of records in chunk 0 goes to `*total`.
Bytes shared_template_file(const std::function<void(testing::BinXmlBuilder&)>& body,
                           const Values& values, std::uint64_t* total) {
  std::vector<Bytes> records;
  std::uint32_t offset = 512, definition = 0;
  for (std::uint64_t id = 1; offset + 1200 < 65536; ++id) {
    records.push_back(template_record(offset, id, body, values, definition, &definition));
    offset += static_cast<std::uint32_t>(records.back().size());
  }
  *total = records.size();
  return testing::make_file({testing::make_chunk(records, 1), chunk_of(5, *total + 1)});
}

/// Checks that chunk 0's first records were decoded until its budget ran out, that the rest of
/// it was skipped for that reason, and that chunk 1 decoded whole; returns how many were decoded.
std::uint64_t expect_chunk_budget_used_up(const std::vector<Diagnostic>& diags,
                                          const ReadStats& stats, std::uint64_t total) {
  const std::uint64_t decoded = stats.records - 5;
  EXPECT_GE(decoded, 2u);
  EXPECT_EQ(stats.records_skipped, total - decoded);
  EXPECT_EQ(diags.size(), total - decoded);
  for (const Diagnostic& d : diags) {
    EXPECT_EQ(d.chunk, 0);
    EXPECT_GT(d.record_id, decoded);
    EXPECT_NE(d.message.find("chunk's rendering budget"), std::string::npos) << d.message;
  }
  return decoded;
}

TEST(EvtxRenderCap, chunk_byte_cap_stops_many_records_sharing_one_template) {
  // 2000 literal characters repeated per item of 1000: about 2 MB per record, under the record
  // cap, but one chunk holds some 55 records, 110 MB. The next chunk starts afresh.
  const auto body = [](testing::BinXmlBuilder& x) {
    x.open("Item").close_start().text(std::string(2000, 'L')).subst(0, kUInt8Array).end();
  };
  std::uint64_t total = 0;
  const Bytes file = shared_template_file(body, {{kUInt8Array, Bytes(1000, 7)}}, &total);
  for (RenderFormat format : {RenderFormat::kJsonl, RenderFormat::kXml}) {
    const DumpRun r = dump_bytes(file, format);
    const std::uint64_t decoded = expect_chunk_budget_used_up(r.diags, r.stats, total);
    EXPECT_LE(decoded * 2'000'000, limits::kMaxRenderedChunkBytes);
    EXPECT_LT(r.text.size(), limits::kMaxRenderedChunkBytes + (64u << 10));
  }
  const ReadRun r = read_bytes(file);
  expect_chunk_budget_used_up(r.diags, r.stats, total);
  EXPECT_EQ(r.events.back().record_id, total + 5);
}

TEST(EvtxRenderCap, chunk_node_cap_stops_many_records_sharing_one_template) {
  // An Item per item of 300, each joining all 300 in an attribute: 90,000 nodes but only some
  // 200 KB per record, so the chunk's node cap ends it long before its byte cap.
  constexpr std::uint64_t kItems = 300;
  const auto body = [](testing::BinXmlBuilder& x) {
    x.open("Item", true).attr_subst("A", 0, kUInt8Array).close_start().subst(0, kUInt8Array).end();
  };
  std::uint64_t total = 0;
  const Bytes file = shared_template_file(body, {{kUInt8Array, Bytes(kItems, 7)}}, &total);
  for (RenderFormat format : {RenderFormat::kJsonl, RenderFormat::kXml}) {
    const DumpRun r = dump_bytes(file, format);
    const std::uint64_t decoded = expect_chunk_budget_used_up(r.diags, r.stats, total);
    EXPECT_LE(decoded * kItems * kItems, limits::kMaxRenderedChunkNodes);
    EXPECT_LT(r.text.size(), limits::kMaxRenderedChunkBytes / 8);
  }
  // RawEvent fields hold no attributes: a few nodes per item, every record fits.
  const ReadRun r = read_bytes(file);
  EXPECT_TRUE(r.diags.empty());
  EXPECT_EQ(r.events.size(), total + 5);
}

TEST(EvtxRenderCap, repeated_elements_keep_evtx_dump_suffixes) {
  // More repetitions than fit a linear key search, a literal key that a suffix would repeat,
  // and duplicate siblings, so every key goes through the dedupe bookkeeping.
  Bytes items;
  for (int i = 0; i < 20; ++i) {
    const Bytes item = testing::utf16("v" + std::to_string(i));
    items.insert(items.end(), item.begin(), item.end());
  }
  const auto body = [](testing::BinXmlBuilder& x) {
    x.open("Item_2")
        .close_empty()
        .open("Item")
        .close_start()
        .subst(0, kStringArray)
        .end()
        .open("D")
        .close_empty()
        .open("D")
        .close_empty();
  };
  const Bytes file = testing::make_file(
      {testing::make_chunk({template_record(512, 1, body, {{kStringArray, items}})}, 1)});
  const DumpRun json = dump_bytes(file, RenderFormat::kJsonl);
  std::string want = R"("EventData":{"Item_2":null,"Item":"v0","Item_1":"v1")";
  for (int i = 2; i < 20; ++i) want += fmt::format(R"(,"Item_{}":"v{}")", i + 1, i);
  want += R"(,"D":null,"D_1":null})";
  EXPECT_NE(json.text.find(want), std::string::npos) << json.text;
  const DumpRun xml = dump_bytes(file, RenderFormat::kXml);
  EXPECT_NE(xml.text.find("<EventData><Item_2/><Item>v0</Item><Item>v1</Item>"), std::string::npos)
      << xml.text;
  EXPECT_NE(xml.text.find("<Item>v19</Item><D/><D/></EventData>"), std::string::npos);
  const ReadRun r = read_bytes(file);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(*r.events[0].field("Item_3"), "v2");
  EXPECT_EQ(*r.events[0].field("Item_20"), "v19");
}

}  // namespace
}  // namespace cmdsentry::evtx
