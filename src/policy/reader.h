#pragma once
/// Reads AppLocker policy XML (UTF-8 or UTF-16 with a BOM, as `Get-AppLockerPolicy -Xml` and
/// AaronLocker write it) into a Policy. Hostile input is normal: malformed XML, unknown
/// attribute values, missing conditions and oversized files give an Error whose message starts
/// with "line N:"; nothing is thrown. Unknown elements (RuleCollectionExtensions, packaged-app
/// and managed-installer details) are skipped; an unknown collection type is an error, as
/// Windows rejects it too.

#include <cstddef>
#include <string_view>

#include "core/error.h"
#include "policy/policy.h"

namespace cmdsentry::policy {

/// Largest policy file read (real policies are a few hundred KiB).
inline constexpr std::size_t kMaxPolicyBytes = 16u << 20;
/// Most rules in one policy.
inline constexpr std::size_t kMaxPolicyRules = 100'000;
/// Most conditions (conditions plus exceptions) in one rule.
inline constexpr std::size_t kMaxRuleConditions = 10'000;

/// Parses a whole policy document.
[[nodiscard]] Result<Policy> read_policy(std::string_view xml);

}  // namespace cmdsentry::policy
