#include "cmdline/obfuscation.h"

#include <algorithm>

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

void add_reason(Analysis& a, Obfuscation r) {
  if (std::find(a.reasons.begin(), a.reasons.end(), r) == a.reasons.end()) a.reasons.push_back(r);
}

void compute_score(Analysis& a) {
  int score = 0;
  for (Obfuscation r : a.reasons) score += weight(r);
  a.obfuscation_score = std::min(score, 100);
}

}  // namespace cmdsentry::cmdline
