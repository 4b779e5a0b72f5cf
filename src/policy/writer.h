#pragma once
/// Policy -> AppLocker XML (UTF-8, with a matching declaration; `Set-AppLockerPolicy
/// -XmlPolicy` reads it) and -> a Software Restriction Policies .reg file for Windows editions
/// without AppLocker. Output is deterministic: the same policy gives the same bytes.

#include <string>

#include "policy/policy.h"

namespace cmdsentry::policy {

/// The policy as an AppLocker XML document.
[[nodiscard]] std::string write_policy_xml(const Policy& policy);

/// The policy's Exe path restrictions as SRP Disallowed path rules (a .reg file for
/// HKLM\SOFTWARE\Policies\Microsoft\Windows\Safer\CodeIdentifiers): the paths of Deny path
/// rules and the path exceptions of Everyone's allow rules. SRP has no publisher conditions, no
/// per-group rules and no audit mode: every rule applies to every user, publisher and hash denies
/// are listed in comments at the top, and AppLocker variables become the environment variables
/// SRP expands (REG_EXPAND_SZ).
[[nodiscard]] std::string write_srp_reg(const Policy& policy);

}  // namespace cmdsentry::policy
