#include "evtx_writer/evtx_writer.h"

#include <gtest/gtest.h>

#include "core/byte_reader.h"
#include "evtx_walk.h"
#include "evtx_writer/binxml_encoder.h"
#include "evtx_writer/template_builder.h"
#include "test_events.h"

namespace cmdsentry::evtxgen {
namespace {

using testing::make_4688;
using testing::make_every_type;
using testing::walk;

std::vector<std::uint8_t> write_all(const std::vector<EventSpec>& events, WriterOptions o = {}) {
  EvtxWriter w(o);
  for (const EventSpec& e : events) EXPECT_TRUE(w.add(e));
  return w.bytes();
}

/// Chunk offset of the template definition a record's instance points at.
std::uint32_t template_offset(const testing::WalkedChunk& c, const testing::WalkedRecord& r) {
  return testing::le32(c.bytes, r.offset + 24 + 4 + 6);
}

TEST(EvtxWriter, file_header_fields_and_crc) {
  const auto file = write_all({make_4688("a"), make_4688("b", 1)});
  ASSERT_EQ(file.size(), 4096U + 65536U);
  const auto f = walk(file);
  EXPECT_TRUE(f.magic_ok);
  EXPECT_TRUE(f.header_crc_ok);
  EXPECT_EQ(f.major, 3);
  EXPECT_EQ(f.minor, 1);
  EXPECT_EQ(f.chunk_count, 1);
  EXPECT_EQ(f.last_chunk, 0U);
  EXPECT_EQ(f.next_id, 3U);
  EXPECT_EQ(f.flags, 0U);
  EXPECT_EQ(testing::le32(file, 32), 128U);
  EXPECT_EQ(ByteReader(file, 40).u16(), 4096);
}

TEST(EvtxWriter, dirty_option_sets_the_flag_and_keeps_the_crc_valid) {
  const auto f = walk(write_all({make_4688("a")}, {.dirty = true}));
  EXPECT_EQ(f.flags, kFlagDirty);
  EXPECT_TRUE(f.header_crc_ok);
}

TEST(EvtxWriter, chunk_header_counts_offsets_and_crcs) {
  const auto f = walk(write_all({make_4688("a"), make_every_type(1), make_4688("c", 2)}));
  ASSERT_EQ(f.chunks.size(), 1U);
  const auto& c = f.chunks[0];
  EXPECT_TRUE(c.header_crc_ok);
  EXPECT_TRUE(c.data_crc_ok);
  EXPECT_EQ(c.first_number, 1U);
  EXPECT_EQ(c.last_number, 3U);
  EXPECT_EQ(c.first_id, 1U);
  EXPECT_EQ(c.last_id, 3U);
  ASSERT_EQ(c.records.size(), 3U);
  EXPECT_EQ(c.last_offset, c.records.back().offset);
  EXPECT_EQ(c.free_offset, c.records.back().offset + c.records.back().size);
  for (std::size_t i = 0; i < c.records.size(); ++i) {
    const auto& r = c.records[i];
    EXPECT_EQ(r.id, i + 1);
    EXPECT_EQ(r.size, r.size_copy);
    EXPECT_EQ(r.size % 8, 0U);
    const auto bx = c.bytes.subspan(r.offset + 24, 6);
    EXPECT_EQ(bx[0], 0x0F);
    EXPECT_EQ(bx[4], 0x0C);
  }
  for (std::size_t i = c.free_offset; i < c.bytes.size(); ++i) ASSERT_EQ(c.bytes[i], 0) << i;
}

TEST(EvtxWriter, templates_are_defined_once_per_chunk_and_referenced_after) {
  const auto f =
      walk(write_all({make_4688("a"), make_every_type(1), make_4688("c", 2), make_every_type(3)}));
  const auto& c = f.chunks[0];
  const auto& r = c.records;
  const std::uint32_t t4688 = template_offset(c, r[0]);
  const std::uint32_t tevery = template_offset(c, r[1]);
  EXPECT_EQ(t4688, r[0].offset + 24 + 14);  // inline: right after the offset field
  EXPECT_EQ(tevery, r[1].offset + 24 + 14);
  EXPECT_EQ(template_offset(c, r[2]), t4688);
  EXPECT_EQ(template_offset(c, r[3]), tevery);
  EXPECT_LT(r[2].size, r[0].size);  // the reference is much shorter than the definition
  // Template table: each definition is reachable from its bucket; python-evtx's check holds.
  int found = 0;
  for (int b = 0; b < 32; ++b) {
    for (std::uint32_t o = testing::le32(c.bytes, 384 + 4 * b); o != 0;
         o = testing::le32(c.bytes, o)) {
      EXPECT_EQ(c.bytes[o - 10], 0x0C);
      EXPECT_EQ(testing::le32(c.bytes, o - 4), o);
      std::array<std::uint8_t, 16> guid;
      std::copy_n(c.bytes.begin() + o + 4, 16, guid.begin());
      EXPECT_EQ(template_bucket(guid), static_cast<std::size_t>(b));
      // template id in the instance = Data1 of the GUID
      EXPECT_EQ(testing::le32(c.bytes, o - 8), testing::le32(c.bytes, o + 4));
      ++found;
    }
  }
  EXPECT_EQ(found, 2);
}

TEST(EvtxWriter, string_table_chains_hold_every_name_with_the_right_hash) {
  const auto f = walk(write_all({make_4688("a"), make_every_type(1)}));
  const auto& c = f.chunks[0];
  int names = 0;
  for (int b = 0; b < 64; ++b) {
    for (std::uint32_t o = testing::le32(c.bytes, 128 + 4 * b); o != 0;
         o = testing::le32(c.bytes, o)) {
      ByteReader r(c.bytes, o + 4);
      const std::uint16_t hash = r.u16();
      const std::uint16_t len = r.u16();
      std::u16string name;
      for (int i = 0; i < len; ++i) name.push_back(static_cast<char16_t>(r.u16()));
      EXPECT_EQ(r.u16(), 0);
      EXPECT_EQ(name_hash(name), hash);
      EXPECT_EQ(hash % 64, b);
      ++names;
    }
  }
  // 24 names in Event/System (Event, xmlns, System, Provider, Name, Guid, ...) + EventData and
  // Data; field names are attribute *values* (text), not names.
  EXPECT_EQ(names, 24 + 2);
}

TEST(EvtxWriter, record_limit_starts_new_chunks_that_redefine_templates) {
  std::vector<EventSpec> events;
  for (int i = 0; i < 7; ++i) events.push_back(make_4688("cmd /c ver", i));
  const auto f = walk(write_all(events, {.max_records_per_chunk = 3}));
  ASSERT_EQ(f.chunks.size(), 3U);
  EXPECT_EQ(f.chunk_count, 3);
  EXPECT_EQ(f.last_chunk, 2U);
  EXPECT_EQ(f.next_id, 8U);
  EXPECT_EQ(f.chunks[2].records.size(), 1U);
  for (const auto& c : f.chunks) {
    EXPECT_TRUE(c.header_crc_ok && c.data_crc_ok);
    EXPECT_EQ(template_offset(c, c.records[0]), c.records[0].offset + 24 + 14);
    EXPECT_EQ(c.last_number - c.first_number + 1, c.records.size());
  }
  EXPECT_EQ(f.chunks[1].first_id, 4U);
}

TEST(EvtxWriter, full_chunks_roll_over_without_splitting_records) {
  std::vector<EventSpec> events;
  for (int i = 0; i < 120; ++i) events.push_back(make_4688(std::string(1500, 'A' + i % 26), i));
  EvtxWriter w;
  for (const auto& e : events) ASSERT_TRUE(w.add(e));
  EXPECT_EQ(w.stats().records, 120U);
  const auto f = walk(w.bytes());
  ASSERT_GE(f.chunks.size(), 3U);
  EXPECT_EQ(f.chunks.size(), w.stats().chunks);
  std::uint64_t expect_id = 1;
  for (const auto& c : f.chunks) {
    EXPECT_TRUE(c.header_crc_ok && c.data_crc_ok);
    if (&c != &f.chunks.back()) {
      EXPECT_GT(c.free_offset, 65536U - 3200);  // filled up to less than one record's size
    }
    for (const auto& r : c.records) EXPECT_EQ(r.id, expect_id++);
  }
  EXPECT_EQ(expect_id, 121U);
}

TEST(EvtxWriter, output_is_deterministic_and_bytes_can_be_corrupted_by_tests) {
  const std::vector<EventSpec> events{make_4688("a"), make_every_type(1)};
  auto one = write_all(events);
  EXPECT_EQ(one, write_all(events));
  one[4096 + 600] ^= 0xFF;  // inside the first record
  const auto f = walk(one);
  EXPECT_TRUE(f.chunks[0].header_crc_ok);
  EXPECT_FALSE(f.chunks[0].data_crc_ok);
}

TEST(EvtxWriter, explicit_record_ids_and_first_id_option) {
  EventSpec a = make_4688("a");
  EventSpec b = make_4688("b", 1);
  b.record_id = 500;
  const auto f = walk(write_all({a, b, make_4688("c", 2)}, {.first_record_id = 100}));
  const auto& r = f.chunks[0].records;
  EXPECT_EQ(r[0].id, 100U);
  EXPECT_EQ(r[1].id, 500U);
  EXPECT_EQ(r[2].id, 501U);
  EXPECT_EQ(f.next_id, 502U);
  EXPECT_EQ(f.chunks[0].first_number, 100U);
  EXPECT_EQ(f.chunks[0].last_number, 102U);
}

TEST(EvtxWriter, written_time_defaults_to_creation_time) {
  EventSpec e = make_4688("a");
  EventSpec later = make_4688("b");
  later.written_time = e.time_created + 5;
  const auto f = walk(write_all({e, later}));
  EXPECT_EQ(f.chunks[0].records[0].written, e.time_created);
  EXPECT_EQ(f.chunks[0].records[1].written, e.time_created + 5);
}

TEST(EvtxWriter, rejects_mismatched_types_and_oversized_records) {
  EvtxWriter w;
  EventSpec bad = make_4688("a");
  bad.data[0].type = ValueType::kString;  // holds a SID value
  EXPECT_FALSE(w.add(bad));
  EventSpec huge = make_4688(std::string(32000, 'x'));
  huge.data.push_back({"More", ValueType::kString, Value::string(std::string(32000, 'y'))});
  auto r = w.add(huge);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
  EXPECT_EQ(w.stats().records, 0U);
}

TEST(EvtxWriter, empty_writer_writes_only_a_header) {
  const auto file = EvtxWriter().bytes();
  ASSERT_EQ(file.size(), 4096U);
  const auto f = walk(file);
  EXPECT_TRUE(f.header_crc_ok);
  EXPECT_EQ(f.chunk_count, 0);
  EXPECT_EQ(f.next_id, 1U);
}

}  // namespace
}  // namespace cmdsentry::evtxgen
