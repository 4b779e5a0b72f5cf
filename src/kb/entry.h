#pragma once
/// Knowledge-base entries and load diagnostics. The YAML format is described in
/// docs/kb-format.md; this is its in-memory form.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cmdsentry/diagnostic.h"

namespace cmdsentry::kb {

/// How often legitimate users, admins and software run the command (reference noise levels).
enum class Noise : std::uint8_t { kVeryLow, kLow, kMedium, kHigh };

/// "very-low", "low", "medium", "high".
std::string_view to_string(Noise noise);

/// One way of recognising an entry. Every present condition must hold.
struct MatchSpec {
  std::vector<std::string> programs;  ///< program identities (cmdline::AnalyzedCommand::program)
  /// Alternatives; each is a word path matched against the command's first subcommands
  /// (case-insensitive globs), e.g. {"interface", "portproxy"}. Empty = any.
  std::vector<std::vector<std::string>> subcommands;
  std::vector<std::string> flags_any;     ///< globs over switch names ("/domain*"); one must match
  std::vector<std::string> flags_all;     ///< every glob must match some switch
  std::vector<std::string> args_any;      ///< globs over single arguments; one must match
  std::vector<std::string> args_all;      ///< every glob must match some argument
  std::vector<std::string> contains_any;  ///< substrings of the argument text; one must occur
  std::vector<std::string> contains_all;  ///< every substring must occur

  /// How specific the spec is (more conditions = higher); the best match wins.
  [[nodiscard]] int specificity() const;
};

/// Where something was written: file and 1-based line/column (0 when unknown).
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
};

/// One command the knowledge base knows.
struct Entry {
  std::string name;    ///< canonical name, lower case, the study's spelling ("net view")
  std::string phase;   ///< recon | discovery | spread, or a tactic for post-2015 commands
  std::string tactic;  ///< ATT&CK tactic, kebab-case ("discovery", "credential-access")
  std::vector<std::string> techniques;  ///< ATT&CK IDs ("T1018", "T1003.001")
  bool builtin = false;                 ///< cmd.exe builtin (no process of its own)
  bool study = false;                   ///< one of the 41 commands of the JPCERT/CC 2015 study
  /// A usage idiom that means something else than the program's study entry (`ping -n 2
  /// 127.0.0.1` is a delay, not host discovery): when it is the most specific match, its own
  /// name and phase head the finding and the study's entry is not counted.
  bool idiom = false;
  Noise noise = Noise::kMedium;
  std::vector<MatchSpec> match;  ///< alternatives; any may match
  std::vector<std::string> typical_args;
  std::string description;
  /// Command lines the entry must match (attack use) and must not match (everyday admin use
  /// that looks alike); tests/unit/kb/examples_test.cpp runs every one of them.
  std::vector<std::string> positive;
  std::vector<std::string> negative;
  std::vector<std::string> sources;  ///< source keys (JP15, VT23, SIG, LOLBAS...) with detail
  Location where;                    ///< where the entry was defined
};

/// Diagnostic codes of the loader.
enum class DiagCode : std::uint8_t {
  kIo,             ///< file could not be read
  kSyntax,         ///< YAML syntax error
  kTooLarge,       ///< file or entry count over a cap in core/limits.h
  kBadStructure,   ///< a key has the wrong kind of value (list expected, ...)
  kMissingField,   ///< required key absent
  kBadValue,       ///< value outside the allowed set (phase, noise, technique id)
  kUnknownField,   ///< key not in the format (warning: probably a typo)
  kDuplicateName,  ///< two entries with one name in one file (the later one wins)
  kOverride,       ///< a user entry replaces a built-in one (note)
};

/// "syntax", "missing-field", ...
std::string_view to_string(DiagCode code);

/// A load problem. Errors drop the entry they are in; warnings and notes drop nothing.
struct Diagnostic {
  enum class Severity : std::uint8_t { kError, kWarning, kNote };
  Severity severity = Severity::kError;
  DiagCode code = DiagCode::kBadValue;
  std::string message;
  Location where;
  std::string entry;  ///< entry name when known

  /// "file:line:col: error: message [code] (entry)".
  [[nodiscard]] std::string describe() const;
  /// The same as the engine's one diagnostic type, so that the CLI prints rules problems like
  /// every other (text or `--diagnostics json`); the entry name goes into the message.
  [[nodiscard]] cmdsentry::Diagnostic to_diagnostic() const;
};

}  // namespace cmdsentry::kb
