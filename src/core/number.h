#pragma once
/// Integer text as Windows logs write it ("8008", "0x1f48"), parsed and formatted without the
/// generality of std::from_chars/to_chars: ingestion converts several numbers per event.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cmdsentry {

/// Leading digits of `s` in base 10 or 16.
struct ParsedDigits {
  std::uint64_t value = 0;
  std::size_t used = 0;   ///< digits consumed (0: none)
  bool overflow = false;  ///< the digits do not fit 64 bits (value is then 0)
};

namespace detail {
/// Value of each byte as a hex digit, 0xFF for a non-digit.
inline constexpr auto kHexDigit = [] {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = 0xFF;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<std::uint8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<std::uint8_t>(c - 'A' + 10);
  return t;
}();
}  // namespace detail

[[nodiscard]] constexpr ParsedDigits parse_digits(std::string_view s, bool hex) {
  ParsedDigits r;
  const std::uint64_t base = hex ? 16 : 10;
  // A digit is below `base` in the table; anything else ends the number.
  const auto digit = [](char c) -> std::uint64_t {
    return detail::kHexDigit[static_cast<unsigned char>(c)];
  };
  // Up to 15 hex or 19 decimal digits cannot overflow: no check per digit (the common case).
  const std::size_t safe = hex ? 15 : 19;
  std::uint64_t v = 0;
  std::size_t i = 0;
  for (const std::size_t n = s.size() < safe ? s.size() : safe; i < n; ++i) {
    const std::uint64_t d = digit(s[i]);
    if (d >= base) {
      r.value = v;
      r.used = i;
      return r;
    }
    v = v * base + d;
  }
  for (; i < s.size(); ++i) {
    const std::uint64_t d = digit(s[i]);
    if (d >= base) break;
    if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, d, &v)) {
      r.overflow = true;
      v = 0;
      // Consume the rest of the digits so callers see where the number ends.
      while (i < s.size() && digit(s[i]) < base) ++i;
      break;
    }
  }
  r.value = v;
  r.used = i;
  return r;
}

/// True when `s` starts with "0x" or "0X" followed by something.
[[nodiscard]] constexpr bool has_hex_prefix(std::string_view s) {
  return s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

/// "0x1f48" (lower-case digits, as 4688 writes PIDs) into `buf`; returns the view of it.
inline std::string_view format_hex(std::uint64_t v, char (&buf)[20]) {
  char* end = buf + sizeof buf;
  char* p = end;
  do {
    *--p = "0123456789abcdef"[v & 0xF];
    v >>= 4;
  } while (v != 0);
  *--p = 'x';
  *--p = '0';
  return {p, static_cast<std::size_t>(end - p)};
}

}  // namespace cmdsentry
