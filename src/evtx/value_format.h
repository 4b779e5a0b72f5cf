#pragma once
/// Text of BinXml substitution values, in the spelling each output uses:
///  - JSON (like evtx_dump): numbers bare, GUIDs upper-case without braces, FILETIME with 6
///    fractional digits, hex integers "0x..." unpadded, binary as upper-case hex;
///  - XML (like Windows): GUIDs in braces, FILETIME with 7 digits;
///  - plain: the XML spelling without escaping (for RawEvent fields).

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "core/utf.h"
#include "evtx/binxml.h"

namespace cmdsentry::evtx::detail {

enum class ValueStyle : std::uint8_t {
  kJsonTyped,     ///< a whole JSON value: number, true/false, or a quoted string
  kJsonInString,  ///< escaped text inside an already open JSON string
  kXml,           ///< XML-escaped text (element content)
  kXmlAttr,       ///< XML-escaped text inside a single- or double-quoted attribute value
  kPlain,         ///< raw UTF-8 text
};

/// True for types written as bare JSON numbers/booleans.
bool is_json_scalar_type(std::uint8_t type);

/// Appends one value (not an array) of `type` stored in `bytes`. Returns false when the bytes do
/// not fit the type (a placeholder is written instead, so output stays well-formed).
bool append_value(std::string& out, std::span<const std::uint8_t> bytes, std::uint8_t type,
                  ValueStyle style);

/// append_value for a kString value (the most common type), inlined where values are replayed.
inline void append_string_value(std::string& out, std::span<const std::uint8_t> b,
                                ValueStyle style) {
  std::size_t units = b.size() / 2;
  while (units > 0 && b[2 * units - 2] == 0 && b[2 * units - 1] == 0) --units;
  const Escape esc = style == ValueStyle::kJsonTyped || style == ValueStyle::kJsonInString
                         ? Escape::kJson
                     : style == ValueStyle::kXml     ? Escape::kXmlText
                     : style == ValueStyle::kXmlAttr ? Escape::kXmlAttr
                                                     : Escape::kNone;
  append_utf16le_quoted(out, b.data(), units, esc, false, style == ValueStyle::kJsonTyped);
}

/// Splits an array value (type with 0x80) into its items.
void split_array(std::span<const std::uint8_t> bytes, std::uint8_t type,
                 std::vector<std::span<const std::uint8_t>>& items);

/// Appends `v` in decimal.
void append_uint(std::string& out, std::uint64_t v);

/// append_value for the unsigned integer types, the same text in every style (bare decimal);
/// false, writing nothing, for any other type or a value too short for its type.
inline bool append_unsigned_value(std::string& out, std::span<const std::uint8_t> b,
                                  std::uint8_t type) {
  std::uint64_t v = 0;
  switch (type) {
    case kUInt8:
      if (b.empty()) return false;
      v = b[0];
      break;
    case kUInt16:
      if (b.size() < 2) return false;
      v = static_cast<std::uint64_t>(b[0]) | (static_cast<std::uint64_t>(b[1]) << 8);
      break;
    case kUInt32: {
      if (b.size() < 4) return false;
      std::uint32_t x;
      std::memcpy(&x, b.data(), 4);
      v = x;
      break;
    }
    case kUInt64:
      if (b.size() < 8) return false;
      std::memcpy(&v, b.data(), 8);
      break;
    default:
      return false;
  }
  append_uint(out, v);
  return true;
}

/// Appends `bytes` as upper-case hex.
void append_hex_upper(std::string& out, std::span<const std::uint8_t> bytes);

/// Reads an unsigned integer value of any integer type (for filters and RawEvent fields).
bool value_as_uint(std::span<const std::uint8_t> bytes, std::uint8_t type, std::uint64_t& out);

}  // namespace cmdsentry::evtx::detail
