#pragma once
/// Sigma field names on cmdsentry events.
///
/// A process_creation rule names Sysmon 1's fields (Image, CommandLine, ParentImage, User,
/// IntegrityLevel, Hashes, ...). cmdsentry runs it on the normalized ProcessEvent, so the same
/// rule matches Security 4688 (NewProcessName is Image, ParentProcessName is ParentImage,
/// SubjectDomainName\SubjectUserName is User, MandatoryLabel is IntegrityLevel), Winlogbeat/ECS
/// (process.executable, process.command_line, ...) and every other dialect the readers know.
/// Names with no normalized counterpart (Company, Description, Product, FileVersion, ParentUser)
/// are looked up among the raw fields of the execution's records, case-insensitively.

#include <cstdint>
#include <string>
#include <string_view>

#include "cmdsentry/event.h"
#include "rules/rule.h"

namespace cmdsentry::sigma {

/// Normalized fields (rules::FieldRef::id); 0 is "raw field by name".
enum class Field : std::uint16_t {
  kRaw = 0,
  kImage,
  kCommandLine,
  kParentImage,
  kParentCommandLine,
  kUser,
  kIntegrityLevel,
  kHashes,
  kMd5,
  kSha1,
  kSha256,
  kImphash,
  kOriginalFileName,
  kCurrentDirectory,
  kProcessId,
  kParentProcessId,
  kProcessGuid,
  kParentProcessGuid,
  kLogonId,
  kComputer,
  kEventId,
  kChannel,
  kProvider,
};

/// The field a Sigma name means (Sysmon, 4688 and ECS spellings, case-insensitive).
[[nodiscard]] Field field_of(std::string_view name);

/// An execution as a rules::Record.
class ProcessRecord final : public rules::Record {
 public:
  explicit ProcessRecord(const ProcessEvent& e) : e_(e) {}
  [[nodiscard]] std::optional<std::string_view> get(const rules::FieldRef& field,
                                                    std::string& scratch) const override;
  void for_each_value(const std::function<void(std::string_view)>& fn) const override;

 private:
  const ProcessEvent& e_;
};

/// One raw record (any channel) as a rules::Record.
class RawRecord final : public rules::Record {
 public:
  explicit RawRecord(const RawEvent& e) : e_(e) {}
  [[nodiscard]] std::optional<std::string_view> get(const rules::FieldRef& field,
                                                    std::string& scratch) const override;
  void for_each_value(const std::function<void(std::string_view)>& fn) const override;

 private:
  const RawEvent& e_;
};

}  // namespace cmdsentry::sigma
