// The one JSON string escaper (core/utf.h): attacker text in, valid JSON out, the same bytes
// whether the text comes from a normalized event, a report field or an EVTX name or value.
#include "core/utf.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace cmdsentry {

TEST(JsonString, escapes_attacker_text) {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\n\x01\x7f", 8));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\\u007f\"");
}

TEST(JsonString, invalid_utf8_becomes_replacement_and_separators_are_escaped) {
  std::string out;
  append_json_string(out, "x\xff\xc0\xafy\xed\xa0\x80z\xe2\x80\xa8\xe6\x97\xa5");
  EXPECT_EQ(out,
            "\"x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDy\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz"
            "\\u2028\xe6\x97\xa5\"");
}

TEST(JsonString, escapes_found_wherever_they_sit_in_long_plain_runs) {
  // The escaper skips 16 plain bytes at a time: put each special byte at every position of
  // runs around that width and compare with the escape done by hand.
  const std::string specials[] = {"\"",   "\\",           "\n",   std::string(1, '\0'),
                                  "\x7f", "\xe6\x97\xa5", "\xff", "\xe2\x80\xa9"};
  const std::string escaped[] = {"\\\"",    "\\\\",         "\\n",          "\\u0000",
                                 "\\u007f", "\xe6\x97\xa5", "\xEF\xBF\xBD", "\\u2029"};
  for (std::size_t k = 0; k < std::size(specials); ++k) {
    for (std::size_t len = 0; len < 40; ++len) {
      for (std::size_t at = 0; at <= len; ++at) {
        const std::string in = std::string(at, 'a') + specials[k] + std::string(len - at, 'b');
        const std::string want =
            "\"" + std::string(at, 'a') + escaped[k] + std::string(len - at, 'b') + "\"";
        std::string out;
        append_json_string(out, in);
        ASSERT_EQ(out, want) << "special " << k << " at " << at << " of " << len;
      }
    }
  }
}

TEST(JsonString, append_escaped_json_is_the_same_escaper) {
  const std::string hostile = "a\"\\\n\x01\x7f\xff\xe2\x80\xa8\xe6\x97\xa5 and a plain ASCII run";
  std::string quoted;
  append_json_string(quoted, hostile);
  std::string body;
  append_escaped(body, hostile, Escape::kJson);
  EXPECT_EQ("\"" + body + "\"", quoted);
}

TEST(JsonString, utf16_values_escape_like_utf8_text) {
  // EVTX strings are decoded from UTF-16 straight into escaped JSON: the same text through
  // append_json_escaped gives the same bytes (an unpaired surrogate is U+FFFD in both).
  const char16_t units[] = {u'a', u'"', u'\\', u'\n', 0x01, 0x7f, 0x2028, 0x2029, 0x65e5, 0xD800};
  std::string from_utf16;
  append_utf16le(from_utf16, reinterpret_cast<const std::uint8_t*>(units), std::size(units),
                 Escape::kJson);
  std::string from_utf8;
  append_json_escaped(from_utf8, "a\"\\\n\x01\x7f\xe2\x80\xa8\xe2\x80\xa9\xe6\x97\xa5\xef\xbf\xbd");
  EXPECT_EQ(from_utf16, from_utf8);
  EXPECT_NE(from_utf16.find("\\u2028\\u2029"), std::string::npos);
}

}  // namespace cmdsentry
