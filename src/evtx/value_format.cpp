#include "evtx/value_format.h"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "core/byte_reader.h"
#include "core/limits.h"
#include "core/time.h"
#include "core/utf.h"
#include "evtx/binxml.h"

namespace cmdsentry::evtx::detail {
namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";
constexpr char kLowerHex[] = "0123456789abcdef";

template <class T>
T load(std::span<const std::uint8_t> b) {
  T v{};
  std::memcpy(&v, b.data(), sizeof(T));
  return v;
}

void append_int(std::string& out, std::int64_t v) {
  if (v < 0) {
    out += '-';
    append_uint(out, static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(v));
  } else {
    append_uint(out, static_cast<std::uint64_t>(v));
  }
}

void append_hex_lower(std::string& out, std::uint64_t v) {
  char buf[20];
  char* p = buf + sizeof(buf);
  do {
    *--p = kLowerHex[v & 0xF];
    v >>= 4;
  } while (v != 0);
  *--p = 'x';
  *--p = '0';
  out.append(p, static_cast<std::size_t>(buf + sizeof(buf) - p));
}

void append_guid(std::string& out, std::span<const std::uint8_t> b, bool braces) {
  // Data1 (u32 LE), Data2 (u16 LE), Data3 (u16 LE), Data4 (8 bytes as stored).
  const std::uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  char buf[40];
  char* w = buf;
  if (braces) *w++ = '{';
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *w++ = '-';
    const std::uint8_t x = b[order[i]];
    *w++ = kUpperHex[x >> 4];
    *w++ = kUpperHex[x & 0xF];
  }
  if (braces) *w++ = '}';
  out.append(buf, static_cast<std::size_t>(w - buf));
}

bool append_sid(std::string& out, std::span<const std::uint8_t> b) {
  if (b.size() < 8) return false;
  const unsigned count = b[1];
  if (b.size() < 8 + 4 * static_cast<std::size_t>(count)) return false;
  // Most records of a log name the same few accounts (S-1-5-18...): each thread keeps the text
  // of the last SID it wrote, keyed by the bytes that make it.
  const std::size_t used = 8 + 4 * static_cast<std::size_t>(count);
  thread_local std::string last_bytes, last_text;
  if (last_bytes.size() == used && std::memcmp(last_bytes.data(), b.data(), used) == 0) {
    out += last_text;
    return true;
  }
  std::uint64_t authority = 0;
  for (int i = 2; i < 8; ++i) authority = (authority << 8) | b[i];
  // Up to 255 sub-authorities of 10 digits: format into a local buffer, append once.
  char buf[8 + 21 + 255 * 11];
  char* w = buf;
  auto put = [&w](std::uint64_t v) {
    char tmp[21];
    char* p = tmp + sizeof(tmp);
    do {
      *--p = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    const std::size_t n = static_cast<std::size_t>(tmp + sizeof(tmp) - p);
    std::memcpy(w, p, n);
    w += n;
  };
  *w++ = 'S';
  *w++ = '-';
  put(b[0]);
  *w++ = '-';
  put(authority);
  for (unsigned i = 0; i < count; ++i) {
    *w++ = '-';
    put(ByteReader::at<std::uint32_t>(b, 8 + 4 * i));
  }
  out.append(buf, static_cast<std::size_t>(w - buf));
  last_bytes.assign(reinterpret_cast<const char*>(b.data()), used);
  last_text.assign(buf, static_cast<std::size_t>(w - buf));
  return true;
}

void append_real(std::string& out, double v) {
  if (std::isnan(v) || std::isinf(v)) {
    out += std::isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf");
    return;
  }
  out += fmt::format("{}", v);
}

std::size_t fixed_width(std::uint8_t base) {
  switch (base) {
    case kInt8:
    case kUInt8:
      return 1;
    case kInt16:
    case kUInt16:
      return 2;
    case kInt32:
    case kUInt32:
    case kReal32:
    case kBool:
    case kHexInt32:
      return 4;
    case kInt64:
    case kUInt64:
    case kReal64:
    case kFileTime:
    case kHexInt64:
      return 8;
    case kGuid:
    case kSysTime:
      return 16;
    default:
      return 0;
  }
}

}  // namespace

void append_uint(std::string& out, std::uint64_t v) {
  // Two digits per step from a table of pairs: record ids, process ids and sizes are numbers
  // in nearly every record.
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  if (v < 10) {  // Version, Level, Opcode...: one character, no copy call
    out += static_cast<char>('0' + v);
    return;
  }
  char buf[24];
  char* p = buf + sizeof(buf);
  while (v >= 100) {
    const std::uint64_t q = v / 100;
    const auto r = static_cast<unsigned>(v - q * 100);
    p -= 2;
    std::memcpy(p, kPairs + 2 * r, 2);
    v = q;
  }
  if (v >= 10) {
    p -= 2;
    std::memcpy(p, kPairs + 2 * v, 2);
  } else {
    *--p = static_cast<char>('0' + v);
  }
  out.append(p, static_cast<std::size_t>(buf + sizeof(buf) - p));
}

bool is_json_scalar_type(std::uint8_t type) {
  switch (type) {
    case kInt8:
    case kUInt8:
    case kInt16:
    case kUInt16:
    case kInt32:
    case kUInt32:
    case kInt64:
    case kUInt64:
    case kReal32:
    case kReal64:
    case kBool:
      return true;
    default:
      return false;
  }
}

void append_hex_upper(std::string& out, std::span<const std::uint8_t> b) {
  const std::size_t start = out.size();
  out.resize(start + 2 * b.size());
  char* w = out.data() + start;
  for (std::uint8_t x : b) {
    *w++ = kUpperHex[x >> 4];
    *w++ = kUpperHex[x & 0xF];
  }
}

bool value_as_uint(std::span<const std::uint8_t> b, std::uint8_t type, std::uint64_t& v) {
  switch (type) {
    case kInt8:
    case kUInt8:
      if (b.size() < 1) return false;
      v = b[0];
      return true;
    case kInt16:
    case kUInt16:
      if (b.size() < 2) return false;
      v = load<std::uint16_t>(b);
      return true;
    case kInt32:
    case kUInt32:
    case kHexInt32:
    case kBool:
      if (b.size() < 4) return false;
      v = load<std::uint32_t>(b);
      return true;
    case kInt64:
    case kUInt64:
    case kHexInt64:
    case kFileTime:
      if (b.size() < 8) return false;
      v = load<std::uint64_t>(b);
      return true;
    case kSizeT:
      if (b.size() == 4) {
        v = load<std::uint32_t>(b);
        return true;
      }
      if (b.size() == 8) {
        v = load<std::uint64_t>(b);
        return true;
      }
      return false;
    default:
      return false;
  }
}

bool append_value(std::string& out, std::span<const std::uint8_t> b, std::uint8_t type,
                  ValueStyle style) {
  const bool json = style == ValueStyle::kJsonTyped || style == ValueStyle::kJsonInString;
  const Escape esc = json                            ? Escape::kJson
                     : style == ValueStyle::kXml     ? Escape::kXmlText
                     : style == ValueStyle::kXmlAttr ? Escape::kXmlAttr
                                                     : Escape::kNone;
  const bool quote = style == ValueStyle::kJsonTyped && !is_json_scalar_type(type);
  const std::size_t need = fixed_width(type);
  if (need != 0 && b.size() < need) {
    if (style == ValueStyle::kJsonTyped) out += "null";
    return false;
  }
  if (type == kString) {
    // The hot case: one pass writes quotes and text (quote == kJsonTyped for strings).
    append_string_value(out, b, style);
    return true;
  }
  if (quote) out += '"';
  bool ok = true;
  switch (type) {
    case kNull:
      break;
    case kString: {
      std::size_t units = b.size() / 2;
      while (units > 0 && b[2 * units - 2] == 0 && b[2 * units - 1] == 0) --units;
      append_utf16le(out, b.data(), units, esc);
      break;
    }
    case kAnsiString: {
      // Code-page text: keep ASCII, map the rest as Latin-1, drop NULs.
      append_latin1(out, b, esc);
      break;
    }
    case kInt8:
      append_int(out, static_cast<std::int8_t>(b[0]));
      break;
    case kUInt8:
      append_uint(out, b[0]);
      break;
    case kInt16:
      append_int(out, load<std::int16_t>(b));
      break;
    case kUInt16:
      append_uint(out, load<std::uint16_t>(b));
      break;
    case kInt32:
      append_int(out, load<std::int32_t>(b));
      break;
    case kUInt32:
      append_uint(out, load<std::uint32_t>(b));
      break;
    case kInt64:
      append_int(out, load<std::int64_t>(b));
      break;
    case kUInt64:
      append_uint(out, load<std::uint64_t>(b));
      break;
    case kReal32:
      append_real(out, load<float>(b));
      break;
    case kReal64:
      append_real(out, load<double>(b));
      break;
    case kBool: {
      const bool t = load<std::uint32_t>(b) != 0;
      out += json ? (t ? "true" : "false") : (t ? "true" : "false");
      break;
    }
    case kBinary:
      append_hex_upper(out, b);
      break;
    case kGuid:
      append_guid(out, b, !json);
      break;
    case kSizeT:
      if (b.size() == 4) {
        append_hex_lower(out, load<std::uint32_t>(b));
      } else if (b.size() == 8) {
        append_hex_lower(out, load<std::uint64_t>(b));
      } else {
        ok = false;
      }
      break;
    case kFileTime:
      append_filetime_iso(out, load<std::uint64_t>(b), json ? 6 : 7);
      break;
    case kSysTime: {
      const auto f = [&](int i) { return ByteReader::at<std::uint16_t>(b, 2 * i); };
      // evtx_dump writes microseconds, Windows 100 ns units: keep each output's precision.
      out += fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:0{}}Z", f(0), f(1), f(3), f(4),
                         f(5), f(6), json ? f(7) * 1000u : f(7) * 10000u, json ? 6 : 7);
      break;
    }
    case kSid:
      ok = append_sid(out, b);
      break;
    case kHexInt32:
      append_hex_lower(out, load<std::uint32_t>(b));
      break;
    case kHexInt64:
      append_hex_lower(out, load<std::uint64_t>(b));
      break;
    default:
      // EvtHandle, EvtXml and unknown types: show the bytes rather than lose them.
      append_hex_upper(out, b);
      ok = type == kEvtHandle || type == kEvtXml;
      break;
  }
  if (quote) out += '"';
  return ok;
}

void split_array(std::span<const std::uint8_t> b, std::uint8_t type,
                 std::vector<std::span<const std::uint8_t>>& items) {
  items.clear();
  const std::uint8_t base = type & 0x7F;
  if (base == kString) {
    std::size_t start = 0;
    for (std::size_t i = 0; i + 1 < b.size() && items.size() < limits::kMaxArrayItems; i += 2) {
      if (b[i] == 0 && b[i + 1] == 0) {
        items.push_back(b.subspan(start, i - start));
        start = i + 2;
      }
    }
    // Past the cap the rest is dropped, not kept as one last item holding all of it.
    if (start + 1 < b.size() && items.size() < limits::kMaxArrayItems) {
      items.push_back(b.subspan(start));
    }
    return;
  }
  if (base == kAnsiString) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < b.size() && items.size() < limits::kMaxArrayItems; ++i) {
      if (b[i] == 0) {
        items.push_back(b.subspan(start, i - start));
        start = i + 1;
      }
    }
    if (start < b.size() && items.size() < limits::kMaxArrayItems) {
      items.push_back(b.subspan(start));
    }
    return;
  }
  if (base == kSid) {
    std::size_t pos = 0;
    while (pos + 8 <= b.size() && items.size() < limits::kMaxArrayItems) {
      const std::size_t len = 8 + 4 * static_cast<std::size_t>(b[pos + 1]);
      if (pos + len > b.size()) break;
      items.push_back(b.subspan(pos, len));
      pos += len;
    }
    return;
  }
  std::size_t width = fixed_width(base);
  if (base == kSizeT) width = 8;
  if (width == 0) {
    items.push_back(b);
    return;
  }
  for (std::size_t pos = 0; pos + width <= b.size() && items.size() < limits::kMaxArrayItems;
       pos += width) {
    items.push_back(b.subspan(pos, width));
  }
}

}  // namespace cmdsentry::evtx::detail
