#pragma once
/// The data-field names the normalizers and source readers look up, numbered 1..N at compile
/// time (0: any other name). A RawEvent notes, as each field is added, where the first field of
/// each known name is, so a lookup by a known name is an array read instead of a scan that
/// compares (or hashes) every field name of the record. Adding a name here is all it takes to
/// make its lookups constant-time; FieldNameSet refuses (at compile time) names not listed.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace cmdsentry {

/// Equality of two n-byte texts, inlined (field names are short: a memcmp call per name cost
/// more than the comparison).
[[nodiscard]] inline bool same_bytes(const char* a, const char* b, std::size_t n) {
  if (n >= 8) {
    std::uint64_t x, y;
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
      std::memcpy(&x, a + i, 8);
      std::memcpy(&y, b + i, 8);
      if (x != y) return false;
    }
    std::memcpy(&x, a + n - 8, 8);
    std::memcpy(&y, b + n - 8, 8);
    return x == y;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

inline constexpr std::array<std::string_view, 62> kKnownFieldNames = {
    // Security 4688 (windows-events.md §2)
    "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "NewProcessId",
    "NewProcessName", "TokenElevationType", "ProcessId", "CommandLine", "TargetUserSid",
    "TargetUserName", "TargetDomainName", "TargetLogonId", "ParentProcessName", "MandatoryLabel",
    // Sysmon 1 (§4)
    "RuleName", "UtcTime", "ProcessGuid", "Image", "FileVersion", "Description", "Product",
    "Company", "OriginalFileName", "CurrentDirectory", "User", "LogonGuid", "LogonId",
    "TerminalSessionId", "IntegrityLevel", "Hashes", "ParentProcessGuid", "ParentProcessId",
    "ParentImage", "ParentCommandLine", "ParentUser",
    // AppLocker 8002-8004 (§5)
    "PolicyName", "PolicyNameBuffer", "RuleId", "RuleNameBuffer", "RuleSddl", "RuleSddlBuffer",
    "TargetUser", "TargetProcessId", "FilePath", "FilePathBuffer", "FileHash", "Fqbn",
    "FullFilePath", "FullFilePathBuffer",
    // Security 4624 and 4689
    "LogonType", "IpAddress", "IpPort", "WorkstationName", "LogonProcessName",
    "AuthenticationPackageName", "ProcessName", "Status", "TargetLogonGuid", "ElevatedToken",
    "VirtualAccount", "RestrictedAdminMode",
};
inline constexpr std::size_t kKnownFieldCount = kKnownFieldNames.size();
static_assert(kKnownFieldCount < 255, "ids are one byte, 0 meaning unknown");

namespace detail {

/// Open-addressed table (256 slots, load < 1/4) from name to id, built at compile time.
class KnownFieldTable {
 public:
  consteval KnownFieldTable() {
    for (auto& s : slots_) s = 0;
    for (std::size_t i = 0; i < kKnownFieldCount; ++i) {
      std::size_t h = hash(kKnownFieldNames[i]);
      while (slots_[h] != 0) {
        if (kKnownFieldNames[slots_[h] - 1] == kKnownFieldNames[i]) throw "name listed twice";
        h = (h + 1) % kSlots;
      }
      slots_[h] = static_cast<std::uint8_t>(i + 1);
    }
  }
  [[nodiscard]] constexpr std::uint8_t id(std::string_view name) const {
    for (std::size_t h = hash(name);; h = (h + 1) % kSlots) {
      const std::uint8_t id = slots_[h];
      if (id == 0) return 0;
      const std::string_view known = kKnownFieldNames[id - 1];
      if (known.size() == name.size() && equal(known.data(), name.data(), name.size())) return id;
    }
  }

 private:
  static constexpr std::size_t kSlots = 256;
  // With these multipliers every listed name sits in its own home slot (one probe); a new name
  // that collides still works, one probe further.
  static constexpr std::size_t hash(std::string_view s) {
    if (s.empty()) return 0;
    const auto c = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(s[i])); };
    return (s.size() * 7 + c(s.size() - 1) * 11 + c(s.size() / 2) * 11 + c(0) * 3) % kSlots;
  }
  static constexpr bool equal(const char* a, const char* b, std::size_t n) {
    if (!std::is_constant_evaluated()) return same_bytes(a, b, n);
    for (std::size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  std::array<std::uint8_t, kSlots> slots_{};
};

inline constexpr KnownFieldTable kKnownFieldTable{};

}  // namespace detail

/// Id (1..kKnownFieldCount) of a known field name, 0 for any other.
[[nodiscard]] constexpr std::uint8_t known_field_id(std::string_view name) {
  return detail::kKnownFieldTable.id(name);
}

}  // namespace cmdsentry
