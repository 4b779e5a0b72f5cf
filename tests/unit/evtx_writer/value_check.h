#pragma once
/// Test helper: does a reader's rendering of a field equal the value the writer stored?
/// Each type is compared in its meaning, not its spelling: the readers differ in hex padding,
/// GUID case and braces, Binary as hex or base64, and time formats (evtx-format.md §7).

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>

#include "core/time.h"
#include "core/utf.h"
#include "evtx_writer/event_spec.h"
#include "rendered_xml.h"

namespace cmdsentry::evtxgen::testing {

inline std::uint64_t le_bytes(const std::vector<std::uint8_t>& b) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < b.size() && i < 8; ++i)
    v |= static_cast<std::uint64_t>(b[i]) << (8 * i);
  return v;
}

inline std::string lower_no_braces(std::string s) {
  std::string out;
  for (char c : s) {
    if (c != '{' && c != '}') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

inline std::string base64(const std::vector<std::uint8_t>& b) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < b.size(); i += 3) {
    const std::uint32_t n =
        b[i] << 16 | (i + 1 < b.size() ? b[i + 1] << 8 : 0) | (i + 2 < b.size() ? b[i + 2] : 0);
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += i + 1 < b.size() ? kAlphabet[n >> 6 & 63] : '=';
    out += i + 2 < b.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

/// The canonical text of a GUID value: lower-case, no braces.
inline std::string guid_text(const std::vector<std::uint8_t>& g) {
  char buf[40];
  std::snprintf(buf, sizeof buf,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2],
                g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14],
                g[15]);
  return buf;
}

/// "S-1-5-..." from SID bytes.
inline std::string sid_text(const std::vector<std::uint8_t>& s) {
  std::uint64_t authority = 0;
  for (int i = 2; i < 8; ++i) authority = authority << 8 | s[i];
  std::string out = "S-" + std::to_string(s[0]) + "-" + std::to_string(authority);
  for (std::size_t i = 8; i + 4 <= s.size(); i += 4) {
    out += "-" + std::to_string(s[i] | s[i + 1] << 8 | s[i + 2] << 16 |
                                static_cast<std::uint32_t>(s[i + 3]) << 24);
  }
  return out;
}

/// Empty when `rendered` shows `f`'s value; otherwise what differs.
inline std::string check_value(Tool tool, const DataField& f,
                               const std::optional<std::string>& rendered) {
  const Value& v = f.value;
  if (v.is_null() || (v.bytes.empty() && f.type == ValueType::kString)) {
    // evtxexport drops a Null-valued optional element; python-evtx keeps it empty.
    if (!rendered || rendered->empty()) return {};
    return "expected empty, got '" + *rendered + "'";
  }
  if (!rendered) return "field missing";
  const std::string& r = *rendered;
  std::string want;
  switch (v.type) {
    case ValueType::kString:
      want = utf16le_to_utf8(v.bytes);
      break;
    case ValueType::kAnsiString:
      want.assign(v.bytes.begin(), v.bytes.end());
      break;
    case ValueType::kUInt8:
    case ValueType::kUInt16:
    case ValueType::kUInt32:
    case ValueType::kUInt64:
      want = std::to_string(le_bytes(v.bytes));
      break;
    case ValueType::kInt8:
      want = std::to_string(static_cast<std::int8_t>(le_bytes(v.bytes)));
      break;
    case ValueType::kInt16:
      want = std::to_string(static_cast<std::int16_t>(le_bytes(v.bytes)));
      break;
    case ValueType::kInt32:
      want = std::to_string(static_cast<std::int32_t>(le_bytes(v.bytes)));
      break;
    case ValueType::kInt64:
      want = std::to_string(static_cast<std::int64_t>(le_bytes(v.bytes)));
      break;
    case ValueType::kHexInt32:
    case ValueType::kHexInt64:
      if (r.rfind("0x", 0) == 0 && std::stoull(r.substr(2), nullptr, 16) == le_bytes(v.bytes))
        return {};
      return "hex value differs: '" + r + "'";
    case ValueType::kBool:
      if (r == (le_bytes(v.bytes) ? "true" : "false") ||
          r == (le_bytes(v.bytes) ? "True" : "False"))
        return {};
      return "bool differs: '" + r + "'";
    case ValueType::kBinary: {
      std::string hex;
      for (std::uint8_t b : v.bytes) {
        hex += "0123456789ABCDEF"[b >> 4];
        hex += "0123456789ABCDEF"[b & 15];
      }
      want = tool == Tool::kEvtxexport ? hex : base64(v.bytes);
      break;
    }
    case ValueType::kGuid:
      if (lower_no_braces(r) == guid_text(v.bytes)) return {};
      return "guid differs: '" + r + "'";
    case ValueType::kSid:
      want = sid_text(v.bytes);
      break;
    case ValueType::kFiletime:
    case ValueType::kSystemtime: {
      std::string iso;
      std::uint64_t ft = le_bytes(v.bytes);
      if (v.type == ValueType::kSystemtime) {
        const auto& b = v.bytes;
        auto f16 = [&](int i) { return b[2 * i] | b[2 * i + 1] << 8; };
        char buf[64];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", f16(0), f16(1), f16(3),
                      f16(4), f16(5), f16(6));
        iso = buf;
      } else {
        append_filetime_iso(iso, ft, 0);
      }
      std::string got = r.substr(0, 19);
      if (got.size() == 19 && got[10] == ' ') got[10] = 'T';
      if (got == iso.substr(0, 19)) return {};
      return "time differs: '" + r + "' vs '" + iso + "'";
    }
    default:
      return "type not checked";
  }
  return r == want ? std::string() : "'" + r + "' != '" + want + "'";
}

}  // namespace cmdsentry::evtxgen::testing
