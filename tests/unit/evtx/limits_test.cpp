// The decoder caps of core/limits.h that damage_test does not reach: for each, input at the cap
// decodes and input one past it fails with kLimit (what the reader counts as over a limit), and
// the records around it still decode.
//
// A 64 KiB chunk cannot hold enough template definitions, template nodes or array items to pass
// kMaxTemplatesPerChunk, kMaxTemplateNodes or kMaxArrayItems (a value's size is a u16), so those
// are tested on ChunkDecoder (which takes a chunk of any length, as the fuzzer feeds it) or on
// split_array directly.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/limits.h"
#include "evtx/chunk_decoder.h"
#include "evtx/value_format.h"
#include "evtx_run.h"

namespace cmdsentry::evtx {
namespace {

/// A record whose EventData holds one BinXml value that is again an instance of the record's own
/// template holding the next BinXml value, `depth` values deep; the innermost instance's value
/// is null. (An empty innermost value would not do: only the JSON renderer parses those.)
Bytes nested_binxml_record(std::uint32_t offset, std::uint64_t id, int depth) {
  testing::BinXmlBuilder x(offset + 24);
  x.fragment_header().template_begin(1).fragment_header().open("Event").close_start();
  x.open("System").close_start().leaf("EventID", "4688").leaf("Channel", "Security").end();
  x.open("EventData").close_start().subst(0, detail::kBinXml).end().end().eof();
  Values value = {{detail::kNull, {}}};
  for (int level = 0; level < depth; ++level) {
    testing::BinXmlBuilder y(0);  // position independent: no inline names or definitions
    y.fragment_header().template_ref(1, x.definition()).template_values(value);
    value = {{detail::kBinXml, y.bytes()}};
  }
  x.template_values(value);
  return testing::make_record(id, x.bytes());
}

TEST(EvtxLimits, max_binxml_depth_holds_in_every_output) {
  for (const int depth : {limits::kMaxBinXmlDepth, limits::kMaxBinXmlDepth + 1}) {
    SCOPED_TRACE(fmt::format("{} nested BinXml values", depth));
    const Bytes file =
        sandwich([&](std::uint32_t at) { return nested_binxml_record(at, 2, depth); });
    const bool over = depth > limits::kMaxBinXmlDepth;
    const ReadRun r = read_bytes(file);
    if (over) {
      expect_middle_skipped(r.diags, r.stats, "BinXml values nested too deeply");
    } else {
      EXPECT_TRUE(r.diags.empty()) << r.diags.front().message;
      ASSERT_EQ(r.events.size(), 3u);
      EXPECT_EQ(r.events[1].event_id, 4688u);
    }
    for (RenderFormat format : {RenderFormat::kJsonl, RenderFormat::kXml}) {
      const DumpRun d = dump_bytes(file, format);
      if (over) {
        expect_middle_skipped(d.diags, d.stats, "BinXml values nested too deeply");
      } else {
        EXPECT_TRUE(d.diags.empty()) << d.diags.front().message;
        EXPECT_EQ(d.stats.records, 3u);
      }
    }
  }
}

TEST(EvtxLimits, max_substitutions) {
  const auto no_body = [](testing::BinXmlBuilder&) {};
  for (const std::uint32_t count : {limits::kMaxSubstitutions, limits::kMaxSubstitutions + 1}) {
    SCOPED_TRACE(fmt::format("{} values", count));
    const Bytes file = sandwich([&](std::uint32_t at) {
      return template_record(at, 2, no_body, Values(count, {detail::kNull, Bytes{}}));
    });
    const ReadRun r = read_bytes(file);
    if (count > limits::kMaxSubstitutions) {
      expect_middle_skipped(r.diags, r.stats, fmt::format("{} substitution values", count));
      ASSERT_EQ(r.events.size(), 2u);
      EXPECT_EQ(r.events[1].record_id, 3u);
    } else {
      EXPECT_TRUE(r.diags.empty()) << r.diags.front().message;
      EXPECT_EQ(r.events.size(), 3u);
      EXPECT_EQ(r.stats.records_skipped, 0u);
    }
  }
}

/// Records placed one after the other from chunk offset 512; `make(offset, id)` builds each.
std::vector<Bytes> lay_out(std::uint64_t count,
                           const std::function<Bytes(std::uint32_t, std::uint64_t)>& make) {
  std::vector<Bytes> records;
  std::uint32_t offset = 512;
  for (std::uint64_t id = 1; id <= count; ++id) {
    records.push_back(make(offset, id));
    offset += static_cast<std::uint32_t>(records.back().size());
  }
  return records;
}

TEST(EvtxLimits, max_templates_per_chunk) {
  // Each record defines its own template <Event/>; one more record reuses the first definition.
  std::uint32_t first_definition = 0;
  std::vector<Bytes> records =
      lay_out(limits::kMaxTemplatesPerChunk + 1, [&](std::uint32_t offset, std::uint64_t id) {
        testing::BinXmlBuilder x(offset + 24);
        x.fragment_header().template_begin(static_cast<std::uint32_t>(id)).fragment_header();
        x.open("Event").close_empty().eof().template_values({});
        if (id == 1) first_definition = x.definition();
        return testing::make_record(id, x.bytes());
      });
  std::uint32_t offset = 512;
  for (const Bytes& r : records) offset += static_cast<std::uint32_t>(r.size());
  testing::BinXmlBuilder reuse(offset + 24);
  reuse.fragment_header().template_ref(1, first_definition).template_values({});
  records.push_back(testing::make_record(records.size() + 1, reuse.bytes()));
  const Bytes chunk = testing::make_chunk(records, 1, 1u << 20);

  ChunkDecoder decoder;
  const ChunkIndex& index = decoder.load(chunk, false);
  ASSERT_EQ(index.records.size(), limits::kMaxTemplatesPerChunk + 2);
  for (std::size_t i = 0; i < limits::kMaxTemplatesPerChunk; ++i) {
    ASSERT_TRUE(decoder.open(index.records[i])) << "record " << i + 1;
  }
  const auto over = decoder.open(index.records[limits::kMaxTemplatesPerChunk]);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kLimit);
  EXPECT_EQ(over.error().message, "too many template definitions in one chunk");
  EXPECT_TRUE(decoder.open(index.records.back()));  // a cached definition is still used

  // The count is per chunk: loaded again, the record over the cap decodes first.
  const ChunkIndex& again = decoder.load(chunk, false);
  EXPECT_TRUE(decoder.open(again.records[limits::kMaxTemplatesPerChunk]));
}

TEST(EvtxLimits, max_template_nodes) {
  // template_record's template has 7 nodes before EventData's content; `refs` character
  // references fill it to kMaxTemplateNodes, one more passes it.
  constexpr std::size_t kFixedNodes = 7;
  const auto refs = [](std::size_t n) {
    return [n](testing::BinXmlBuilder& x) {
      for (std::size_t i = 0; i < n; ++i) x.char_ref('x');
    };
  };
  const std::vector<Bytes> records = lay_out(3, [&](std::uint32_t offset, std::uint64_t id) {
    if (id == 3) return testing::simple_record(offset, id, 4688, "Security", "after");
    const std::size_t n = limits::kMaxTemplateNodes - kFixedNodes + (id == 2 ? 1 : 0);
    return template_record(offset, id, refs(n), {});
  });
  const Bytes chunk = testing::make_chunk(records, 1, 1u << 20);

  ChunkDecoder decoder;
  const ChunkIndex& index = decoder.load(chunk, false);
  ASSERT_EQ(index.records.size(), 3u);
  const auto at_cap = decoder.open(index.records[0]);
  ASSERT_TRUE(at_cap) << at_cap.error().message;
  std::string json;
  ASSERT_TRUE(decoder.render_json(*at_cap, json));
  EXPECT_NE(json.find(std::string(1000, 'x')), std::string::npos);
  const auto over = decoder.open(index.records[1]);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kLimit);
  EXPECT_EQ(over.error().message, "too many BinXml nodes in one fragment");
  const auto after = decoder.open(index.records[2]);
  ASSERT_TRUE(after);
  RawEvent ev;
  ASSERT_TRUE(decoder.extract(*after, ev));
  EXPECT_EQ(*ev.field("CommandLine"), "after");
}

TEST(EvtxLimits, max_array_items) {
  // A u8 array of 65535 bytes (the largest value a record can hold) keeps every item; a longer
  // span, and a string array of more items, stop at the cap with nothing merged into the last.
  std::vector<std::span<const std::uint8_t>> items;
  const Bytes bytes(limits::kMaxArrayItems + 10, 7);
  detail::split_array(std::span(bytes).first(65535), kUInt8Array, items);
  EXPECT_EQ(items.size(), 65535u);
  detail::split_array(bytes, kUInt8Array, items);
  EXPECT_EQ(items.size(), limits::kMaxArrayItems);

  const Bytes strings = x_items(limits::kMaxArrayItems + 3);
  detail::split_array(strings, kStringArray, items);
  ASSERT_EQ(items.size(), limits::kMaxArrayItems);
  EXPECT_EQ(items.back().size(), 2u);  // "x", not "x\0x\0x..."
  const Bytes ansi(2 * (limits::kMaxArrayItems + 3), 0);
  detail::split_array(ansi, detail::kAnsiString | detail::kArrayFlag, items);
  EXPECT_EQ(items.size(), limits::kMaxArrayItems);
}

}  // namespace
}  // namespace cmdsentry::evtx
