#pragma once
/// Checks on a whole input made before it is sniffed, so that what is wrong with it is said as
/// such (an empty export is "empty file", not "not an event log" or a silent "0 events").

#include <string>
#include <string_view>

#include "sources/readers.h"

namespace cmdsentry::sources::detail {

/// Whether `head`, the first bytes read from an input (all of it when shorter than
/// kSniffBytes, see read_at_least), shows the input to hold no byte at all.
[[nodiscard]] bool is_empty_input(std::string_view head);

/// For an empty input: warns "empty file" (file `name`), counts it in `stats.files_empty` and
/// returns true, and the caller reads nothing more. Otherwise returns false.
[[nodiscard]] bool report_empty_input(const std::string& name, std::string_view head,
                                      const ReadContext& ctx);

}  // namespace cmdsentry::sources::detail
