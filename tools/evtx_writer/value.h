#pragma once
/// Typed substitution values as BinXml stores them: a type byte plus the exact bytes that go
/// into a template instance's value array (evtx-format.md §6.3 and §7).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace cmdsentry::evtxgen {

/// BinXml value type byte. Only the types the writer can encode are listed.
enum class ValueType : std::uint8_t {
  kNull = 0x00,
  kString = 0x01,      ///< UTF-16LE, no NUL
  kAnsiString = 0x02,  ///< 8-bit bytes as given
  kInt8 = 0x03,
  kUInt8 = 0x04,
  kInt16 = 0x05,
  kUInt16 = 0x06,
  kInt32 = 0x07,
  kUInt32 = 0x08,
  kInt64 = 0x09,
  kUInt64 = 0x0A,
  kBool = 0x0D,  ///< 32-bit 0/1
  kBinary = 0x0E,
  kGuid = 0x0F,
  kFiletime = 0x11,
  kSystemtime = 0x12,
  kSid = 0x13,
  kHexInt32 = 0x14,
  kHexInt64 = 0x15,
};

/// One encoded value. A Null value has type kNull and no bytes.
struct Value {
  ValueType type = ValueType::kNull;
  std::vector<std::uint8_t> bytes;

  [[nodiscard]] bool is_null() const { return type == ValueType::kNull; }

  /// Absent optional value (type 0x00, size 0).
  static Value null() { return {}; }
  /// UTF-8 text stored as UTF-16LE without terminator.
  static Value string(std::string_view utf8);
  /// 8-bit text stored as-is.
  static Value ansi_string(std::string_view bytes);
  /// Any fixed-width integer type (Int8..UInt64, HexInt32/64, Bool, FILETIME). The value is
  /// truncated to the type's width.
  static Value integer(ValueType type, std::uint64_t v);
  static Value uint8(std::uint8_t v) { return integer(ValueType::kUInt8, v); }
  static Value uint16(std::uint16_t v) { return integer(ValueType::kUInt16, v); }
  static Value uint32(std::uint32_t v) { return integer(ValueType::kUInt32, v); }
  static Value uint64(std::uint64_t v) { return integer(ValueType::kUInt64, v); }
  static Value hex32(std::uint32_t v) { return integer(ValueType::kHexInt32, v); }
  static Value hex64(std::uint64_t v) { return integer(ValueType::kHexInt64, v); }
  static Value boolean(bool v) { return integer(ValueType::kBool, v ? 1 : 0); }
  static Value filetime(std::uint64_t ticks) { return integer(ValueType::kFiletime, ticks); }
  static Value binary(std::span<const std::uint8_t> b);
  /// 16 GUID bytes in on-disk order (Data1..3 little-endian).
  static Value guid(const std::array<std::uint8_t, 16>& g);
  /// Already-encoded SID bytes.
  static Value sid(std::vector<std::uint8_t> encoded);
};

/// Width in bytes of a fixed-size type, or 0 for variable-size ones.
[[nodiscard]] std::size_t fixed_width(ValueType type);

/// Parses a type name as used in the JSONL spec ("string", "uint32", "hexint64", "sid", ...).
[[nodiscard]] std::optional<ValueType> value_type_from_name(std::string_view name);

/// The spec name of a type (inverse of value_type_from_name).
[[nodiscard]] std::string_view value_type_name(ValueType type);

/// "S-1-5-21-1-2-3-1104" to its binary form (revision, count, 48-bit big-endian authority,
/// little-endian sub-authorities).
[[nodiscard]] Result<std::vector<std::uint8_t>> encode_sid(std::string_view text);

/// "{54849625-5478-4994-A5BA-3E3B0328C30D}" (braces optional, any case) to on-disk bytes.
[[nodiscard]] Result<std::array<std::uint8_t, 16>> encode_guid(std::string_view text);

/// Builds a value of `type` from its text form: decimal or 0x-hex for integers, ISO-8601 for
/// FILETIME/SYSTEMTIME, "true"/"false"/"1"/"0" for Bool, hex digits for Binary, S-1-... for SID,
/// GUID text for GUID. Fails with kInvalidArgument naming the problem.
[[nodiscard]] Result<Value> value_from_text(ValueType type, std::string_view text);

}  // namespace cmdsentry::evtxgen
