// The three execution records -> ProcessEvent. Field names per windows-events.md §2, §4, §5.
#include <array>

#include "core/ascii.h"
#include "core/time.h"
#include "events/normalize.h"

namespace cmdsentry::events {

using detail::field;
using detail::number;

namespace {

// First of several alternative field names that is present.
std::string_view first_field(const RawEvent& raw, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (auto v = raw.find_exact(n)) return *v;
  }
  return {};
}

bool meaningful(std::string_view v) { return !v.empty() && v != "-"; }

}  // namespace

Integrity parse_integrity(std::string_view t) {
  if (t.starts_with("S-1-16-")) {
    switch (number(t.substr(7))) {
      case 0:
        return Integrity::kUntrusted;
      case 4096:
        return Integrity::kLow;
      case 8192:
        return Integrity::kMedium;
      case 8448:
        return Integrity::kMediumPlus;
      case 12288:
        return Integrity::kHigh;
      case 16384:
        return Integrity::kSystem;
      case 20480:
      case 28672:
        return Integrity::kProtected;
      default:
        return Integrity::kUnknown;
    }
  }
  if (iequals(t, "Untrusted")) return Integrity::kUntrusted;
  if (iequals(t, "Low")) return Integrity::kLow;
  if (iequals(t, "Medium")) return Integrity::kMedium;
  if (iequals(t, "MediumPlus") || iequals(t, "Medium Plus")) return Integrity::kMediumPlus;
  if (iequals(t, "High")) return Integrity::kHigh;
  if (iequals(t, "System")) return Integrity::kSystem;
  if (iequals(t, "Protected")) return Integrity::kProtected;
  return Integrity::kUnknown;
}

void split_user(std::string_view text, std::string& domain, std::string& name) {
  if (const std::size_t bs = text.find('\\'); bs != std::string_view::npos) {
    domain = text.substr(0, bs);
    name = text.substr(bs + 1);
  } else if (const std::size_t at = text.find('@'); at != std::string_view::npos) {
    name = text.substr(0, at);
    domain = text.substr(at + 1);
  } else {
    domain.clear();
    name = text;
  }
}

FileHashes parse_hashes(std::string_view text) {
  FileHashes h;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view alg = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (iequals(alg, "MD5"))
      h.md5 = value;
    else if (iequals(alg, "SHA1"))
      h.sha1 = value;
    else if (iequals(alg, "SHA256"))
      h.sha256 = value;
    else if (iequals(alg, "IMPHASH"))
      h.imphash = value;
  }
  return h;
}

std::string normalize_guid(std::string_view t) {
  if (t.empty()) return {};
  if (t.front() == '{') t.remove_prefix(1);
  if (!t.empty() && t.back() == '}') t.remove_suffix(1);
  // Sized once and written in place (a GUID is 38 bytes: past the short-string buffer, so
  // appending byte by byte would check capacity 38 times).
  std::string out(t.size() + 2, '}');
  out[0] = '{';
  for (std::size_t i = 0; i < t.size(); ++i) out[i + 1] = ascii_lower(t[i]);
  return out;
}

std::string expand_applocker_path(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kVars = {{
      {"%SYSTEM32%", "C:\\WINDOWS\\SYSTEM32"},
      {"%WINDIR%", "C:\\WINDOWS"},
      {"%PROGRAMFILES%", "C:\\PROGRAM FILES"},
      {"%OSDRIVE%", "C:"},
      {"%REMOVABLE%", "REMOVABLE:"},
      {"%HOT%", "HOTPLUG:"},
      {"%LOCALAPPDATA%", "C:\\USERS\\?\\APPDATA\\LOCAL"},
      {"%APPDATA%", "C:\\USERS\\?\\APPDATA\\ROAMING"},
  }};
  for (const auto& [var, value] : kVars) {
    if (path.size() >= var.size() && iequals(path.substr(0, var.size()), var)) {
      return std::string(value) + std::string(path.substr(var.size()));
    }
  }
  return std::string(path);
}

namespace detail {

void from_4688(const RawEvent& raw, ProcessEvent& p) {
  // Every field this needs, found in one pass over the record.
  enum : std::size_t {
    kTargetUserName,
    kTargetDomainName,
    kTargetUserSid,
    kTargetLogonId,
    kSubjectUserSid,
    kSubjectDomainName,
    kSubjectUserName,
    kSubjectLogonId,
    kNewProcessId,
    kProcessId,
    kNewProcessName,
    kCommandLine,
    kParentProcessName,
    kMandatoryLabel,
    kCount
  };
  static constexpr FieldNameSet<kCount> kNames{std::array<std::string_view, kCount>{
      "TargetUserName", "TargetDomainName", "TargetUserSid", "TargetLogonId", "SubjectUserSid",
      "SubjectDomainName", "SubjectUserName", "SubjectLogonId", "NewProcessId", "ProcessId",
      "NewProcessName", "CommandLine", "ParentProcessName", "MandatoryLabel"}};
  const auto f = raw.find_exact(kNames);
  auto get = [&](std::size_t i) { return f[i]; };

  p.kinds = static_cast<std::uint8_t>(EvidenceKind::kSecurity4688);
  p.time = raw.time_created;
  p.reserve_text(raw.computer().size() + get(kTargetUserName).size() +
                 get(kSubjectUserName).size() + get(kTargetDomainName).size() +
                 get(kSubjectDomainName).size() + get(kSubjectUserSid).size() +
                 get(kTargetUserSid).size() + get(kNewProcessName).size() +
                 get(kCommandLine).size() + get(kParentProcessName).size());
  p.set_host(raw.computer());
  // The new process runs as the target account when one is given (v2), else as the creator.
  const std::string_view target_name = get(kTargetUserName);
  if (meaningful(target_name)) {
    p.set_user_name(target_name);
    p.set_user_domain(get(kTargetDomainName));
    const std::string_view sid = get(kTargetUserSid);
    if (sid != "S-1-0-0") p.set_user_sid(sid);
    p.logon_id = number(get(kTargetLogonId));
  } else {
    p.set_user_sid(get(kSubjectUserSid));
    p.set_user_domain(get(kSubjectDomainName));
    p.set_user_name(get(kSubjectUserName));
    p.logon_id = number(get(kSubjectLogonId));
  }
  p.pid = static_cast<std::uint32_t>(number(get(kNewProcessId)));
  if (f.has(kProcessId)) p.parent_pid = static_cast<std::uint32_t>(number(f[kProcessId]));
  p.set_image(get(kNewProcessName));
  p.set_command_line(get(kCommandLine));
  p.command_line_logged = !get(kCommandLine).empty();
  p.set_parent_image(get(kParentProcessName));
  p.integrity = parse_integrity(get(kMandatoryLabel));
}

void from_sysmon1(const RawEvent& raw, ProcessEvent& p) {
  enum : std::size_t {
    kUtcTime,
    kUser,
    kLogonId,
    kProcessId,
    kParentProcessId,
    kImage,
    kCommandLine,
    kParentImage,
    kParentCommandLine,
    kIntegrityLevel,
    kProcessGuid,
    kParentProcessGuid,
    kOriginalFileName,
    kCurrentDirectory,
    kHashes,
    kCount
  };
  static constexpr FieldNameSet<kCount> kNames{std::array<std::string_view, kCount>{
      "UtcTime", "User", "LogonId", "ProcessId", "ParentProcessId", "Image", "CommandLine",
      "ParentImage", "ParentCommandLine", "IntegrityLevel", "ProcessGuid", "ParentProcessGuid",
      "OriginalFileName", "CurrentDirectory", "Hashes"}};
  const auto f = raw.find_exact(kNames);
  auto get = [&](std::size_t i) { return f[i]; };

  p.kinds = static_cast<std::uint8_t>(EvidenceKind::kSysmon1);
  // UtcTime is the creation time (ms); TimeCreated is when Sysmon logged it.
  p.time = parse_iso_time(get(kUtcTime)).value_or(raw.time_created);
  std::size_t size = raw.computer().size() + 4;  // + the braces normalize_guid may add
  for (const auto& v : f.values) size += v.size();
  p.reserve_text(size);
  p.set_host(raw.computer());
  std::string domain, name;
  split_user(get(kUser), domain, name);
  p.set_user_domain(domain);
  p.set_user_name(name);
  p.logon_id = number(get(kLogonId));
  p.pid = static_cast<std::uint32_t>(number(get(kProcessId)));
  if (f.has(kParentProcessId)) {
    p.parent_pid = static_cast<std::uint32_t>(number(f[kParentProcessId]));
  }
  p.set_image(get(kImage));
  p.set_command_line(get(kCommandLine));
  p.set_parent_image(get(kParentImage));
  p.set_parent_command_line(get(kParentCommandLine));
  p.integrity = parse_integrity(get(kIntegrityLevel));
  p.set_process_guid(normalize_guid(get(kProcessGuid)));
  p.set_parent_process_guid(normalize_guid(get(kParentProcessGuid)));
  p.set_original_file_name(get(kOriginalFileName));
  p.set_current_directory(get(kCurrentDirectory));
  if (f.has(kHashes)) p.hashes.edit() = parse_hashes(f[kHashes]);
}

void from_applocker(const RawEvent& raw, ProcessEvent& p) {
  p.kinds = static_cast<std::uint8_t>(EvidenceKind::kAppLocker);
  p.time = raw.time_created;
  p.set_host(raw.computer());
  const std::string_view user = field(raw, "TargetUser");
  p.set_user_sid(user.empty() ? raw.user_sid() : user);
  p.logon_id = number(field(raw, "TargetLogonId"));
  p.pid = static_cast<std::uint32_t>(number(field(raw, "TargetProcessId")));
  AppLockerInfo& a = p.applocker.edit();
  a.decision = raw.event_id == 8002   ? AppLockerDecision::kAllowed
               : raw.event_id == 8003 ? AppLockerDecision::kAudited
                                      : AppLockerDecision::kBlocked;
  a.policy = first_field(raw, {"PolicyName", "PolicyNameBuffer"});
  a.rule_id = normalize_guid(field(raw, "RuleId"));
  a.rule_name = first_field(raw, {"RuleName", "RuleNameBuffer"});
  a.rule_sddl = first_field(raw, {"RuleSddl", "RuleSddlBuffer"});
  a.file_path = first_field(raw, {"FilePath", "FilePathBuffer"});
  a.file_hash = field(raw, "FileHash");
  a.fqbn = field(raw, "Fqbn");
  const std::string_view full = first_field(raw, {"FullFilePath", "FullFilePathBuffer"});
  p.set_image(full.empty() ? std::string_view(expand_applocker_path(a.file_path)) : full);
  p.command_line_logged = false;  // AppLocker never records command lines
}

}  // namespace detail
}  // namespace cmdsentry::events

namespace cmdsentry {

std::string_view to_string(Integrity level) {
  switch (level) {
    case Integrity::kUnknown:
      return "unknown";
    case Integrity::kUntrusted:
      return "untrusted";
    case Integrity::kLow:
      return "low";
    case Integrity::kMedium:
      return "medium";
    case Integrity::kMediumPlus:
      return "medium_plus";
    case Integrity::kHigh:
      return "high";
    case Integrity::kSystem:
      return "system";
    case Integrity::kProtected:
      return "protected";
  }
  return "unknown";
}

std::string_view to_string(AppLockerDecision d) {
  switch (d) {
    case AppLockerDecision::kNone:
      return "none";
    case AppLockerDecision::kAllowed:
      return "allowed";
    case AppLockerDecision::kAudited:
      return "audited";
    case AppLockerDecision::kBlocked:
      return "blocked";
  }
  return "none";
}

}  // namespace cmdsentry
