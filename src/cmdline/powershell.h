#pragma once
/// PowerShell command lines: the script a powershell.exe / pwsh.exe line runs, -EncodedCommand
/// decoding, and the native programs a script starts.
///
/// powershell.exe parameters may be abbreviated to any prefix the parser accepts: -e, -en,
/// -enc ... -EncodedCommand (and the alias -ec) take Base64 of UTF-16LE text; -c, -com ...
/// -Command and the first non-parameter argument take the rest of the line as script text;
/// -f/-File names a script file (nothing to analyse). Prefixes of -ExecutionPolicy (-ex, -ep),
/// -WindowStyle (-w), -Version (-v) etc. take one value.
///
/// A script is split into statements at ';', '|', '&&', '||', '{', '}', '(' ,')' and line
/// breaks outside quotes; a statement whose first word is a plain program name (not a cmdlet,
/// keyword, variable, or an alias that shadows a program such as sc, curl, dir) is a native
/// invocation and is analysed like a process command line. Backticks (PowerShell's escape) are
/// removed first.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmdsentry::cmdline {

/// What a powershell.exe argument list asks to run.
struct PowerShellScript {
  std::string text;            ///< script text (decoded when encoded)
  bool encoded = false;        ///< came from -EncodedCommand
  bool decode_failed = false;  ///< -EncodedCommand value was not valid Base64
  bool truncated = false;      ///< limits::kMaxDecodedScriptBytes reached
};

/// True if `name` (without its dash, any case) selects -EncodedCommand.
[[nodiscard]] bool is_encoded_command_parameter(std::string_view name);

/// The script of a powershell.exe argument list (argv without argv[0]); nullopt when it runs
/// a file or nothing.
[[nodiscard]] std::optional<PowerShellScript> powershell_script(
    const std::vector<std::string>& args);

/// Standard Base64 (whitespace ignored, padding optional); nullopt on a character outside the
/// alphabet. Output stops at `max_bytes` and sets *truncated.
[[nodiscard]] std::optional<std::string> decode_base64(std::string_view text, std::size_t max_bytes,
                                                       bool* truncated = nullptr);

/// Decodes an -EncodedCommand payload: UTF-16LE to UTF-8 (if the bytes do not look like
/// UTF-16LE they are kept as they are).
[[nodiscard]] std::string decode_script_bytes(std::string_view bytes);

/// Statements of `script` that invoke native programs, in order (text of each statement,
/// trimmed, call operator removed).
[[nodiscard]] std::vector<std::string> native_invocations(std::string_view script);

}  // namespace cmdsentry::cmdline
