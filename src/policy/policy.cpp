#include "policy/policy.h"

#include <cstdint>

#include <fmt/format.h>

namespace cmdsentry::policy {

const RuleCollection* Policy::find(CollectionType type) const {
  for (const RuleCollection& c : collections) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

std::string_view to_string(CollectionType type) {
  switch (type) {
    case CollectionType::kExe:
      return "Exe";
    case CollectionType::kDll:
      return "Dll";
    case CollectionType::kScript:
      return "Script";
    case CollectionType::kMsi:
      return "Msi";
    case CollectionType::kAppx:
      return "Appx";
  }
  return "Exe";
}

std::string_view to_string(EnforcementMode mode) {
  switch (mode) {
    case EnforcementMode::kNotConfigured:
      return "NotConfigured";
    case EnforcementMode::kAuditOnly:
      return "AuditOnly";
    case EnforcementMode::kEnabled:
      return "Enabled";
  }
  return "NotConfigured";
}

std::string_view to_string(Action action) { return action == Action::kDeny ? "Deny" : "Allow"; }

std::string_view rule_element(RuleKind kind) {
  switch (kind) {
    case RuleKind::kPath:
      return "FilePathRule";
    case RuleKind::kPublisher:
      return "FilePublisherRule";
    case RuleKind::kHash:
      return "FileHashRule";
  }
  return "FilePathRule";
}

}  // namespace cmdsentry::policy
