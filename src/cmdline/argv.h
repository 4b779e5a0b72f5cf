#pragma once
/// Splitting a Windows command line into arguments the way CommandLineToArgvW does.
///
/// Rules (shell32 CommandLineToArgvW, which most programs' argv agrees with):
///   - argv[0] is special: if it starts with '"' it runs to the next '"' (no escapes at all);
///     otherwise it runs to the first space or tab. Backslashes are never special in it.
///   - later arguments are separated by runs of spaces/tabs outside quotes;
///   - 2n backslashes + '"'   -> n backslashes, the quote toggles quoting;
///     2n+1 backslashes + '"' -> n backslashes and a literal '"';
///     backslashes not followed by '"' are literal;
///   - consecutive quotes are counted together with the opening one: every third quote of a
///     run is a literal '"' (so `"a""b"` -> a"b and `"""x"""` -> "x").
/// The whole line is also bounded by limits::kMaxArgsPerCommand.

#include <string>
#include <string_view>
#include <vector>

namespace cmdsentry::cmdline {

/// argv[0] and where the rest of the line starts.
struct ProgramToken {
  std::string program;    ///< argv[0] with its quotes removed
  std::string_view rest;  ///< text after argv[0] and the following whitespace
};

/// The first-argument rule alone.
[[nodiscard]] ProgramToken split_program(std::string_view command_line);

/// Arguments of a whole command line (argv[0] included) by the rules above.
[[nodiscard]] std::vector<std::string> split_argv(std::string_view command_line);

/// Arguments of text that follows argv[0] (no first-argument rule). `truncated` is set when
/// kMaxArgsPerCommand was reached.
[[nodiscard]] std::vector<std::string> split_args(std::string_view args, bool* truncated = nullptr);

}  // namespace cmdsentry::cmdline
