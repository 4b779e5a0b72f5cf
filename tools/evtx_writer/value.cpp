#include "evtx_writer/value.h"

#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "core/time.h"
#include "core/utf.h"

namespace cmdsentry::evtxgen {
namespace {

struct TypeName {
  ValueType type;
  std::string_view name;
};

constexpr TypeName kTypeNames[] = {
    {ValueType::kNull, "null"},
    {ValueType::kString, "string"},
    {ValueType::kAnsiString, "ansistring"},
    {ValueType::kInt8, "int8"},
    {ValueType::kUInt8, "uint8"},
    {ValueType::kInt16, "int16"},
    {ValueType::kUInt16, "uint16"},
    {ValueType::kInt32, "int32"},
    {ValueType::kUInt32, "uint32"},
    {ValueType::kInt64, "int64"},
    {ValueType::kUInt64, "uint64"},
    {ValueType::kBool, "bool"},
    {ValueType::kBinary, "binary"},
    {ValueType::kGuid, "guid"},
    {ValueType::kFiletime, "filetime"},
    {ValueType::kSystemtime, "systemtime"},
    {ValueType::kSid, "sid"},
    {ValueType::kHexInt32, "hexint32"},
    {ValueType::kHexInt64, "hexint64"},
};

bool is_signed(ValueType t) {
  return t == ValueType::kInt8 || t == ValueType::kInt16 || t == ValueType::kInt32 ||
         t == ValueType::kInt64;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Decimal ("-12", "4688") or hexadecimal ("0x1a2c") to 64 bits, checked against the width.
Result<std::uint64_t> parse_integer(ValueType type, std::string_view text) {
  const std::size_t width = fixed_width(type);
  bool negative = false;
  std::string_view digits = text;
  if (!digits.empty() && digits[0] == '-') {
    negative = true;
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  }
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) {
    return fail(ErrorCode::kInvalidArgument, fmt::format("not an integer: '{}'", text));
  }
  if (negative && !is_signed(type)) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("negative value for unsigned: '{}'", text));
  }
  const int bits = static_cast<int>(width * 8);
  if (bits < 64) {
    const std::uint64_t limit = is_signed(type) ? (1ULL << (bits - 1)) : (1ULL << bits) - 1;
    if (v > limit || (is_signed(type) && !negative && v == limit)) {
      return fail(ErrorCode::kInvalidArgument, fmt::format("out of range: '{}'", text));
    }
  }
  return negative ? static_cast<std::uint64_t>(-static_cast<std::int64_t>(v)) : v;
}

Result<std::vector<std::uint8_t>> parse_hex_bytes(std::string_view text) {
  if (text.size() % 2 != 0) {
    return fail(ErrorCode::kInvalidArgument, "binary hex text has an odd number of digits");
  }
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = hex_digit(text[i]);
    const int lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) return fail(ErrorCode::kInvalidArgument, "binary text is not hex");
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

/// SYSTEMTIME fields from FILETIME ticks, using the core formatter for the civil date.
Value systemtime_from_filetime(std::uint64_t ft) {
  std::string iso;
  append_filetime_iso(iso, ft, 7);  // YYYY-MM-DDTHH:MM:SS.fffffffZ
  auto num = [&](std::size_t pos, std::size_t n) {
    std::uint16_t v = 0;
    for (std::size_t i = 0; i < n; ++i)
      v = static_cast<std::uint16_t>(v * 10 + (iso[pos + i] - '0'));
    return v;
  };
  const std::uint64_t days = ft / 864000000000ULL;
  const std::uint16_t fields[8] = {
      num(0, 4),  num(5, 2),  static_cast<std::uint16_t>((days + 1) % 7),
      num(8, 2),  num(11, 2), num(14, 2),
      num(17, 2), num(20, 3)};
  Value v{ValueType::kSystemtime, {}};
  for (std::uint16_t f : fields) {
    v.bytes.push_back(static_cast<std::uint8_t>(f));
    v.bytes.push_back(static_cast<std::uint8_t>(f >> 8));
  }
  return v;
}

}  // namespace

std::size_t fixed_width(ValueType type) {
  switch (type) {
    case ValueType::kInt8:
    case ValueType::kUInt8:
      return 1;
    case ValueType::kInt16:
    case ValueType::kUInt16:
      return 2;
    case ValueType::kInt32:
    case ValueType::kUInt32:
    case ValueType::kBool:
    case ValueType::kHexInt32:
      return 4;
    case ValueType::kInt64:
    case ValueType::kUInt64:
    case ValueType::kFiletime:
    case ValueType::kHexInt64:
      return 8;
    case ValueType::kGuid:
    case ValueType::kSystemtime:
      return 16;
    default:
      return 0;
  }
}

Value Value::string(std::string_view utf8) {
  Value v{ValueType::kString, {}};
  for (char16_t c : utf8_to_utf16(utf8)) {
    v.bytes.push_back(static_cast<std::uint8_t>(c));
    v.bytes.push_back(static_cast<std::uint8_t>(c >> 8));
  }
  return v;
}

Value Value::ansi_string(std::string_view bytes) {
  return {ValueType::kAnsiString, std::vector<std::uint8_t>(bytes.begin(), bytes.end())};
}

Value Value::integer(ValueType type, std::uint64_t v) {
  Value out{type, {}};
  for (std::size_t i = 0; i < fixed_width(type); ++i) {
    out.bytes.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  return out;
}

Value Value::binary(std::span<const std::uint8_t> b) {
  return {ValueType::kBinary, std::vector<std::uint8_t>(b.begin(), b.end())};
}

Value Value::guid(const std::array<std::uint8_t, 16>& g) {
  return {ValueType::kGuid, std::vector<std::uint8_t>(g.begin(), g.end())};
}

Value Value::sid(std::vector<std::uint8_t> encoded) {
  return {ValueType::kSid, std::move(encoded)};
}

std::optional<ValueType> value_type_from_name(std::string_view name) {
  for (const auto& t : kTypeNames) {
    if (t.name == name) return t.type;
  }
  return std::nullopt;
}

std::string_view value_type_name(ValueType type) {
  for (const auto& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "?";
}

Result<std::vector<std::uint8_t>> encode_sid(std::string_view text) {
  if (text.size() < 4 || text.substr(0, 2) != "S-") {
    return fail(ErrorCode::kInvalidArgument, fmt::format("not a SID: '{}'", text));
  }
  std::vector<std::uint64_t> parts;
  std::string_view rest = text.substr(2);
  while (true) {
    const std::size_t dash = rest.find('-');
    const std::string_view part = rest.substr(0, dash);
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc{} || end != part.data() + part.size()) {
      return fail(ErrorCode::kInvalidArgument, fmt::format("not a SID: '{}'", text));
    }
    parts.push_back(v);
    if (dash == std::string_view::npos) break;
    rest.remove_prefix(dash + 1);
  }
  // parts: revision, authority, sub-authorities (0..15 of them).
  if (parts.size() < 2 || parts.size() > 17 || parts[0] > 255 || parts[1] >= (1ULL << 48)) {
    return fail(ErrorCode::kInvalidArgument, fmt::format("SID out of range: '{}'", text));
  }
  std::vector<std::uint8_t> out{static_cast<std::uint8_t>(parts[0]),
                                static_cast<std::uint8_t>(parts.size() - 2)};
  for (int i = 5; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(parts[1] >> (8 * i)));
  for (std::size_t i = 2; i < parts.size(); ++i) {
    if (parts[i] > 0xFFFFFFFFULL) {
      return fail(ErrorCode::kInvalidArgument, fmt::format("SID out of range: '{}'", text));
    }
    for (int b = 0; b < 4; ++b) out.push_back(static_cast<std::uint8_t>(parts[i] >> (8 * b)));
  }
  return out;
}

Result<std::array<std::uint8_t, 16>> encode_guid(std::string_view text) {
  if (text.size() == 38 && text.front() == '{' && text.back() == '}') text = text.substr(1, 36);
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
      text[23] != '-') {
    return fail(ErrorCode::kInvalidArgument, fmt::format("not a GUID: '{}'", text));
  }
  std::uint8_t raw[16];  // bytes in text order
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '-') continue;
    const int hi = hex_digit(text[i]);
    const int lo = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
    if (hi < 0 || lo < 0)
      return fail(ErrorCode::kInvalidArgument, fmt::format("not a GUID: '{}'", text));
    raw[n++] = static_cast<std::uint8_t>(hi * 16 + lo);
    ++i;
  }
  // Data1 (4), Data2 (2), Data3 (2) are little-endian on disk; Data4 stays in text order.
  return std::array<std::uint8_t, 16>{raw[3],  raw[2],  raw[1],  raw[0], raw[5],  raw[4],
                                      raw[7],  raw[6],  raw[8],  raw[9], raw[10], raw[11],
                                      raw[12], raw[13], raw[14], raw[15]};
}

Result<Value> value_from_text(ValueType type, std::string_view text) {
  switch (type) {
    case ValueType::kNull:
      return Value::null();
    case ValueType::kString:
      return Value::string(text);
    case ValueType::kAnsiString:
      return Value::ansi_string(text);
    case ValueType::kBool:
      if (text == "true" || text == "1") return Value::boolean(true);
      if (text == "false" || text == "0") return Value::boolean(false);
      return fail(ErrorCode::kInvalidArgument, fmt::format("not a bool: '{}'", text));
    case ValueType::kBinary: {
      auto bytes = parse_hex_bytes(text);
      if (!bytes) return tl::unexpected(bytes.error());
      return Value::binary(*bytes);
    }
    case ValueType::kGuid: {
      auto g = encode_guid(text);
      if (!g) return tl::unexpected(g.error());
      return Value::guid(*g);
    }
    case ValueType::kSid: {
      auto s = encode_sid(text);
      if (!s) return tl::unexpected(s.error());
      return Value::sid(std::move(*s));
    }
    case ValueType::kFiletime:
    case ValueType::kSystemtime: {
      auto ft = parse_iso_time(text);
      if (!ft) {
        auto ticks = parse_integer(ValueType::kUInt64, text);
        if (!ticks) return fail(ErrorCode::kInvalidArgument, fmt::format("not a time: '{}'", text));
        ft = *ticks;
      }
      return type == ValueType::kFiletime ? Value::filetime(*ft) : systemtime_from_filetime(*ft);
    }
    default: {
      auto v = parse_integer(type, text);
      if (!v) return tl::unexpected(v.error());
      return Value::integer(type, *v);
    }
  }
}

}  // namespace cmdsentry::evtxgen
