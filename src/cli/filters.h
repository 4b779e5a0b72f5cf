#pragma once
/// The output filters every command that writes findings takes: --from/--to (ISO 8601 or a
/// span back from now: 7d, 12h), --host, --user, --phase (report/filter.h has the matching).

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "report/filter.h"

namespace cmdsentry::cli {

struct FilterArgs {
  std::string from, to;
  std::vector<std::string> hosts, users, phases;
};

/// Registers the filter options on `cmd`.
void add_filter_options(CLI::App* cmd, FilterArgs& args);
/// The criteria; false with a message when --from/--to cannot be read.
[[nodiscard]] bool make_filter(const FilterArgs& args, report::FilterSpec& spec,
                               std::string& error);

}  // namespace cmdsentry::cli
