#pragma once
/// The HTML report's inline script and style (src/report/html/report.js, report.css), embedded at
/// build time with the hex SHA-256 of each: the page's Content-Security-Policy names both by
/// hash, so no other script or style can run in it.

#include <string_view>

namespace cmdsentry::report::detail {

[[nodiscard]] std::string_view html_script();
[[nodiscard]] std::string_view html_style();
/// Lower-case hex SHA-256 of html_script() / html_style().
[[nodiscard]] std::string_view html_script_sha256();
[[nodiscard]] std::string_view html_style_sha256();

}  // namespace cmdsentry::report::detail
