#pragma once
/// The HTML report's page settings as the CLI fills them (scan --html, report --html).

#include <string>
#include <vector>

#include "report/html_writer.h"

namespace cmdsentry::cli {

/// Title, generation time (now, UTC) and the inputs' names.
[[nodiscard]] report::HtmlOptions html_options(const std::vector<std::string>& inputs);

}  // namespace cmdsentry::cli
