#pragma once
/// Switches, subcommands and remote targets of one command, from its argument list.
///
/// Windows programs accept '/' and '-' (many also en/em dashes, which Sigma calls "windash"):
/// every dash-like prefix is normalised to '/', the name lower-cased and a value glued with ':'
/// or '=' split off (`/node:"dc1"` -> {"/node", "dc1"}). A few switches take their value as the
/// next argument (`/s host`, netsh `-r host`, `-ComputerName host`); that argument is then not
/// a positional word.
///
/// Subcommands are the first positional words lower-cased, skipping \\host arguments:
/// `net \\dc time` -> [time]; `wmic /node:x process call create ...` -> [process, call, create].
/// Targets are hosts named by \\host[\share], /node:, /s, /server:, -r, -ComputerName/-cn
/// (deduplicated, case kept; \\?\ and \\.\ device paths are not hosts).

#include <string_view>

#include "cmdline/command.h"

namespace cmdsentry::cmdline {

/// Subcommand words kept per command.
inline constexpr std::size_t kMaxSubcommands = 4;

/// Fills cmd.flags, cmd.subcommands and cmd.targets from cmd.program and cmd.args.
/// Returns true when an unusual dash (not '-' or '/') introduced a switch.
bool classify_arguments(AnalyzedCommand& cmd);

/// Host part of a \\host\... argument, or empty when `arg` is not a UNC path to a host.
[[nodiscard]] std::string_view unc_host(std::string_view arg);

}  // namespace cmdsentry::cmdline
