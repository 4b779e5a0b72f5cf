// The one JSON string escaper (core/utf.h): attacker text in, valid JSON out, the same bytes
// whether the text comes from a normalized event, a report field or an EVTX name or value.
#include "core/utf.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

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

TEST(PlainFor, plain_only_when_the_escapers_copy_unchanged) {
  // The string table stores a text's escaped forms only when plain_for says they may differ:
  // put each byte that needs a look at every position of runs around the 16-byte step.
  struct Special {
    std::string text;
    unsigned plain;
  };
  const Special specials[] = {{"\"", 0},           {"\\", kXmlPlain},
                              {"\n", 0},           {std::string(1, '\0'), 0},
                              {"\x7f", kXmlPlain}, {"\xe6\x97\xa5", kXmlPlain},
                              {"&", kJsonPlain},   {"<", kJsonPlain},
                              {">", kJsonPlain},   {"'", kJsonPlain}};
  for (std::size_t len = 0; len < 40; ++len) {
    const std::string plain(len, 'p');
    EXPECT_EQ(plain_for(plain), kJsonPlain | kXmlPlain) << len;
    for (const Special& sp : specials) {
      for (std::size_t at = 0; at <= len; ++at) {
        const std::string in = plain.substr(0, at) + sp.text + plain.substr(at);
        ASSERT_EQ(plain_for(in), sp.plain) << "at " << at << " of " << len;
      }
    }
  }
  // Each answer agrees with the escapers themselves, byte by byte.
  for (int c = 0; c < 256; ++c) {
    const std::string one(1, static_cast<char>(c));
    std::string json, text, attr;
    append_json_escaped(json, one);
    append_escaped(text, one, Escape::kXmlText);
    append_escaped(attr, one, Escape::kXmlAttr);
    const unsigned p = plain_for(one);
    if (p & kJsonPlain) EXPECT_EQ(json, one) << c;
    EXPECT_EQ((p & kXmlPlain) != 0, text == one && attr == one) << c;
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

/// The text of `in` (one character per piece) escaped for `e` piece by piece: each piece is
/// shorter than any vector step, so this is the scalar code's answer.
std::string escaped_piecewise(const std::vector<std::string>& in, Escape e) {
  std::string out;
  for (const std::string& piece : in) append_escaped(out, piece, e);
  return out;
}

TEST(Utf16, vector_steps_stop_at_every_unit_that_needs_a_look) {
  // UTF-16 text is copied 16 units (AVX2, when the CPU has it) or 8 units (SSE2) at a time up to
  // the first unit needing an escape or more than one byte. Put each such unit at every position
  // of runs around those widths, in every sink, and compare with the same text as UTF-8 escaped
  // one character at a time.
  const std::u16string specials[] = {u"\"",
                                     u"\\",
                                     u"\n",
                                     u"\t",
                                     std::u16string(1, u'\0'),
                                     u"\x7f",
                                     u"&",
                                     u"<",
                                     u">",
                                     u"'",
                                     u"\u00e9",
                                     u"\u65e5",
                                     u"\u2028",
                                     std::u16string{0xD83D, 0xDE00}};
  const std::string utf8[] = {
      "\"", "\\", "\n", "\t",       std::string(1, '\0'), "\x7f",         "&",
      "<",  ">",  "'",  "\xc3\xa9", "\xe6\x97\xa5",       "\xe2\x80\xa8", "\xf0\x9f\x98\x80"};
  for (Escape e : {Escape::kNone, Escape::kJson, Escape::kXmlText, Escape::kXmlAttr}) {
    for (std::size_t k = 0; k < std::size(specials); ++k) {
      for (std::size_t len = 0; len < 72; len += (len < 40 ? 1 : 7)) {
        for (std::size_t at = 0; at <= len; ++at) {
          const std::u16string in =
              std::u16string(at, u'a') + specials[k] + std::u16string(len - at, u'b');
          std::vector<std::string> pieces(at, "a");
          pieces.push_back(utf8[k]);
          pieces.insert(pieces.end(), len - at, "b");
          std::string got;
          append_utf16le(got, reinterpret_cast<const std::uint8_t*>(in.data()), in.size(), e);
          ASSERT_EQ(got, escaped_piecewise(pieces, e))
              << "escape " << static_cast<int>(e) << ", special " << k << " at " << at << " of "
              << len;
        }
      }
    }
  }
}

TEST(Utf16, stop_at_nul_ends_the_text_inside_a_vector_step) {
  for (std::size_t at = 0; at < 40; ++at) {
    const std::u16string in = std::u16string(at, u'a') + u'\0' + std::u16string(20, u'b');
    std::string got;
    append_utf16le(got, reinterpret_cast<const std::uint8_t*>(in.data()), in.size(), Escape::kJson,
                   /*stop_at_nul=*/true);
    ASSERT_EQ(got, std::string(at, 'a')) << at;
  }
}

TEST(XmlEscape, long_runs_escape_like_single_characters) {
  // append_escaped (XML) and append_latin1 skip 16 plain bytes at a time: a special byte at
  // every position of runs around that width gives what escaping it alone gives.
  const std::string specials[] = {
      "&", "<", ">", "\"", "'", "\n", "\t", "\x01", std::string(1, '\0'), "\x7f"};
  for (Escape e : {Escape::kXmlText, Escape::kXmlAttr, Escape::kJson, Escape::kNone}) {
    for (const std::string& sp : specials) {
      for (std::size_t len = 0; len < 40; ++len) {
        for (std::size_t at = 0; at <= len; ++at) {
          const std::string in = std::string(at, 'a') + sp + std::string(len - at, 'b');
          std::vector<std::string> pieces(at, "a");
          pieces.push_back(sp);
          pieces.insert(pieces.end(), len - at, "b");
          const std::string want = escaped_piecewise(pieces, e);
          std::string got;
          append_escaped(got, in, e);
          ASSERT_EQ(got, want) << "escape " << static_cast<int>(e) << " at " << at << " of " << len;
          // Latin-1 drops NUL bytes and maps bytes >= 0x80; for ASCII it escapes the same way.
          std::string latin;
          append_latin1(latin,
                        std::span(reinterpret_cast<const std::uint8_t*>(in.data()), in.size()), e);
          std::string want_latin;
          for (const std::string& p : pieces) {
            if (p != std::string(1, '\0')) append_escaped(want_latin, p, e);
          }
          ASSERT_EQ(latin, want_latin) << "latin-1, escape " << static_cast<int>(e) << " at " << at;
        }
      }
    }
  }
}

}  // namespace cmdsentry
