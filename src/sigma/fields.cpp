#include "sigma/fields.h"

#include <array>
#include <utility>

#include "core/ascii.h"

namespace cmdsentry::sigma {
namespace {

struct Alias {
  std::string_view name;
  Field field;
};

// Sysmon names first, then Security 4688's and ECS/Winlogbeat's for the same thing.
constexpr std::array kAliases{
    Alias{"Image", Field::kImage},
    Alias{"NewProcessName", Field::kImage},
    Alias{"process.executable", Field::kImage},
    Alias{"CommandLine", Field::kCommandLine},
    Alias{"process.command_line", Field::kCommandLine},
    Alias{"ParentImage", Field::kParentImage},
    Alias{"ParentProcessName", Field::kParentImage},
    Alias{"process.parent.executable", Field::kParentImage},
    Alias{"ParentCommandLine", Field::kParentCommandLine},
    Alias{"process.parent.command_line", Field::kParentCommandLine},
    Alias{"User", Field::kUser},
    Alias{"user.name", Field::kUser},
    Alias{"IntegrityLevel", Field::kIntegrityLevel},
    Alias{"Hashes", Field::kHashes},
    Alias{"md5", Field::kMd5},
    Alias{"sha1", Field::kSha1},
    Alias{"sha256", Field::kSha256},
    Alias{"Imphash", Field::kImphash},
    Alias{"OriginalFileName", Field::kOriginalFileName},
    Alias{"process.pe.original_file_name", Field::kOriginalFileName},
    Alias{"CurrentDirectory", Field::kCurrentDirectory},
    Alias{"process.working_directory", Field::kCurrentDirectory},
    Alias{"ProcessId", Field::kProcessId},
    Alias{"NewProcessId", Field::kProcessId},
    Alias{"process.pid", Field::kProcessId},
    Alias{"ParentProcessId", Field::kParentProcessId},
    Alias{"process.parent.pid", Field::kParentProcessId},
    Alias{"ProcessGuid", Field::kProcessGuid},
    Alias{"ParentProcessGuid", Field::kParentProcessGuid},
    Alias{"LogonId", Field::kLogonId},
    Alias{"SubjectLogonId", Field::kLogonId},
    Alias{"Computer", Field::kComputer},
    Alias{"ComputerName", Field::kComputer},
    Alias{"host.name", Field::kComputer},
    Alias{"EventID", Field::kEventId},
    Alias{"event.code", Field::kEventId},
    Alias{"Channel", Field::kChannel},
    Alias{"winlog.channel", Field::kChannel},
    Alias{"Provider_Name", Field::kProvider},
};

std::string_view integrity_text(Integrity i) {
  // As Sysmon writes IntegrityLevel.
  switch (i) {
    case Integrity::kUntrusted:
      return "Untrusted";
    case Integrity::kLow:
      return "Low";
    case Integrity::kMedium:
      return "Medium";
    case Integrity::kMediumPlus:
      return "MediumPlus";
    case Integrity::kHigh:
      return "High";
    case Integrity::kSystem:
      return "System";
    case Integrity::kProtected:
      return "Protected";
    case Integrity::kUnknown:
      return {};
  }
  return {};
}

std::optional<std::string_view> nonempty(std::string_view v) {
  if (v.empty()) return std::nullopt;
  return v;
}

std::optional<std::string_view> raw_field(const EvidenceList& ev, std::string_view name) {
  for (const auto& r : ev) {
    if (auto v = r->field(name)) return v;
  }
  return std::nullopt;
}

std::string_view number(std::string& scratch, std::uint64_t v) {
  scratch = std::to_string(v);
  return scratch;
}

std::optional<std::string_view> system_field(const RawEvent& r, Field f, std::string& scratch) {
  switch (f) {
    case Field::kEventId:
      return number(scratch, r.event_id);
    case Field::kChannel:
      return nonempty(r.channel());
    case Field::kProvider:
      return nonempty(r.provider());
    case Field::kComputer:
      return nonempty(r.computer());
    default:
      return std::nullopt;
  }
}

}  // namespace

Field field_of(std::string_view name) {
  for (const Alias& a : kAliases) {
    if (iequals(a.name, name)) return a.field;
  }
  return Field::kRaw;
}

std::optional<std::string_view> ProcessRecord::get(const rules::FieldRef& field,
                                                   std::string& scratch) const {
  const ProcessEvent& e = e_;
  const FileHashes& h = *e.hashes;
  switch (static_cast<Field>(field.id)) {
    case Field::kRaw:
      return raw_field(e.evidence, field.name);
    case Field::kImage:
      return nonempty(e.image());
    case Field::kCommandLine:
      if (!e.command_line_logged) return std::nullopt;
      return nonempty(e.command_line());
    case Field::kParentImage:
      return nonempty(e.parent_image());
    case Field::kParentCommandLine:
      return nonempty(e.parent_command_line());
    case Field::kUser:
      if (e.user_name().empty()) return std::nullopt;
      if (e.user_domain().empty()) return e.user_name();
      scratch.assign(e.user_domain());
      scratch += '\\';
      scratch += e.user_name();
      return scratch;
    case Field::kIntegrityLevel:
      return nonempty(integrity_text(e.integrity));
    case Field::kHashes: {
      if (auto raw = raw_field(e.evidence, "Hashes")) return raw;
      scratch.clear();
      const std::pair<std::string_view, std::string_view> parts[] = {
          {"SHA1", h.sha1}, {"MD5", h.md5}, {"SHA256", h.sha256}, {"IMPHASH", h.imphash}};
      for (const auto& [k, v] : parts) {
        if (v.empty()) continue;
        if (!scratch.empty()) scratch += ',';
        scratch.append(k).append("=").append(v);
      }
      return nonempty(scratch);
    }
    case Field::kMd5:
      return nonempty(h.md5);
    case Field::kSha1:
      return nonempty(h.sha1);
    case Field::kSha256:
      return nonempty(h.sha256);
    case Field::kImphash:
      return nonempty(h.imphash);
    case Field::kOriginalFileName:
      return nonempty(e.original_file_name());
    case Field::kCurrentDirectory:
      return nonempty(e.current_directory());
    case Field::kProcessId:
      if (e.pid == 0) return std::nullopt;
      return number(scratch, e.pid);
    case Field::kParentProcessId:
      if (!e.parent_pid) return std::nullopt;
      return number(scratch, *e.parent_pid);
    case Field::kProcessGuid:
      return nonempty(e.process_guid());
    case Field::kParentProcessGuid:
      return nonempty(e.parent_process_guid());
    case Field::kLogonId:
      if (e.logon_id == 0) return std::nullopt;
      scratch = "0x";
      {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string digits;
        for (std::uint64_t v = e.logon_id; v != 0; v >>= 4)
          digits.insert(digits.begin(), kHex[v & 15]);
        scratch += digits;
      }
      return scratch;
    case Field::kComputer:
      return nonempty(e.host());
    case Field::kEventId:
    case Field::kChannel:
    case Field::kProvider:
      if (e.evidence.empty()) return std::nullopt;
      return system_field(*e.evidence.front(), static_cast<Field>(field.id), scratch);
  }
  return std::nullopt;
}

void ProcessRecord::for_each_value(const std::function<void(std::string_view)>& fn) const {
  // Every value get() can give, built the same way (the prefilter looks for a rule's literals
  // here, so a value missing here would hide a match), then the raw fields.
  std::string scratch;
  for (auto id = static_cast<std::uint16_t>(Field::kImage);
       id <= static_cast<std::uint16_t>(Field::kProvider); ++id) {
    const rules::FieldRef ref{std::string(), id};
    if (const auto v = get(ref, scratch); v && !v->empty()) fn(*v);
  }
  // Raw fields: what a rule names beyond the normalized ones (Company, Description, ...).
  for (const auto& r : e_.evidence) {
    for (const RawField& f : r->fields()) {
      if (!f.value.empty()) fn(f.value);
    }
    fn(r->channel());
    fn(r->provider());
  }
}

std::optional<std::string_view> RawRecord::get(const rules::FieldRef& field,
                                               std::string& scratch) const {
  const Field f = static_cast<Field>(field.id);
  if (f == Field::kEventId || f == Field::kChannel || f == Field::kProvider ||
      f == Field::kComputer) {
    return system_field(e_, f, scratch);
  }
  if (auto v = e_.field(field.name)) return v;
  return std::nullopt;
}

void RawRecord::for_each_value(const std::function<void(std::string_view)>& fn) const {
  for (const RawField& f : e_.fields()) {
    if (!f.value.empty()) fn(f.value);
  }
  std::string scratch;
  fn(number(scratch, e_.event_id));
  fn(e_.channel());
  fn(e_.provider());
  fn(e_.computer());
}

}  // namespace cmdsentry::sigma
