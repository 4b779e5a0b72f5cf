// Template definitions kept from chunk to chunk (evtx/template_cache.h): one decoder loads
// chunks whose definitions share a GUID and size; each record must render from its own chunk's
// definition, whether that is the kept one (moved to another offset) or a different one.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chunk_builder.h"
#include "evtx/binxml.h"
#include "evtx/chunk_decoder.h"

namespace cmdsentry::evtx {
namespace {

using testing::Bytes;

/// A record defining template `guid` inline: <element attr='value'>value</element>.
Bytes templated_record(std::uint32_t offset, std::uint64_t id, std::uint32_t guid,
                       const std::string& element, const std::string& attr,
                       const std::string& value) {
  testing::BinXmlBuilder x(offset + 24);
  x.fragment_header().template_begin(guid).fragment_header();
  x.open(element, true).attr_subst(attr, 0, detail::kString).close_start();
  x.subst(0, detail::kString).end().eof();
  x.template_values({{detail::kString, testing::utf16(value)}});
  return testing::make_record(id, x.bytes());
}

/// Renders every record of `chunk` (XML then JSON) with `decoder`.
std::vector<std::string> render_all(ChunkDecoder& decoder, const Bytes& chunk) {
  std::vector<std::string> out;
  const ChunkIndex& index = decoder.load(chunk, false);
  for (const RecordRef& r : index.records) {
    auto doc = decoder.open(r);
    EXPECT_TRUE(doc) << (doc ? "" : doc.error().message);
    if (!doc) continue;
    std::string xml, json;
    EXPECT_TRUE(decoder.render_xml(*doc, xml));
    EXPECT_TRUE(decoder.render_json(*doc, json));
    out.push_back(xml + " " + json);
  }
  return out;
}

TEST(EvtxTemplateCache, definition_moved_to_another_offset_renders_the_same) {
  ChunkDecoder decoder;
  const Bytes a = testing::make_chunk({templated_record(512, 1, 7, "Event", "Name", "one")}, 1);
  // In the second chunk a record before it moves the definition (and its inline names).
  const Bytes pad = testing::simple_record(512, 2, 4688, "Security", "cmd.exe");
  const Bytes b =
      testing::make_chunk({pad, templated_record(512 + static_cast<std::uint32_t>(pad.size()), 3, 7,
                                                 "Event", "Name", "two")},
                          2);
  EXPECT_EQ(render_all(decoder, a),
            std::vector<std::string>{
                "<Event Name='one'>one</Event> "
                "{\"Event\":{\"#attributes\":{\"Name\":\"one\"},\"#text\":\"one\"}}"});
  const auto second = render_all(decoder, b);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[1],
            "<Event Name='two'>two</Event> "
            "{\"Event\":{\"#attributes\":{\"Name\":\"two\"},\"#text\":\"two\"}}");
  // And back: the first chunk again, after the second was loaded.
  EXPECT_EQ(render_all(decoder, a)[0].substr(0, 29), "<Event Name='one'>one</Event>");
}

TEST(EvtxTemplateCache, same_guid_and_size_with_other_names_is_not_reused) {
  ChunkDecoder decoder;
  // Equal GUID, equal definition size, at the same offset: only the names differ.
  const Bytes a = testing::make_chunk({templated_record(512, 1, 9, "EventA", "Attr1", "x")}, 1);
  const Bytes b = testing::make_chunk({templated_record(512, 2, 9, "EventB", "Attr2", "y")}, 2);
  EXPECT_EQ(render_all(decoder, a)[0].substr(0, 28), "<EventA Attr1='x'>x</EventA>");
  const auto second = render_all(decoder, b);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0],
            "<EventB Attr2='y'>y</EventB> "
            "{\"EventB\":{\"#attributes\":{\"Attr2\":\"y\"},\"#text\":\"y\"}}");
}

TEST(EvtxStrings, hostile_names_are_escaped_in_xml_when_rendered_and_when_replayed) {
  // Names keep their XML form from when they were read (StringTable::xml): the first record
  // renders through the tree, the second replays the recorded program.
  ChunkDecoder decoder;
  const std::string name = "E&<x>'\"";
  Bytes first = templated_record(512, 1, 9, name, "a'b", "v&1");
  const Bytes chunk = testing::make_chunk(
      {first,
       templated_record(512 + static_cast<std::uint32_t>(first.size()), 2, 9, name, "a'b", "v<2")},
      1);
  const auto out = render_all(decoder, chunk);
  ASSERT_EQ(out.size(), 2u);
  const std::string esc = "E&amp;&lt;x&gt;&apos;&quot;";
  const std::string want[] = {"<" + esc + " a&apos;b='v&amp;1'>v&amp;1</" + esc + "> ",
                              "<" + esc + " a&apos;b='v&lt;2'>v&lt;2</" + esc + "> "};
  EXPECT_EQ(out[0].substr(0, want[0].size()), want[0]);
  EXPECT_EQ(out[1].substr(0, want[1].size()), want[1]);
}

TEST(EvtxStrings, bare_fragment_text_lives_with_its_record) {
  // A bare-element record's text goes to the strings' scratch part, dropped when the next
  // record opens; names stay. Each record must render its own text, in either order of reading.
  auto bare = [](std::uint32_t offset, std::uint64_t id, const std::string& text) {
    testing::BinXmlBuilder x(offset + 24);
    x.fragment_header().open("Event").close_start().leaf("Msg", text).end().eof();
    return testing::make_record(id, x.bytes());
  };
  Bytes a = bare(512, 1, "first text");
  Bytes b = bare(512 + static_cast<std::uint32_t>(a.size()), 2, "second");
  ChunkDecoder decoder;
  const Bytes chunk = testing::make_chunk({a, b}, 1);
  for (int pass = 0; pass < 2; ++pass) {
    const auto out = render_all(decoder, chunk);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], "<Event><Msg>first text</Msg></Event> {\"Event\":{\"Msg\":\"first text\"}}");
    EXPECT_EQ(out[1], "<Event><Msg>second</Msg></Event> {\"Event\":{\"Msg\":\"second\"}}");
  }
}

}  // namespace
}  // namespace cmdsentry::evtx
