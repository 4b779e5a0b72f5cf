#include "policy/policy.h"

#include <cstdint>

#include <fmt/format.h>

namespace cmdsentry::policy {
namespace {

std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

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

std::string content_uuid(std::string_view content) {
  const std::uint64_t a = fnv1a(content, 0xcbf29ce484222325ULL);
  const std::uint64_t b = fnv1a(content, a ^ 0x9e3779b97f4a7c15ULL);
  const std::uint64_t hi = (a & ~0xf000ULL) | 0x8000ULL;                         // version 8
  const std::uint64_t lo = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff,
                     hi & 0xffff, lo >> 48, lo & 0xffffffffffffULL);
}

}  // namespace cmdsentry::policy
