#pragma once
/// Builds an AppLocker policy that restricts built-in commands without breaking Windows.
///
/// Why this shape (../shared/reference/applocker-policy.md, sections 5, 6 and 11): a rule
/// applies to the users whose token holds its SID, a deny always wins, and Everyone includes
/// administrators, so a Deny rule for Everyone cannot exempt anybody. The restriction is
/// therefore written the way Microsoft recommends, as allow rules with exceptions:
///
///   * the stock "(Default Rule)" allows for Program Files (Everyone) and for all files
///     (Administrators, S-1-5-32-544), with their stock Ids, so Set-AppLockerPolicy -Merge
///     de-duplicates them;
///   * the Windows-folder allow for Everyone, with an exception per restricted binary: a
///     publisher condition on the Microsoft signature, product and original file name (a
///     renamed copy is still excluded) and path conditions on its known paths. It replaces the
///     stock Windows rule and so has its own Id: do not merge it next to the stock one;
///   * for each further exempt group, Allow rules for the binaries (publisher and paths);
///   * with deny groups (groups that hold no administrators), explicit Deny rules: a
///     FilePublisherRule and FilePathRules per binary, which name the restriction in AppLocker's
///     8003/8004 events.
///
/// Rule Ids are UUIDs derived from a hash of the rule's content, so the same request always
/// gives the same file.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "policy/policy.h"

namespace cmdsentry::policy {

/// A group allowed to keep using the restricted binaries.
struct ExemptGroup {
  std::string name;
  std::string sid;
};

/// One command to restrict (from a recommendation or --deny).
struct Restriction {
  std::string executable;             ///< "net.exe" (or the command name "net")
  std::string original_file_name;     ///< empty: from the built-in table
  std::vector<std::string> paths;     ///< AppLocker paths; empty: from the built-in table
  std::vector<std::string> commands;  ///< "net view": what the logs showed
  std::vector<ExemptGroup> exempt_groups;
  std::string reason;
};

/// A program one user runs from their own profile: an Allow path rule for that user's SID on
/// that folder (the default rules allow only %WINDIR% and %PROGRAMFILES%).
struct UserProgram {
  std::string user;  ///< for the rule's name
  std::string sid;
  std::string path;  ///< AppLocker path ("%OSDRIVE%\users\bob\appdata\local\programs\x\*")
  std::vector<std::string> executables;
};

/// The parsed `cmdsentry-recommendation` document (docs/policy.md).
struct Recommendation {
  std::vector<Restriction> restrictions;
  std::vector<UserProgram> user_programs;
  std::vector<std::string> not_restrictable;  ///< commands that cannot be restricted (cmd builtins)
};

/// Parses a recommendation JSON document.
[[nodiscard]] Result<Recommendation> parse_recommendation(std::string_view json);

/// What to generate.
struct GenerateOptions {
  std::vector<Restriction> restrictions;
  EnforcementMode mode = EnforcementMode::kAuditOnly;
  std::vector<ExemptGroup> exempt;         ///< Administrators are always exempt
  std::vector<std::string> deny_sids;      ///< groups that get explicit Deny rules
  std::vector<UserProgram> user_programs;  ///< per-user Allow path rules
  std::set<CollectionType> collections{CollectionType::kExe};
};

/// Restrictions of tools Windows does not ship (7z.exe, psexec.exe, adfind.exe: an original file
/// name but no path): no rule is written for them. The default rules already block them outside
/// %WINDIR% and %PROGRAMFILES%; a copy installed under Program Files stays allowed, since its
/// publisher is not known.
[[nodiscard]] std::vector<std::string> outside_windows(
    const std::vector<Restriction>& restrictions);

/// The policy, or an error naming a command the built-in table does not know (and that the
/// restriction gives no original file name for). Restrictions outside_windows() are skipped.
[[nodiscard]] Result<Policy> generate_policy(const GenerateOptions& options);

}  // namespace cmdsentry::policy
