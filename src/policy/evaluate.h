#pragma once
/// Decides what an AppLocker policy would do with one execution, following the documented
/// evaluation (../shared/reference/applocker-policy.md, section 5):
///
///   1. a collection without rules (or absent) allows everything;
///   2. only rules whose UserOrGroupSid is in the user's token apply;
///   3. a rule matches when one of its conditions matches and none of its exceptions does;
///   4. a matching Deny rule wins over any Allow; else a matching Allow allows;
///   5. else the file is denied implicitly;
///   6. a denial in an AuditOnly collection is "audited" (event 8003), in an Enabled or
///      NotConfigured one "blocked" (8004).
///
/// Paths are compared in Windows' own terms: case-insensitively, with the AppLocker variables
/// expanded to the standard folders on the system drive (%SYSTEM32% is System32 and SysWOW64,
/// %PROGRAMFILES% both Program Files folders). %REMOVABLE% and %HOT% name drives the logs do not
/// identify, so they never match. `*` matches any run of characters, backslashes included.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"

namespace cmdsentry::policy {

/// What is known about the file that ran. Empty fields are unknown: a condition on an unknown
/// attribute does not match.
struct FileFacts {
  std::string path;       ///< "C:\Windows\System32\net.exe" or AppLocker form "%SYSTEM32%\NET.EXE"
  std::string publisher;  ///< signer as AppLocker writes it ("O=MICROSOFT CORPORATION, ...")
  std::string product;    ///< version-resource product name
  std::string binary;     ///< version-resource original file name
  std::string version;    ///< "10.0.19041.1"
  std::string sha256;     ///< hex, without 0x
};

/// The outcome.
enum class Verdict : std::uint8_t { kAllowed, kAudited, kBlocked };

/// A decision and the rule behind it (null rule: no rules in the collection, or implicit deny).
struct Decision {
  Verdict verdict = Verdict::kAllowed;
  const Rule* rule = nullptr;
  bool implicit_deny = false;
};

/// Evaluates `file` run by a user whose token holds `sids` against `collection`'s rules (null:
/// no such collection, everything allowed).
[[nodiscard]] Decision evaluate(const RuleCollection* collection, const FileFacts& file,
                                const std::vector<std::string>& sids);

/// True when `path` (a rule path with variables and `*`) matches the file path.
[[nodiscard]] bool path_matches(std::string_view rule_path, std::string_view file_path);

/// Compares four-part versions ("10.0.1.2" < "10.0.2"); missing parts are 0.
[[nodiscard]] int compare_versions(std::string_view a, std::string_view b);

/// "allowed", "audited", "blocked".
[[nodiscard]] std::string_view to_string(Verdict v);

/// Fills publisher, product and binary from an AppLocker Fqbn
/// ("O=...\PRODUCT\BINARY\1.2.3.4"); false when it is "-" or malformed.
bool facts_from_fqbn(std::string_view fqbn, FileFacts& out);

}  // namespace cmdsentry::policy
