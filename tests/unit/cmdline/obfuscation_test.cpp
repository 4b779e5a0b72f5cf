// has_control_chars skips printable ASCII eight bytes at a time; this checks it against the
// byte-by-byte definition with every byte value at every position of lines up to 24 bytes, and
// the invisible UTF-8 characters it must find wherever they start.
#include <gtest/gtest.h>

#include <string>

#include "cmdline/obfuscation.h"

namespace cmdsentry::cmdline {
namespace {

bool control_by_definition(std::string_view t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto c = static_cast<unsigned char>(t[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
    if (i + 2 >= t.size()) continue;
    const auto b1 = static_cast<unsigned char>(t[i + 1]);
    const auto b2 = static_cast<unsigned char>(t[i + 2]);
    if (c == 0xE2 && b1 == 0x80 && ((b2 >= 0x8B && b2 <= 0x8F) || (b2 >= 0xAA && b2 <= 0xAE))) {
      return true;
    }
    if (c == 0xE2 && b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) return true;
    if (c == 0xEF && b1 == 0xBB && b2 == 0xBF) return true;
  }
  return false;
}

TEST(HasControlChars, EveryByteAtEveryPosition) {
  int positives = 0;
  for (std::size_t len = 1; len <= 24; ++len) {
    for (std::size_t at = 0; at < len; ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string s(len, 'a');
        s[at] = static_cast<char>(b);
        ASSERT_EQ(has_control_chars(s), control_by_definition(s)) << len << " " << at << " " << b;
        positives += control_by_definition(s) ? 1 : 0;
      }
    }
  }
  EXPECT_GT(positives, 1000);
}

TEST(HasControlChars, InvisibleCharactersAtEveryOffset) {
  for (const std::string mark : {"\xE2\x80\x8B", "\xE2\x80\xAE", "\xE2\x81\xA6", "\xEF\xBB\xBF"}) {
    for (std::size_t at = 0; at < 20; ++at) {
      std::string s = std::string(at, 'x') + mark + "whoami /all";
      EXPECT_TRUE(has_control_chars(s)) << at;
    }
  }
  EXPECT_FALSE(has_control_chars("C:\\Windows\\system32\\cmd.exe /c \"net user\"\tx"));
  EXPECT_FALSE(has_control_chars("\xE2\x80"));         // cut short
  EXPECT_FALSE(has_control_chars("caf\xC3\xA9.exe"));  // ordinary UTF-8
  EXPECT_TRUE(has_control_chars("abcdefgh\x1b[31m"));
  EXPECT_TRUE(has_control_chars("abc\xE2\x01"));  // a control byte right after a lead byte
}

}  // namespace
}  // namespace cmdsentry::cmdline
