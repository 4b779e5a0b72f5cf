#include "core/number.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace cmdsentry {
namespace {

TEST(Number, decimal_and_hex_digits) {
  EXPECT_EQ(parse_digits("8008", false).value, 8008u);
  EXPECT_EQ(parse_digits("8008", false).used, 4u);
  EXPECT_EQ(parse_digits("1f48", true).value, 0x1f48u);
  EXPECT_EQ(parse_digits("1F48", true).value, 0x1f48u);
  // Stops at the first non-digit; hex letters are not decimal digits.
  EXPECT_EQ(parse_digits("12ab", false).value, 12u);
  EXPECT_EQ(parse_digits("12ab", false).used, 2u);
  EXPECT_EQ(parse_digits("", false).used, 0u);
  EXPECT_EQ(parse_digits("x1", true).used, 0u);
}

TEST(Number, overflow_is_reported_and_consumes_the_digits) {
  EXPECT_EQ(parse_digits("18446744073709551615", false).value, UINT64_MAX);
  EXPECT_FALSE(parse_digits("18446744073709551615", false).overflow);
  const ParsedDigits big = parse_digits("18446744073709551616 rest", false);
  EXPECT_TRUE(big.overflow);
  EXPECT_EQ(big.value, 0u);
  EXPECT_EQ(big.used, 20u);
  EXPECT_TRUE(parse_digits("1ffffffffffffffff", true).overflow);
  EXPECT_EQ(parse_digits("ffffffffffffffff", true).value, UINT64_MAX);
}

TEST(Number, hex_prefix_and_format) {
  EXPECT_TRUE(has_hex_prefix("0x1"));
  EXPECT_TRUE(has_hex_prefix("0X1"));
  EXPECT_FALSE(has_hex_prefix("0x"));
  EXPECT_FALSE(has_hex_prefix("10"));
  char buf[20];
  EXPECT_EQ(format_hex(0, buf), "0x0");
  EXPECT_EQ(format_hex(0x2214, buf), "0x2214");
  EXPECT_EQ(format_hex(UINT64_MAX, buf), "0xffffffffffffffff");
}

}  // namespace
}  // namespace cmdsentry
