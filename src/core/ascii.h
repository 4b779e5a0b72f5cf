#pragma once
/// ASCII text helpers for the whole code base. Windows compares program names, switches, field
/// and channel names case-insensitively; only ASCII letters are folded (non-ASCII bytes of UTF-8
/// stay as they are, so folding never breaks a multi-byte sequence). One copy here, so that
/// every module folds the same way.

#include <cstddef>
#include <string>
#include <string_view>

namespace cmdsentry {

/// A space or a tab: what separates words on a command line.
[[nodiscard]] constexpr bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// 'A'..'Z' -> 'a'..'z'; every other byte unchanged.
[[nodiscard]] constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

/// Position of the last `\` or `/` in a path, or npos. (std::string_view::find_last_of calls
/// memchr once per byte from the end: this runs for every image path of every event.)
[[nodiscard]] constexpr std::size_t last_path_separator(std::string_view path) {
  for (std::size_t i = path.size(); i-- > 0;) {
    if (path[i] == '\\' || path[i] == '/') return i;
  }
  return std::string_view::npos;
}

/// What follows the last `\` or `/` (the whole text when there is none).
[[nodiscard]] constexpr std::string_view path_file_name(std::string_view path) {
  const std::size_t sep = last_path_separator(path);
  return sep == std::string_view::npos ? path : path.substr(sep + 1);
}

/// ASCII lower-case copy.
[[nodiscard]] inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

/// ASCII case-insensitive equality.
[[nodiscard]] constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

/// ASCII case-insensitive prefix test.
[[nodiscard]] constexpr bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// ASCII case-insensitive suffix test.
[[nodiscard]] constexpr bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

/// ASCII case-insensitive substring search; npos when absent.
[[nodiscard]] constexpr std::size_t ifind(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return 0;
  if (needle.size() > haystack.size()) return std::string_view::npos;
  const char first = ascii_lower(needle[0]);
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (ascii_lower(haystack[i]) == first && iequals(haystack.substr(i, needle.size()), needle)) {
      return i;
    }
  }
  return std::string_view::npos;
}

/// Strips spaces and tabs at both ends.
[[nodiscard]] constexpr std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace cmdsentry
