#pragma once
/// The cmd.exe builtins that contain other commands, reduced to the text they run:
///   if [/i] [not] (exist X | defined X | errorlevel N | cmdextversion N | A==B | A op B) CMD
///   for [/d|/r [dir]|/l|/f ["opts"]] %%v in (SET) do CMD      (/f with 'CMD' in SET runs it)
///   start ["title"] [/switches] CMD
///   set [/a | /p] ["]name=value["]
/// Pure string functions; the analyzer decides what to do with the text.

#include <optional>
#include <string>
#include <string_view>

namespace cmdsentry::cmdline {

/// Command run by an `if` (text after the condition); empty when malformed.
[[nodiscard]] std::string_view if_body(std::string_view rest);

/// The parts of a `for` loop.
struct ForLoop {
  std::string_view body;         ///< text after `do`
  std::string_view set_command;  ///< for /f ... in ('cmd'): the command; empty otherwise
};

/// Splits the text after `for`; nullopt when there is no `in (...) do`.
[[nodiscard]] std::optional<ForLoop> for_loop(std::string_view rest);

/// Command line started by `start` (after title and switches); empty when none.
[[nodiscard]] std::string_view start_target(std::string_view rest);

/// A `set name=value` assignment; nullopt for `set`, `set /a ...`, `set /p ...`, `set prefix`.
struct SetAssignment {
  std::string name;
  std::string value;
};
[[nodiscard]] std::optional<SetAssignment> parse_set(std::string_view rest);

}  // namespace cmdsentry::cmdline
