#pragma once
/// cmd.exe variable expansion: %VAR%, %VAR:~start,length%, %VAR:old=new% and, under /v:on,
/// the same forms with '!'.
///
/// Grammar of one reference (the delimiter D is '%' or '!'):
///   ref      := D name [ ':' modifier ] D
///   modifier := '~' int [ ',' int ]        substring; negative start counts from the end,
///                                          negative length stops that many before the end
///             | ['*'] old '=' new          replace every old (case-insensitive); a leading '*'
///                                          replaces everything up to the first old
/// Values come from a default table of Windows variables (a typical Windows 10/11 host; the
/// user is "user") plus variables set earlier on the same line. Unknown names are left as
/// written, like cmd.exe does on a command line (not in a batch file). Output is capped at
/// limits::kMaxExpandedBytes.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cmdsentry::cmdline {

/// Variables visible to one cmd.exe line: the default table plus `set` assignments.
class Environment {
 public:
  /// Value of `name` (case-insensitive), or nullptr when unknown.
  [[nodiscard]] const std::string* find(std::string_view name) const;
  /// Records `set name=value`; returns false when limits::kMaxSetVariables is reached.
  bool set(std::string_view name, std::string_view value);
  /// Removes a variable set with set() (`set name=`).
  void unset(std::string_view name);
  /// Number of set() variables.
  [[nodiscard]] std::size_t local_count() const { return locals_.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> locals_;  // lower-case name, value
};

/// What an expansion did, for the obfuscation score.
struct ExpandStats {
  int expanded = 0;        ///< references replaced
  int substrings = 0;      ///< :~n,m modifiers applied
  int replacements = 0;    ///< :a=b modifiers applied
  bool truncated = false;  ///< kMaxExpandedBytes reached
};

/// Expands references delimited by `delimiter` ('%' or '!') in `text`.
[[nodiscard]] std::string expand_variables(std::string_view text, const Environment& env,
                                           char delimiter, ExpandStats* stats = nullptr);

/// The default value of a well-known Windows variable, or nullptr.
[[nodiscard]] const std::string* default_variable(std::string_view name);

}  // namespace cmdsentry::cmdline
