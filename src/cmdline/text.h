#pragma once
/// Small ASCII text helpers shared by the cmdline and kb modules. Windows compares program
/// names and switches case-insensitively; only ASCII letters are folded (non-ASCII bytes of
/// UTF-8 stay as they are, so folding never breaks a multi-byte sequence).

#include <string>
#include <string_view>

namespace cmdsentry::cmdline {

/// ASCII lower-case copy.
[[nodiscard]] std::string to_lower(std::string_view s);
/// ASCII case-insensitive equality.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);
/// ASCII case-insensitive prefix test.
[[nodiscard]] bool istarts_with(std::string_view s, std::string_view prefix);
/// ASCII case-insensitive suffix test.
[[nodiscard]] bool iends_with(std::string_view s, std::string_view suffix);
/// ASCII case-insensitive substring search; npos when absent.
[[nodiscard]] std::size_t ifind(std::string_view haystack, std::string_view needle);
/// Strips spaces and tabs at both ends.
[[nodiscard]] std::string_view trim(std::string_view s);

/// Case-insensitive glob: `*` matches any run, `?` one byte, everything else literally.
/// Linear backtracking (last-star restart), so hostile inputs cannot blow it up.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text);

/// If `s` starts with a dash-like switch character, its length in bytes: 1 for '-' and '/',
/// 3 for the UTF-8 dashes (U+2010..U+2015, U+2212, U+FE58, U+FE63, U+FF0D); else 0.
[[nodiscard]] std::size_t dash_prefix(std::string_view s);
/// True when dash_prefix() found a dash other than '-' and '/'.
[[nodiscard]] bool is_unusual_dash(std::string_view s);

}  // namespace cmdsentry::cmdline
