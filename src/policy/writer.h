#pragma once
/// Policy -> AppLocker XML (UTF-8, with a matching declaration; `Set-AppLockerPolicy
/// -XmlPolicy` reads it) and -> a Software Restriction Policies .reg file for Windows editions
/// without AppLocker. Output is deterministic: the same policy gives the same bytes.

#include <string>

#include "policy/policy.h"

namespace cmdsentry::policy {

/// The policy as an AppLocker XML document.
[[nodiscard]] std::string write_policy_xml(const Policy& policy);

/// The policy's path deny rules as SRP Disallowed path rules (a REGEDIT4-style .reg file for
/// HKLM\SOFTWARE\Policies\Microsoft\Windows\Safer\CodeIdentifiers). SRP has no publisher
/// conditions, no per-group rules and no audit mode: publisher denies and exceptions have no
/// SRP form and are listed in a comment at the top; AppLocker variables become the environment
/// variables SRP expands (REG_EXPAND_SZ).
[[nodiscard]] std::string write_srp_reg(const Policy& policy);

}  // namespace cmdsentry::policy
