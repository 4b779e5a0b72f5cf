#include "cmdline/text.h"

namespace cmdsentry::cmdline {
namespace {

constexpr char lower(char c) { return ascii_lower(c); }

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(text[t])) &&
        pattern[p] != '*') {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::size_t dash_prefix(std::string_view s) {
  if (s.empty()) return 0;
  if (s[0] == '-' || s[0] == '/') return 1;
  if (s.size() < 3) return 0;
  const auto b0 = static_cast<unsigned char>(s[0]);
  const auto b1 = static_cast<unsigned char>(s[1]);
  const auto b2 = static_cast<unsigned char>(s[2]);
  // U+2010..U+2015 (hyphen .. horizontal bar) = E2 80 90..95; U+2212 minus = E2 88 92.
  if (b0 == 0xE2 && b1 == 0x80 && b2 >= 0x90 && b2 <= 0x95) return 3;
  if (b0 == 0xE2 && b1 == 0x88 && b2 == 0x92) return 3;
  // U+FE58 small em dash, U+FE63 small hyphen-minus = EF B9 98 / EF B9 A3; U+FF0D = EF BC 8D.
  if (b0 == 0xEF && b1 == 0xB9 && (b2 == 0x98 || b2 == 0xA3)) return 3;
  if (b0 == 0xEF && b1 == 0xBC && b2 == 0x8D) return 3;
  return 0;
}

bool is_unusual_dash(std::string_view s) { return dash_prefix(s) == 3; }

}  // namespace cmdsentry::cmdline
