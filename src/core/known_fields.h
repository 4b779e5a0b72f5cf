#pragma once
/// The data-field names of the records cmdsentry normalizes (4688, Sysmon 1, AppLocker, 4624,
/// 4689), which the normalizers and source readers look up, numbered 1..N at compile time (0: any
/// other name). A RawEvent notes, as each field is added, where the first field of
/// each known name is, so a lookup by a known name is an array read instead of a scan that
/// compares (or hashes) every field name of the record. Adding a name here is all it takes to
/// make its lookups constant-time; FieldNameSet refuses (at compile time) names not listed.

#include <array>
#include <bit>
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
    "SubjectUserSid",
    "SubjectUserName",
    "SubjectDomainName",
    "SubjectLogonId",
    "NewProcessId",
    "NewProcessName",
    "TokenElevationType",
    "ProcessId",
    "CommandLine",
    "TargetUserSid",
    "TargetUserName",
    "TargetDomainName",
    "TargetLogonId",
    "ParentProcessName",
    "MandatoryLabel",
    // Sysmon 1 (§4)
    "RuleName",
    "UtcTime",
    "ProcessGuid",
    "Image",
    "FileVersion",
    "Description",
    "Product",
    "Company",
    "OriginalFileName",
    "CurrentDirectory",
    "User",
    "LogonGuid",
    "LogonId",
    "TerminalSessionId",
    "IntegrityLevel",
    "Hashes",
    "ParentProcessGuid",
    "ParentProcessId",
    "ParentImage",
    "ParentCommandLine",
    "ParentUser",
    // AppLocker 8002-8004 (§5)
    "PolicyName",
    "PolicyNameBuffer",
    "RuleId",
    "RuleNameBuffer",
    "RuleSddl",
    "RuleSddlBuffer",
    "TargetUser",
    "TargetProcessId",
    "FilePath",
    "FilePathBuffer",
    "FileHash",
    "Fqbn",
    "FullFilePath",
    "FullFilePathBuffer",
    // Security 4624 and 4689
    "LogonType",
    "IpAddress",
    "IpPort",
    "WorkstationName",
    "LogonProcessName",
    "AuthenticationPackageName",
    "ProcessName",
    "Status",
    "TargetLogonGuid",
    "ElevatedToken",
    "VirtualAccount",
    "RestrictedAdminMode",
};
inline constexpr std::size_t kKnownFieldCount = kKnownFieldNames.size();
static_assert(kKnownFieldCount < 255, "ids are one byte, 0 meaning unknown");

namespace detail {

// A name's first and last 8 bytes (overlapping when shorter than 16; two 4-byte halves when
// shorter than 8), read little-endian so compile time and run time agree on every platform.
constexpr std::uint64_t load_le(const char* p, std::size_t n) {
  if (!std::is_constant_evaluated() && std::endian::native == std::endian::little) {
    if (n == 8) {
      std::uint64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
    if (n == 4) {
      std::uint32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
  }
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i)
    v |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}
struct NameWords {
  std::uint64_t head = 0, tail = 0;
};
constexpr NameWords name_words(const char* p, std::size_t n) {
  if (n >= 8) return {load_le(p, 8), load_le(p + n - 8, 8)};
  if (n >= 4) {
    const std::uint64_t v = load_le(p, 4) | (load_le(p + n - 4, 4) << 32);
    return {v, v};
  }
  const std::uint64_t v = load_le(p, n);
  return {v, v};
}

/// Open-addressed table (256 slots) from name to id, built at compile time. The slot is a
/// multiplicative hash of the name's first and last 8 bytes and its length: with this multiplier
/// every listed name has its own home slot, so a lookup is one probe and a comparison of two
/// words (and of the middle bytes of names longer than 16). A name added later that collides
/// still works, a probe further.
class KnownFieldTable {
 public:
  consteval KnownFieldTable() {
    for (auto& s : slots_) s = 0;
    for (std::size_t i = 0; i < kKnownFieldCount; ++i) {
      const std::string_view name = kKnownFieldNames[i];
      const NameWords w = name_words(name.data(), name.size());
      entries_[i + 1] = {w.head, w.tail, name.size()};
      std::size_t h = hash(w, name.size());
      while (slots_[h] != 0) {
        if (kKnownFieldNames[slots_[h] - 1] == name) throw "name listed twice";
        h = (h + 1) % kSlots;
      }
      slots_[h] = static_cast<std::uint8_t>(i + 1);
    }
  }
  [[nodiscard]] constexpr std::uint8_t id(std::string_view name) const {
    if (name.empty() || name.size() > kMaxNameBytes) return 0;
    const NameWords w = name_words(name.data(), name.size());
    for (std::size_t h = hash(w, name.size());; h = (h + 1) % kSlots) {
      const std::uint8_t id = slots_[h];
      if (id == 0) return 0;
      const Entry& e = entries_[id];
      if (e.size == name.size() && e.head == w.head && e.tail == w.tail &&
          (name.size() <= 16 || equal(kKnownFieldNames[id - 1].data(), name.data(), name.size()))) {
        return id;
      }
    }
  }

 private:
  static constexpr std::size_t kSlots = 256;
  static constexpr std::size_t kMaxNameBytes = 64;
  struct Entry {
    std::uint64_t head = 0, tail = 0;
    std::size_t size = 0;
  };
  static constexpr std::size_t hash(NameWords w, std::size_t n) {
    return static_cast<std::size_t>((((w.head + w.tail) ^ n) * 0x3271d359089a02d7ULL) >> 56);
  }
  static constexpr bool equal(const char* a, const char* b, std::size_t n) {
    if (!std::is_constant_evaluated()) return same_bytes(a, b, n);
    for (std::size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  std::array<std::uint8_t, kSlots> slots_{};
  std::array<Entry, kKnownFieldCount + 1> entries_{};
};

inline constexpr KnownFieldTable kKnownFieldTable{};

}  // namespace detail

/// Id (1..kKnownFieldCount) of a known field name, 0 for any other.
[[nodiscard]] constexpr std::uint8_t known_field_id(std::string_view name) {
  return detail::kKnownFieldTable.id(name);
}

}  // namespace cmdsentry
