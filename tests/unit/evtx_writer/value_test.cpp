#include "evtx_writer/value.h"

#include <gtest/gtest.h>

namespace cmdsentry::evtxgen {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(Value, string_is_utf16le_without_terminator) {
  EXPECT_EQ(Value::string("Ab").bytes, (Bytes{'A', 0, 'b', 0}));
  EXPECT_EQ(Value::string("\xC3\xA9").bytes, (Bytes{0xE9, 0}));  // é
  EXPECT_EQ(Value::string("").bytes.size(), 0U);
  EXPECT_EQ(Value::string("x").type, ValueType::kString);
}

TEST(Value, integers_have_their_width_little_endian) {
  EXPECT_EQ(Value::uint8(0xAB).bytes, (Bytes{0xAB}));
  EXPECT_EQ(Value::uint16(0x1234).bytes, (Bytes{0x34, 0x12}));
  EXPECT_EQ(Value::uint32(0x01020304).bytes, (Bytes{4, 3, 2, 1}));
  EXPECT_EQ(Value::hex64(0x3e7).bytes, (Bytes{0xe7, 0x03, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Value::hex32(0x1f).type, ValueType::kHexInt32);
  EXPECT_EQ(Value::boolean(true).bytes, (Bytes{1, 0, 0, 0}));
  EXPECT_EQ(Value::filetime(1).bytes.size(), 8U);
}

TEST(Value, integer_text_accepts_decimal_hex_and_negative_signed) {
  EXPECT_EQ(value_from_text(ValueType::kUInt32, "4688")->bytes, (Bytes{0x50, 0x12, 0, 0}));
  EXPECT_EQ(value_from_text(ValueType::kHexInt64, "0x1A2c")->bytes,
            (Bytes{0x2c, 0x1a, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(value_from_text(ValueType::kInt16, "-2")->bytes, (Bytes{0xFE, 0xFF}));
  EXPECT_EQ(value_from_text(ValueType::kInt8, "-128")->bytes, (Bytes{0x80}));
}

TEST(Value, integer_text_rejects_out_of_range_and_garbage) {
  EXPECT_FALSE(value_from_text(ValueType::kUInt8, "256"));
  EXPECT_FALSE(value_from_text(ValueType::kInt8, "128"));
  EXPECT_FALSE(value_from_text(ValueType::kUInt16, "-1"));
  EXPECT_FALSE(value_from_text(ValueType::kUInt32, "12x"));
  EXPECT_FALSE(value_from_text(ValueType::kUInt32, ""));
  EXPECT_FALSE(value_from_text(ValueType::kBool, "yes"));
  EXPECT_FALSE(value_from_text(ValueType::kBinary, "ABC"));
  EXPECT_FALSE(value_from_text(ValueType::kFiletime, "yesterday"));
}

TEST(Value, sid_encoding_matches_the_binary_layout) {
  // S-1-5-18: revision 1, 1 sub-authority, authority 5 big-endian in 6 bytes, 18 little-endian.
  EXPECT_EQ(*encode_sid("S-1-5-18"), (Bytes{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}));
  auto domain = encode_sid("S-1-5-21-1111111111-2222222222-3333333333-1104");
  ASSERT_TRUE(domain);
  EXPECT_EQ(domain->size(), 8U + 5 * 4);
  EXPECT_EQ((*domain)[1], 5);
  EXPECT_EQ((*domain)[24], 0x50);  // 1104 = 0x450
  EXPECT_EQ((*domain)[25], 0x04);
  EXPECT_EQ(*encode_sid("S-1-0-0"), (Bytes{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(encode_sid("S-1-16-8192")->size(), 12U);
}

TEST(Value, sid_rejects_malformed_text) {
  EXPECT_FALSE(encode_sid("S-1"));
  EXPECT_FALSE(encode_sid("X-1-5-18"));
  EXPECT_FALSE(encode_sid("S-1-5--18"));
  EXPECT_FALSE(encode_sid("S-1-5-4294967296"));
  EXPECT_FALSE(encode_sid("S-256-5-18"));
}

TEST(Value, guid_has_little_endian_first_three_groups) {
  const std::array<std::uint8_t, 16> want{0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49,
                                          0xA5, 0xBA, 0x3E, 0x3B, 0x03, 0x28, 0xC3, 0x0D};
  EXPECT_EQ(*encode_guid("{54849625-5478-4994-A5BA-3E3B0328C30D}"), want);
  EXPECT_EQ(*encode_guid("54849625-5478-4994-a5ba-3e3b0328c30d"), want);
  EXPECT_FALSE(encode_guid("54849625-5478-4994-a5ba-3e3b0328c30"));
  EXPECT_FALSE(encode_guid("{54849625+5478-4994-a5ba-3e3b0328c30d}"));
}

TEST(Value, times_and_systemtime_fields) {
  auto ft = value_from_text(ValueType::kFiletime, "1601-01-01T00:00:00.0000001Z");
  ASSERT_TRUE(ft);
  EXPECT_EQ(ft->bytes, (Bytes{1, 0, 0, 0, 0, 0, 0, 0}));
  auto st = value_from_text(ValueType::kSystemtime, "2026-03-02T09:14:07.250Z");
  ASSERT_TRUE(st);
  // year, month, day-of-week (2026-03-02 is a Monday = 1), day, hour, minute, second, ms
  EXPECT_EQ(st->bytes, (Bytes{0xEA, 0x07, 3, 0, 1, 0, 2, 0, 9, 0, 14, 0, 7, 0, 250, 0}));
}

TEST(Value, type_names_round_trip) {
  for (const char* name : {"string", "uint8", "uint16", "uint32", "uint64", "hexint32", "hexint64",
                           "filetime", "sid", "guid", "bool", "binary", "int64"}) {
    auto t = value_type_from_name(name);
    ASSERT_TRUE(t) << name;
    EXPECT_EQ(value_type_name(*t), name);
  }
  EXPECT_FALSE(value_type_from_name("uint128"));
}

}  // namespace
}  // namespace cmdsentry::evtxgen
