#pragma once
/// RawEvent -> normalized Event. Field names and formats differ per log (hex PIDs in 4688,
/// decimal in Sysmon, AppLocker's %SYSTEM32% paths, SIDs vs DOMAIN\user); this is the one place
/// that knows them. Which raw event becomes what:
///
///   Security 4688 (v0..v2)                          -> ProcessEvent (kSecurity4688)
///   Sysmon 1                                        -> ProcessEvent (kSysmon1)
///   AppLocker 8002/8003/8004 (EXE and DLL channel)  -> ProcessEvent (kAppLocker)
///   Security 4624                                   -> LogonEvent
///   Security 4689                                   -> ProcessExitEvent
///   anything else                                   -> OtherEvent

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "cmdsentry/event.h"
#include "core/number.h"
#include "core/raw_event.h"

namespace cmdsentry::events {

/// Normalizes one raw event. Never fails: missing fields stay empty/zero. The result keeps a
/// compact copy of `raw` as evidence; `raw` itself is left as it was, so a reader can reuse it.
[[nodiscard]] Event normalize(RawEvent&& raw);

/// True for the raw events that describe a process execution (4688, Sysmon 1, AppLocker
/// 8002-8004), judged by id plus channel/provider.
[[nodiscard]] bool is_execution(const RawEvent& raw);

/// Event ids worth decoding when only executions are wanted (a pre-filter: the channel is
/// checked afterwards by is_execution).
[[nodiscard]] const std::vector<std::uint32_t>& execution_event_ids();

/// Integrity from a 4688 MandatoryLabel SID ("S-1-16-8192") or a Sysmon level ("Medium").
[[nodiscard]] Integrity parse_integrity(std::string_view text);

/// Splits "DOMAIN\user" (or "user@domain") into domain and name.
void split_user(std::string_view text, std::string& domain, std::string& name);

/// "SHA1=..,MD5=..,SHA256=..,IMPHASH=.." into FileHashes.
[[nodiscard]] FileHashes parse_hashes(std::string_view text);

/// "{7D1E2A3B-...}" / "7d1e2a3b-..." -> "{7d1e2a3b-...}" (renderers differ in case and braces).
[[nodiscard]] std::string normalize_guid(std::string_view text);

/// AppLocker's "%SYSTEM32%\NET.EXE" with the usual variables expanded
/// ("C:\WINDOWS\SYSTEM32\NET.EXE"). The drive is assumed to be C: (AppLocker does not record it).
[[nodiscard]] std::string expand_applocker_path(std::string_view path);

namespace detail {
/// Fill a freshly constructed ProcessEvent (built in place inside the Event: no 1 KB move).
void from_4688(const RawEvent& raw, ProcessEvent& out);
void from_sysmon1(const RawEvent& raw, ProcessEvent& out);
void from_applocker(const RawEvent& raw, ProcessEvent& out);
/// Field value or empty.
std::string_view field(const RawEvent& raw, std::string_view name);
/// "0x1f48" or "8008" -> number (0 when absent or unparsable).
inline std::uint64_t number(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  const bool hex = has_hex_prefix(s);
  if (hex) s.remove_prefix(2);
  return parse_digits(s, hex).value;  // 0 when absent, unparsable or too large
}
}  // namespace detail

}  // namespace cmdsentry::events
