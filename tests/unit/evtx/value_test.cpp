// Value spellings (JSON like evtx_dump, XML like Windows) and core text helpers.
#include <gtest/gtest.h>

#include <cstring>

#include "core/text_escape.h"
#include "core/time.h"
#include "core/utf.h"
#include "evtx/binxml.h"
#include "evtx/value_format.h"

namespace cmdsentry::evtx::detail {
namespace {

std::string render(std::vector<std::uint8_t> b, std::uint8_t type, ValueStyle s) {
  std::string out;
  append_value(out, b, type, s);
  return out;
}

TEST(ValueFormat, guid_json_upper_without_braces_xml_with_braces) {
  std::vector<std::uint8_t> g = {0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49,
                                 0xA5, 0xBA, 0x3E, 0x3B, 0x03, 0x28, 0xC3, 0x0D};
  EXPECT_EQ(render(g, kGuid, ValueStyle::kJsonTyped), "\"54849625-5478-4994-A5BA-3E3B0328C30D\"");
  EXPECT_EQ(render(g, kGuid, ValueStyle::kXml), "{54849625-5478-4994-A5BA-3E3B0328C30D}");
}

TEST(ValueFormat, sid_kept_from_the_last_value_follows_every_change) {
  // The text of the last SID is kept per thread: the same bytes again, a SID whose bytes start
  // like it, one with a sub-authority more, trailing bytes past the SID, and a short value.
  const std::vector<std::uint8_t> system = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
  const std::vector<std::uint8_t> local = {1, 1, 0, 0, 0, 0, 0, 5, 19, 0, 0, 0};
  const std::vector<std::uint8_t> admins = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0};
  std::vector<std::uint8_t> padded = system;
  padded.insert(padded.end(), {7, 7, 7, 7});
  const std::pair<std::vector<std::uint8_t>, const char*> cases[] = {
      {system, "\"S-1-5-18\""},     {system, "\"S-1-5-18\""}, {local, "\"S-1-5-19\""},
      {admins, "\"S-1-5-32-544\""}, {padded, "\"S-1-5-18\""}, {{1, 1, 0, 0, 0, 0, 0, 5}, "\"\""},
      {system, "\"S-1-5-18\""}};
  for (const auto& [bytes, want] : cases)
    EXPECT_EQ(render(bytes, kSid, ValueStyle::kJsonTyped), want);
}

TEST(ValueFormat, sid_and_hex_and_numbers) {
  std::vector<std::uint8_t> sid = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
  EXPECT_EQ(render(sid, kSid, ValueStyle::kPlain), "S-1-5-18");
  EXPECT_EQ(render({0xe7, 3, 0, 0}, kHexInt32, ValueStyle::kPlain), "0x3e7");
  EXPECT_EQ(render({0xe7, 3, 0, 0, 0, 0, 0, 0}, kHexInt64, ValueStyle::kJsonTyped), "\"0x3e7\"");
  EXPECT_EQ(render({0x50, 0x12}, kUInt16, ValueStyle::kJsonTyped), "4688");
  EXPECT_EQ(render({0xFF}, kInt8, ValueStyle::kJsonTyped), "-1");
  EXPECT_EQ(render({1, 0, 0, 0}, kBool, ValueStyle::kJsonTyped), "true");
  EXPECT_EQ(render({0xD9, 0x06}, kBinary, ValueStyle::kJsonTyped), "\"D906\"");
}

TEST(ValueFormat, decimal_digits_two_at_a_time_at_every_length) {
  // append_uint writes digit pairs: check each length and the pair boundaries.
  std::uint64_t v = 1;
  for (int digits = 1; digits <= 20; ++digits, v = v * 10) {
    for (std::uint64_t x : {v - 1, v, v + 1, v * 9 / 10 * 10 + 9}) {
      std::string out;
      append_uint(out, x);
      EXPECT_EQ(out, std::to_string(x));
    }
    if (digits == 20) break;
  }
  std::string max;
  append_uint(max, UINT64_MAX);
  EXPECT_EQ(max, "18446744073709551615");
}

TEST(ValueFormat, short_values_do_not_read_past_their_bytes) {
  EXPECT_EQ(render({1, 2}, kUInt64, ValueStyle::kJsonTyped), "null");
  EXPECT_EQ(render({1, 5, 0}, kSid, ValueStyle::kPlain), "");
  std::string out;
  EXPECT_FALSE(append_value(out, std::vector<std::uint8_t>{1, 2, 3}, kGuid, ValueStyle::kPlain));
}

TEST(ValueFormat, unsigned_fast_path_writes_what_append_value_writes) {
  // Replay writes unsigned integers through append_unsigned_value: every length from empty to
  // longer than the type, in every style, gives append_value's text or leaves it to it.
  const std::uint8_t bytes[] = {0xF1, 0xE2, 0xD3, 0xC4, 0xB5, 0xA6, 0x97, 0x88, 0x79};
  for (std::uint8_t type : {kUInt8, kUInt16, kUInt32, kUInt64, kInt32, kHexInt32, kString}) {
    for (std::size_t n = 0; n <= sizeof(bytes); ++n) {
      const std::vector<std::uint8_t> b(bytes, bytes + n);
      for (ValueStyle style : {ValueStyle::kJsonTyped, ValueStyle::kJsonInString, ValueStyle::kXml,
                               ValueStyle::kXmlAttr, ValueStyle::kPlain}) {
        std::string fast;
        if (!append_unsigned_value(fast, b, type)) {
          EXPECT_TRUE(fast.empty());
          continue;
        }
        EXPECT_EQ(fast, render(b, type, style)) << int{type} << " " << n;
      }
    }
  }
  std::string max;
  EXPECT_TRUE(append_unsigned_value(max, std::vector<std::uint8_t>(8, 0xFF), kUInt64));
  EXPECT_EQ(max, "18446744073709551615");
}

TEST(ValueFormat, filetime_six_digits_in_json_seven_in_xml) {
  const std::uint64_t ft = 129761722633545620ULL;  // 2012-03-14T04:17:43.3545620Z
  std::vector<std::uint8_t> b(8);
  std::memcpy(b.data(), &ft, 8);
  EXPECT_EQ(render(b, kFileTime, ValueStyle::kJsonTyped), "\"2012-03-14T04:17:43.354562Z\"");
  EXPECT_EQ(render(b, kFileTime, ValueStyle::kXml), "2012-03-14T04:17:43.3545620Z");
  EXPECT_EQ(parse_iso_time("2012-03-14T04:17:43.3545620Z").value(), ft);
  EXPECT_EQ(parse_iso_time("2012-03-14 06:17:43.3545620+02:00").value(), ft);
}

TEST(ValueFormat, string_arrays_split_on_nul) {
  std::vector<std::uint8_t> b = {'a', 0, 0, 0, 'b', 0, 'c', 0, 0, 0};
  std::vector<std::span<const std::uint8_t>> items;
  split_array(b, kString | kArrayFlag, items);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(render({items[1].begin(), items[1].end()}, kString, ValueStyle::kPlain), "bc");
}

TEST(TextEscape, json_xml_csv_terminal) {
  std::string j;
  append_escaped(j, "a\"b\\c\n\x01", Escape::kJson);
  EXPECT_EQ(j, "a\\\"b\\\\c\\n\\u0001");
  std::string x;
  append_escaped(x, "<a href='x'>&", Escape::kXmlAttr);
  EXPECT_EQ(x, "&lt;a href=&apos;x&apos;&gt;&amp;");
  std::string c;
  append_csv_field(c, "=cmd|' /c calc'!A0");
  EXPECT_EQ(c, "\"'=cmd|' /c calc'!A0\"");
  EXPECT_EQ(terminal_safe("a\x1b[31mb"), "a\\x1b[31mb");
}

TEST(Utf16, unpaired_surrogates_become_replacement_characters) {
  const std::uint8_t b[] = {0x00, 0xD8, 'a', 0};
  std::string out;
  append_utf16le(out, b, 2, Escape::kNone);
  EXPECT_EQ(out,
            "\xEF\xBF\xBD"
            "a");
}

}  // namespace
}  // namespace cmdsentry::evtx::detail
