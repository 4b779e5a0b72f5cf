#include "evtx_writer/binxml_encoder.h"

#include <gtest/gtest.h>

#include "core/byte_reader.h"
#include "evtx_writer/template_builder.h"
#include "test_events.h"

namespace cmdsentry::evtxgen {
namespace {

TEST(NameHash, matches_values_seen_in_windows_chunks) {
  EXPECT_EQ(name_hash(u"Event"), 0x0CBA);
  EXPECT_EQ(name_hash(u"System"), 0x546F);
  EXPECT_EQ(name_hash(u"Data"), 0x6F8A);
  EXPECT_EQ(name_hash(u"EventData"), 0x8244);
  EXPECT_EQ(name_hash(u"Provider"), 0x7BF1);  // from a Windows Security.evtx chunk
  EXPECT_EQ(name_hash(u""), 0);
}

TEST(NameTable, first_use_is_inline_then_referenced) {
  NameTable names;
  ByteSink out;
  const std::size_t base = 1000;
  names.write_ref(out, base, "Data");
  // offset field points right after itself; Name = next(4) hash(2) len(2) chars NUL
  ASSERT_EQ(out.size(), 4U + 10 + 8);
  ByteReader r(out.bytes());
  EXPECT_EQ(r.u32(), base + 4);
  EXPECT_EQ(r.u32(), 0U);
  EXPECT_EQ(r.u16(), 0x6F8A);
  EXPECT_EQ(r.u16(), 4);
  names.write_ref(out, base, "Data");
  EXPECT_EQ(out.size(), 4U + 18 + 4);
  r = ByteReader(out.bytes(), 22);
  EXPECT_EQ(r.u32(), base + 4);
  EXPECT_EQ(names.size(), 1U);
  EXPECT_EQ(names.buckets()[0x6F8A % 64], base + 4);
}

TEST(NameTable, same_bucket_names_chain_newest_first) {
  // "ThreadID" and "Task" share bucket 5 (seen chained in a Windows chunk).
  ASSERT_EQ(name_hash(u"ThreadID") % 64, name_hash(u"Task") % 64);
  NameTable names;
  ByteSink out;
  names.write_ref(out, 512, "Task");
  const std::size_t second = out.size();
  names.write_ref(out, 512, "ThreadID");
  const std::uint32_t task_offset = 512 + 4;
  const std::uint32_t thread_offset = static_cast<std::uint32_t>(512 + second + 4);
  EXPECT_EQ(names.buckets()[name_hash(u"Task") % 64], thread_offset);
  EXPECT_EQ(ByteReader(out.bytes(), second + 4).u32(), task_offset);  // ThreadID.next = Task
}

TEST(TemplateBody, element_and_attribute_sizes_are_consistent) {
  NameTable names;
  ByteSink out;
  const TemplateShape t = build_template(testing::make_4688("cmd.exe /c ver"));
  encode_template_body(out, 0, t.root, names);
  const auto b = out.bytes();
  ASSERT_GE(b.size(), 12U);
  EXPECT_EQ(b[0], 0x0F);
  EXPECT_EQ(b[4], 0x41);  // <Event xmlns=...>
  ByteReader r(b, 5);
  EXPECT_EQ(r.u16(), 0xFFFF);
  const std::uint32_t size = r.u32();
  // element data size runs from after the size field through the end token; EOF follows
  EXPECT_EQ(11 + size + 1, b.size());
  EXPECT_EQ(b[11 + size - 1], 0x04);
  EXPECT_EQ(b.back(), 0x00);
  // Attribute list: after the inline name "Event" (offset 4 + 18 bytes).
  r.seek(11 + 4 + 20);
  const std::uint32_t attr_size = r.u32();
  EXPECT_EQ(b[11 + 4 + 20 + 4], 0x06);              // single attribute, no "more" flag
  EXPECT_EQ(b[11 + 4 + 20 + 4 + attr_size], 0x02);  // close start tag right after the list
}

TEST(TemplateBody, substitution_tokens_carry_index_and_type) {
  NameTable names;
  ByteSink out;
  const TemplateShape t = build_template(testing::make_4688("x"));
  encode_template_body(out, 0, t.root, names);
  const auto b = out.bytes();
  int normal = 0, optional = 0;
  for (std::size_t i = 0; i + 3 < b.size(); ++i) {
    // EventRecordID: normal substitution 9 of type UInt64
    if (b[i] == 0x0D && b[i + 1] == 9 && b[i + 2] == 0 && b[i + 3] == 0x0A) ++normal;
    // UserID: optional substitution 15 of type SID
    if (b[i] == 0x0E && b[i + 1] == 15 && b[i + 2] == 0 && b[i + 3] == 0x13) ++optional;
  }
  EXPECT_EQ(normal, 1);
  EXPECT_EQ(optional, 1);
}

TEST(TemplateShape, key_and_guid_depend_on_the_field_list_only) {
  const TemplateShape a = build_template(testing::make_4688("a"));
  const TemplateShape b = build_template(testing::make_4688("b", 60));
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.guid, b.guid);
  EventSpec other = testing::make_4688("a");
  other.data.pop_back();
  EXPECT_NE(build_template(other).key, a.key);
  EXPECT_NE(build_template(other).id(), a.id());
}

}  // namespace
}  // namespace cmdsentry::evtxgen
