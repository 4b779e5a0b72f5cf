#pragma once
/// analyze(): one process event in, the commands it runs out.
///
/// The walk, for each program reached:
///   program identity (image, else argv[0]; OriginalFileName wins when it names another
///   program) -> arguments (CommandLineToArgvW) -> switches/subcommands/targets, then by program:
///     cmd.exe        -> /c text: %-expansion, split into simple commands, each a builtin or a
///                       program (recursively: nested cmd, call, if, for, start);
///     powershell     -> -Command / -EncodedCommand script: native invocations in it;
///     wmic           -> `process call create "<line>"`: the created command line.
/// Nesting stops at limits::kMaxShellDepth, output at limits::kMaxCommandsPerLine; the input is
/// cut at limits::kMaxCommandLineBytes. Never throws on any input (allocation failure aside).
///
/// Usage:
///   auto a = cmdline::analyze({.image = R"(C:\Windows\System32\cmd.exe)",
///                              .command_line = "cmd /c ver & net view"});
///   // a.commands: cmd (process), ver (builtin), net (subcommands [view])

#include <string_view>

#include "cmdline/command.h"

namespace cmdsentry::cmdline {

/// Analyses one process-creation event.
[[nodiscard]] Analysis analyze(const ProcessInput& input);

/// Analyses a bare command line (program taken from argv[0]).
[[nodiscard]] Analysis analyze_command_line(std::string_view command_line);

}  // namespace cmdsentry::cmdline
