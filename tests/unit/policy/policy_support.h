#pragma once
/// Helpers of the policy tests: generated policies and schema validation with libxml2.

#include <string>
#include <vector>

#include "policy/generate.h"
#include "policy/policy.h"

namespace cmdsentry::policy::testing {

/// A policy restricting `commands` (as `--deny`), AuditOnly unless `mode` says otherwise.
Policy generated(const std::vector<std::string>& commands,
                 EnforcementMode mode = EnforcementMode::kAuditOnly,
                 std::vector<std::string> deny_sids = {}, std::vector<ExemptGroup> exempt = {});

/// Empty when `xml` is valid against tests/data/applocker-policy.xsd, else libxml2's messages.
std::string schema_errors(const std::string& xml);

/// The rule of `p`'s Exe collection named `name` (null when absent).
const Rule* exe_rule(const Policy& p, std::string_view name);

}  // namespace cmdsentry::policy::testing
