#pragma once
/// Text helpers of command lines shared by the cmdline and kb modules: globs and switch dashes.
/// The ASCII case folding they build on is core/ascii.h (also reachable as cmdline::iequals...).

#include <string>
#include <string_view>

#include "core/ascii.h"

namespace cmdsentry::cmdline {

using cmdsentry::iends_with;
using cmdsentry::iequals;
using cmdsentry::ifind;
using cmdsentry::istarts_with;
using cmdsentry::to_lower;
using cmdsentry::trim;

/// Case-insensitive glob: `*` matches any run, `?` one byte, everything else literally.
/// Linear backtracking (last-star restart), so hostile inputs cannot blow it up.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text);

/// If `s` starts with a dash-like switch character, its length in bytes: 1 for '-' and '/',
/// 3 for the UTF-8 dashes (U+2010..U+2015, U+2212, U+FE58, U+FE63, U+FF0D); else 0.
[[nodiscard]] std::size_t dash_prefix(std::string_view s);
/// True when dash_prefix() found a dash other than '-' and '/'.
[[nodiscard]] bool is_unusual_dash(std::string_view s);

}  // namespace cmdsentry::cmdline
