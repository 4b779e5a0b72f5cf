#include "cmdline/obfuscation.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "cmdline/text.h"

namespace cmdsentry::cmdline {
namespace {

inline bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace

bool has_odd_quoting(std::string_view t) {
  for (std::size_t i = 1; i + 1 < t.size(); ++i) {
    if (t[i] != '"') continue;
    if (is_alnum(t[i - 1]) && is_alnum(t[i + 1])) return true;
    if (t[i + 1] == '"' && i + 2 < t.size() && is_alnum(t[i - 1]) && is_alnum(t[i + 2])) {
      return true;
    }
  }
  return false;
}

bool has_blank_padding(std::string_view t) {
  bool q = false;
  std::size_t run = 0;
  for (char c : t) {
    if (c == '"') q = !q;
    if (!q && (c == ' ' || c == '\t')) {
      if (++run >= kPaddingRun) return true;
    } else {
      run = 0;
    }
  }
  return false;
}

bool is_mixed_case_word(std::string_view w) {
  int switches = 0;
  int uppers = 0;
  int letters = 0;
  char prev = 0;
  for (char c : w) {
    if (!is_upper(c) && !is_lower(c)) {
      prev = 0;
      continue;
    }
    ++letters;
    uppers += is_upper(c);
    if (prev != 0 && is_upper(prev) != is_upper(c)) ++switches;
    prev = c;
  }
  if (letters < 3 || uppers == 0 || uppers == letters) return false;
  // "Net", "PowerShell", "WhoAmI" (CamelCase) are normal; "NeT", "uSeR", "wHoAmI" are not.
  // CamelCase: every capital is followed by a small letter (MpCmdRun, PowerShell, PsExec).
  bool camel = true;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (is_upper(w[i]) && !(i + 1 < w.size() && is_lower(w[i + 1]))) camel = false;
  }
  const bool starts_lower = is_lower(w.front());
  const bool ends_upper = is_upper(w.back());
  if (starts_lower) return true;
  if (ends_upper && switches >= 2 && letters <= 6) return true;  // NeT, WhoAmI
  return !camel && switches >= 3;
}

bool has_control_chars(std::string_view t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    // Eight bytes at a time past plain printable ASCII (0x20-0x7e), which is nearly every
    // command line: a byte below 0x20 or of 0x7f and above sets its high bit in `odd`.
    while (i + 8 <= t.size()) {
      std::uint64_t w;
      std::memcpy(&w, t.data() + i, 8);
      constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
      constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
      const std::uint64_t below_space = (w - 0x20 * kOnes) & ~w;
      const std::uint64_t at_least_7f = (w + 0x01 * kOnes) | w;
      if (((below_space | at_least_7f) & kHigh) != 0) break;
      i += 8;
    }
    if (i >= t.size()) break;
    const auto c = static_cast<unsigned char>(t[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
    if (c != 0xE2 && c != 0xEF) continue;
    if (i + 2 >= t.size()) continue;  // too short for a 3-byte mark; a control byte may follow
    const auto b1 = static_cast<unsigned char>(t[i + 1]);
    const auto b2 = static_cast<unsigned char>(t[i + 2]);
    // UTF-8 of U+200B-U+200F: E2 80 8B-8F; U+202A-U+202E: E2 80 AA-AE; U+2066-U+2069:
    // E2 81 A6-A9; U+FEFF: EF BB BF.
    if (c == 0xE2 && b1 == 0x80 && ((b2 >= 0x8B && b2 <= 0x8F) || (b2 >= 0xAA && b2 <= 0xAE))) {
      return true;
    }
    if (c == 0xE2 && b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) return true;
    if (c == 0xEF && b1 == 0xBB && b2 == 0xBF) return true;
  }
  return false;
}

bool is_download_cradle(std::string_view script) {
  constexpr std::array<std::string_view, 5> kFetchAndRun = {
      "downloadstring", "downloadfile", "downloaddata", "start-bitstransfer", "net.webclient"};
  constexpr std::array<std::string_view, 5> kFetch = {"invoke-webrequest", "invoke-restmethod",
                                                      "iwr ", "irm ", "wget "};
  constexpr std::array<std::string_view, 2> kRun = {"iex", "invoke-expression"};
  auto any = [&](const auto& words) {
    return std::any_of(words.begin(), words.end(), [&](std::string_view w) {
      return ifind(script, w) != std::string_view::npos;
    });
  };
  return any(kFetchAndRun) || (any(kFetch) && any(kRun));
}

void add_reason(Analysis& a, Obfuscation r) {
  if (std::find(a.reasons.begin(), a.reasons.end(), r) == a.reasons.end()) a.reasons.push_back(r);
}

void compute_score(Analysis& a) {
  int score = 0;
  for (Obfuscation r : a.reasons) score += weight(r);
  a.obfuscation_score = std::min(score, 100);
}

}  // namespace cmdsentry::cmdline
