#pragma once
/// cmd.exe line syntax: its own switches, then the command string split into simple commands.
///
/// cmd.exe reads its command line in phases; we follow the order that matters for analysis:
///   1. switches  `cmd [/a|/u] [/q] [/d] [/e:on|off] [/f:on|off] [/v:on|off] [/s] [/c|/k|/r] text`
///      (',', ';' and '=' count as blanks; `/c` may be glued to `cmd` or to the text). When the
///      text starts with '"', the first and last quote are removed unless the text is exactly
///      one quoted program path (the /s rule of `cmd /?`).
///   2. %VAR% expansion of the whole text (env.h) - before anything else is parsed.
///   3. splitting, outside double quotes:
///        line     := pipeline { ('&' | '&&' | '||') pipeline }
///        pipeline := command { '|' command }
///        command  := '(' line ')' | words { redirect }
///        redirect := [digit] ('>' | '>>' | '<') (target | '&' digit)
///      '^' escapes the next character (and is removed); a line feed ends the line. A '(' that
///      does not start a command (for ... in (...)) is literal and so is its matching ')'.
///   4. per simple command: delayed !VAR! expansion (/v:on), the command word, builtins.
/// Step 4 lives in the analyzer; this file is pure syntax.

#include <string>
#include <string_view>
#include <vector>

#include "cmdline/command.h"

namespace cmdsentry::cmdline {

/// cmd.exe switches and the command text that follows /c, /k or /r.
struct CmdOptions {
  bool runs_command = false;  ///< /c, /k or /r present
  bool keep = false;          ///< /k
  bool quiet = false;         ///< /q
  bool delayed = false;       ///< /v:on (or /v)
  bool strip_s = false;       ///< /s
  int separators = 0;         ///< ',' ';' '=' used as blanks (padding trick)
  std::string command;        ///< text after /c with the outer quotes handled
};

/// Parses the text after cmd.exe's argv[0].
[[nodiscard]] CmdOptions parse_cmd_options(std::string_view rest);

/// One command between operators, carets already removed, quotes kept.
struct SimpleCommand {
  std::string text;
  std::vector<Redirect> redirects;
  bool piped = false;  ///< followed by '|'
};

/// What splitting saw, for the obfuscation score and limit notes.
struct ChainStats {
  int carets = 0;            ///< '^' escapes removed outside quotes
  bool paren_limit = false;  ///< limits::kMaxParenDepth reached
  bool count_limit = false;  ///< limits::kMaxCommandsPerLine reached
};

/// Splits an (already %-expanded) command string.
[[nodiscard]] std::vector<SimpleCommand> split_chain(std::string_view line,
                                                     ChainStats* stats = nullptr);

/// The command word of a simple command and the text after it.
struct CommandWord {
  std::string word;         ///< quotes removed ("ne"t -> net)
  std::string raw;          ///< as written
  std::string rest;         ///< argument text, leading blanks and separators removed
  bool odd_quotes = false;  ///< quotes inside the word, not just around it
  int separators = 0;       ///< ',' ';' '=' used as blanks around the word
};

/// Splits `text` into command word and arguments by cmd.exe's rules (the word ends at a blank,
/// ',', ';', '=' or '/'; '@' before it is dropped).
[[nodiscard]] CommandWord split_command_word(std::string_view text);

}  // namespace cmdsentry::cmdline
