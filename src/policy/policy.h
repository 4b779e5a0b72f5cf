#pragma once
/// An AppLocker policy in memory: what the reader builds from any AppLocker XML (ours, or one
/// exported with `Get-AppLockerPolicy -Effective -Xml`), what the generator builds and the
/// writer serializes, and what the simulator evaluates executions against. The XML shape is in
/// ../shared/reference/applocker-policy.md (section 2) and docs/policy.md.
///
///   AppLockerPolicy @Version
///   └─ RuleCollection @Type @EnforcementMode
///      └─ FilePathRule | FilePublisherRule | FileHashRule
///           @Id @Name @Description @UserOrGroupSid @Action
///           ├─ Conditions  (FilePathCondition | FilePublisherCondition | FileHashCondition)
///           └─ Exceptions  (any number of the three)

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/uuid.h"

namespace cmdsentry::policy {

/// Well-known SIDs the generator and the simulator use.
inline constexpr std::string_view kEveryoneSid = "S-1-1-0";
inline constexpr std::string_view kAdministratorsSid = "S-1-5-32-544";
/// Signer and product of the Windows binaries we restrict (applocker-policy.md, 2.2).
inline constexpr std::string_view kMicrosoftPublisher =
    "O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US";
inline constexpr std::string_view kWindowsProduct =
    "MICROSOFT\xC2\xAE WINDOWS\xC2\xAE OPERATING SYSTEM";

/// RuleCollection/@Type.
enum class CollectionType : std::uint8_t { kExe, kDll, kScript, kMsi, kAppx };
/// RuleCollection/@EnforcementMode. NotConfigured with rules present is enforced.
enum class EnforcementMode : std::uint8_t { kNotConfigured, kAuditOnly, kEnabled };
/// Rule/@Action.
enum class Action : std::uint8_t { kAllow, kDeny };
/// Which of the three rule elements.
enum class RuleKind : std::uint8_t { kPath, kPublisher, kHash };

/// FilePathCondition: a path with AppLocker variables (%WINDIR%, %SYSTEM32%...) and `*`.
struct PathCondition {
  std::string path;
};

/// FilePublisherCondition with its BinaryVersionRange ("*" = any, open end).
struct PublisherCondition {
  std::string publisher = "*";
  std::string product = "*";
  std::string binary = "*";
  std::string low_version = "*";
  std::string high_version = "*";
};

/// One FileHash of a FileHashCondition.
struct FileHash {
  std::string type = "SHA256";
  std::string data;  ///< "0x" + hex digits as written
  std::string source_file_name;
  std::string source_file_length;
};

/// FileHashCondition: one or more hashes.
struct HashCondition {
  std::vector<FileHash> hashes;
};

using Condition = std::variant<PathCondition, PublisherCondition, HashCondition>;

/// One rule of a collection.
struct Rule {
  RuleKind kind = RuleKind::kPath;
  std::string id;
  std::string name;
  std::string description;
  std::string sid;  ///< UserOrGroupSid
  Action action = Action::kAllow;
  std::vector<Condition> conditions;  ///< normally exactly one
  std::vector<Condition> exceptions;
  std::uint32_t line = 0;  ///< where the reader found it (0: generated)
};

/// One RuleCollection.
struct RuleCollection {
  CollectionType type = CollectionType::kExe;
  EnforcementMode mode = EnforcementMode::kNotConfigured;
  std::vector<Rule> rules;
};

/// A whole policy.
struct Policy {
  std::string version = "1";
  std::vector<RuleCollection> collections;

  /// The collection of that type, or null.
  [[nodiscard]] const RuleCollection* find(CollectionType type) const;
};

/// XML names: "Exe", "AuditOnly", "Deny", "FilePathRule".
[[nodiscard]] std::string_view to_string(CollectionType type);
[[nodiscard]] std::string_view to_string(EnforcementMode mode);
[[nodiscard]] std::string_view to_string(Action action);
[[nodiscard]] std::string_view rule_element(RuleKind kind);

/// Rule ids: a deterministic UUID from the rule's content (core/uuid.h).
using cmdsentry::content_uuid;

}  // namespace cmdsentry::policy
