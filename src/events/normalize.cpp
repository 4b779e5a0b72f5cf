#include "events/normalize.h"

#include <charconv>
#include <utility>

#include "core/number.h"

namespace cmdsentry::events {
namespace {

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    bool eq = true;
    for (std::size_t j = 0; j < needle.size() && eq; ++j) {
      eq = (hay[i + j] | 0x20) == (needle[j] | 0x20);
    }
    if (eq) return true;
  }
  return false;
}

bool is_security(const RawEvent& raw) {
  const std::string_view channel = raw.channel();
  if (channel == "Security") return true;
  if (!channel.empty()) return channel.size() == 8 && icontains(channel, "security");
  // Some exports drop the channel: fall back on the provider, or on the fields themselves.
  return raw.provider().empty() || icontains(raw.provider(), "Security-Auditing");
}

bool is_sysmon(const RawEvent& raw) {
  return icontains(raw.channel(), "Sysmon") || icontains(raw.provider(), "Sysmon");
}

bool is_applocker(const RawEvent& raw) {
  return icontains(raw.channel(), "AppLocker") || icontains(raw.provider(), "AppLocker");
}

LogonEvent from_4624(const RawEvent& raw) {
  using detail::field;
  LogonEvent e;
  e.time = raw.time_created;
  e.host = raw.computer();
  e.user_sid = field(raw, "TargetUserSid");
  e.user_domain = field(raw, "TargetDomainName");
  e.user_name = field(raw, "TargetUserName");
  e.logon_id = detail::number(field(raw, "TargetLogonId"));
  e.logon_type = static_cast<std::uint32_t>(detail::number(field(raw, "LogonType")));
  e.source_address = field(raw, "IpAddress");
  e.workstation = field(raw, "WorkstationName");
  e.logon_process = field(raw, "LogonProcessName");
  e.authentication_package = field(raw, "AuthenticationPackageName");
  return e;
}

ProcessExitEvent from_4689(const RawEvent& raw) {
  using detail::field;
  ProcessExitEvent e;
  e.time = raw.time_created;
  e.host = raw.computer();
  e.pid = static_cast<std::uint32_t>(detail::number(field(raw, "ProcessId")));
  e.image = field(raw, "ProcessName");
  e.logon_id = detail::number(field(raw, "SubjectLogonId"));
  e.exit_status = static_cast<std::uint32_t>(detail::number(field(raw, "Status")));
  return e;
}

}  // namespace

namespace detail {

std::string_view field(const RawEvent& raw, std::string_view name) {
  return raw.find_exact(name).value_or(std::string_view{});
}

}  // namespace detail

bool is_execution(const RawEvent& raw) {
  switch (raw.event_id) {
    case 4688:
      return is_security(raw);
    case 1:
      return is_sysmon(raw);
    case 8002:
    case 8003:
    case 8004:
      return is_applocker(raw);
    default:
      return false;
  }
}

const std::vector<std::uint32_t>& execution_event_ids() {
  static const std::vector<std::uint32_t> kIds = {1, 4688, 8002, 8003, 8004};
  return kIds;
}

Event normalize(RawEvent&& raw) {
  // The evidence is an exact-size copy, not the moved event: it stays compact however much room
  // the reader reserved, and the reader's event keeps its buffers for the next record.
  auto shared = std::make_shared<const RawEvent>(std::as_const(raw));
  const RawEvent& r = *shared;
  // One named result for every path, so it is built in place in the caller (executions, the bulk,
  // never move their ~1 KB ProcessEvent).
  Event out;  // a ProcessEvent
  if (is_execution(r)) {
    ProcessEvent& p = std::get<ProcessEvent>(out);
    if (r.event_id == 4688) {
      detail::from_4688(r, p);
    } else if (r.event_id == 1) {
      detail::from_sysmon1(r, p);
    } else {
      detail::from_applocker(r, p);
    }
    p.evidence.push_back(std::move(shared));
  } else if (r.event_id == 4624 && is_security(r)) {
    out.emplace<LogonEvent>(from_4624(r)).raw = std::move(shared);
  } else if (r.event_id == 4689 && is_security(r)) {
    out.emplace<ProcessExitEvent>(from_4689(r)).raw = std::move(shared);
  } else {
    out.emplace<OtherEvent>(OtherEvent{std::move(shared)});
  }
  return out;
}

}  // namespace cmdsentry::events
