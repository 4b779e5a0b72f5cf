#pragma once
/// What command-line analysis produces: one Analysis per process event, holding one
/// AnalyzedCommand per program or cmd.exe builtin the line would run.
///
/// Why a list and not one command: `cmd /c ver & ipconfig /all & net view` is one process event
/// but three attacker commands, and `ver` exists nowhere else in the logs (builtins create no
/// process). External programs started through cmd.exe also appear as their own child process
/// events; `via_cmd` plus `program` and `arg_string` let the caller merge the two.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cmdsentry::cmdline {

/// Input of analyze(): the three process-creation fields that identify what ran.
struct ProcessInput {
  std::string_view image;               ///< Image / NewProcessName (full path); may be empty
  std::string_view command_line;        ///< CommandLine / ProcessCommandLine; may be empty
  std::string_view original_file_name;  ///< Sysmon OriginalFileName; empty when absent (4688)
};

/// How an analysed command was reached.
enum class Origin : std::uint8_t {
  kProcess,         ///< the event's own process
  kCmdChain,        ///< a command inside a cmd.exe line (/c, /k, /r)
  kPowerShell,      ///< a native program invoked from a PowerShell script (-Command or -Enc)
  kWmiCreate,       ///< the command line of `wmic ... process call create`
  kScheduledTask,   ///< the action of `schtasks /create ... /tr "<line>"` (runs later)
  kServiceBinPath,  ///< the binPath= of `sc [\\host] create|config <svc> binPath= "<line>"`
  kAtJob,           ///< the command of `at [\\host] HH:MM [/every:..] "<line>"`
  kForfiles,        ///< the command of `forfiles ... /c "<line>"` (run once per file)
  kRemoteExec,      ///< the command of `psexec [\\host] [options] <program> [args]` (PAExec too)
};

/// Name of an Origin ("process", "cmd", "powershell", "wmic-create").
std::string_view to_string(Origin origin);

/// Why a line looks obfuscated. Each reason has a weight; the score sums them (capped at 100).
enum class Obfuscation : std::uint8_t {
  kCaret,             ///< ^ escapes removed by cmd.exe (n^et)
  kEnvSubstring,      ///< %VAR:~n,m% substring
  kEnvReplace,        ///< %VAR:a=b% replacement
  kComspec,           ///< %COMSPEC% (or another variable) used instead of the program name
  kOddQuoting,        ///< quotes inside a word ("ne"t, w"h"o"a"m"i)
  kMixedCase,         ///< NeT uSeR
  kPadding,           ///< runs of whitespace or , ; = separators
  kEncodedCommand,    ///< powershell -EncodedCommand
  kLongLine,          ///< unusually long command line
  kUnusualDash,       ///< en dash, em dash, horizontal bar... used as a switch character
  kDelayedExpansion,  ///< !VAR! under cmd /v:on
  kIndirection,       ///< set x=... then call %x% / !x!
  kNestedShell,       ///< cmd /c cmd /c, powershell inside cmd inside powershell...
  kDownloadCradle,    ///< PowerShell fetching a script and running it (IEX ... DownloadString)
  kControlChar,       ///< control bytes or bidi/zero-width characters (U+202E right-to-left)
};

/// Stable name of a reason ("caret", "env-substring", ...), as used in tests and reports.
std::string_view to_string(Obfuscation reason);
/// Weight of a reason in the 0-100 score.
int weight(Obfuscation reason);

/// A redirection attached to a cmd.exe command (`> file`, `2>&1`, `< in`).
struct Redirect {
  std::string op;      ///< ">", ">>", "<", "2>", "2>&1"...
  std::string target;  ///< file name or &N, quotes kept
};

/// A switch such as `/node:host`, `-enc`, `–domain`: name lower-cased with the dash normalised
/// to '/', value after ':' or '=' when glued.
struct Flag {
  std::string name;   ///< "/node", "/domain", "/enc"
  std::string value;  ///< "host" for /node:host; empty otherwise
};

/// One program run or cmd.exe builtin executed.
struct AnalyzedCommand {
  /// Program identity: file name lower-cased without directory and without .exe/.com
  /// ("net1", "tree", "svc"), or the builtin's name ("dir"). When OriginalFileName names a
  /// different program, this is that program and `renamed` is set.
  std::string program;
  /// Identity from the image alone when `renamed` ("svc" for svc.exe carrying net.exe); the
  /// knowledge base falls back to it when it does not know `program`, so an execution is never
  /// dropped because its OriginalFileName is unknown.
  std::string image_program;
  std::string image_name;  ///< file name as run ("NET1.EXE", "svc.exe"); empty for builtins
  std::string extension;   ///< ".exe", ".com", ".bat"... as written, lower-cased; may be empty
  /// Arguments as the program receives them (after cmd.exe's own processing), CommandLineToArgvW
  /// split; for builtins split on cmd.exe delimiters.
  std::vector<std::string> args;
  /// Argument text after the program name, as the child process would see it (used to pair
  /// a cmd.exe sub-command with its own process event).
  std::string arg_string;
  std::vector<Flag> flags;               ///< switches among args, in order
  std::vector<std::string> subcommands;  ///< first positional words, lower-cased (view, call...)
  std::vector<std::string> targets;      ///< remote hosts (\\host, /node:, /s, -ComputerName)
  std::vector<Redirect> redirects;       ///< cmd.exe redirections of this command
  std::string decoded_script;            ///< PowerShell -EncodedCommand text, decoded
  Origin origin = Origin::kProcess;
  int depth = 0;             ///< shell nesting level (0 = the event's process)
  int parent = -1;           ///< index of the command whose shell ran this one; -1 for none
  bool cmd_builtin = false;  ///< runs inside cmd.exe: no process event of its own
  bool via_cmd = false;      ///< started by a cmd.exe line (may also be its own child event)
  bool renamed = false;      ///< OriginalFileName says another program than the file name
  bool piped = false;        ///< output piped into the next command (`|`)

  /// True if `name` (lower-case, '/'-normalised, e.g. "/domain") is among the flags.
  [[nodiscard]] bool has_flag(std::string_view name) const;
};

/// Result of analyse(): the commands, an obfuscation score with its reasons, and notes on caps.
struct Analysis {
  std::vector<AnalyzedCommand> commands;
  std::vector<Obfuscation> reasons;  ///< each reason once, in first-seen order
  int obfuscation_score = 0;         ///< 0-100
  bool truncated = false;            ///< a cap in core/limits.h was hit; output is partial
  std::vector<std::string> notes;    ///< which caps were hit, for diagnostics

  /// True if `reason` is among the reasons.
  [[nodiscard]] bool has_reason(Obfuscation reason) const;
};

}  // namespace cmdsentry::cmdline
