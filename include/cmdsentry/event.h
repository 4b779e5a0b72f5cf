#pragma once
/// Normalized events: what every source (EVTX, JSON dialects, XML exports) turns into once the
/// event-specific field names are gone. A ProcessEvent is one process execution, whichever log
/// recorded it (Security 4688, Sysmon 1, AppLocker 8002/8003/8004) and however many copies of it
/// were read; the other event kinds are kept for correlation but are not executions.
///
/// Everything here owns its data. The raw field maps stay reachable (`evidence`) so later stages
/// (Sigma field matching, reports) can see the original names and values.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/raw_event.h"

namespace cmdsentry {

/// Which log produced a piece of evidence. Used as bit flags in ProcessEvent::kinds.
enum class EvidenceKind : std::uint8_t {
  kSecurity4688 = 1,
  kSysmon1 = 2,
  kAppLocker = 4,
};

/// Mandatory integrity level of a process (4688 MandatoryLabel SID, Sysmon IntegrityLevel text).
enum class Integrity : std::uint8_t {
  kUnknown,
  kUntrusted,
  kLow,
  kMedium,
  kMediumPlus,
  kHigh,
  kSystem,
  kProtected,
};

/// AppLocker's verdict: 8002 allowed, 8003 allowed but would be blocked (audit), 8004 blocked.
enum class AppLockerDecision : std::uint8_t { kNone, kAllowed, kAudited, kBlocked };

/// File hashes as Sysmon reports them (upper-case hex; empty when not logged).
struct FileHashes {
  std::string md5;
  std::string sha1;
  std::string sha256;
  std::string imphash;
};

/// AppLocker's view of an execution (from the RuleAndFileData user data).
struct AppLockerInfo {
  AppLockerDecision decision = AppLockerDecision::kNone;
  std::string policy;     ///< rule collection: EXE, DLL, MSI, SCRIPT
  std::string rule_id;    ///< matching rule GUID (all zero when no rule matched)
  std::string rule_name;  ///< "-" when none
  std::string rule_sddl;
  std::string file_path;  ///< AppLocker's upper-cased path with %SYSTEM32%-style variables
  std::string file_hash;  ///< AppLocker SHA-256 (not comparable with Sysmon's flat SHA256)
  std::string fqbn;       ///< publisher\product\binary\version, "-" when unsigned
};

/// The helper process a command re-launches with the same arguments (net.exe -> net1.exe). It is
/// kept on its parent's ProcessEvent so one operator action counts once.
struct HelperChild {
  std::uint32_t pid = 0;
  std::string image;
  std::string command_line;
  SourceRef source;
  std::vector<std::shared_ptr<const RawEvent>> evidence;  ///< the helper's own records
};

/// One process execution on one host.
struct ProcessEvent {
  std::uint64_t time = 0;          ///< creation time, FILETIME ticks UTC
  std::string host;                ///< Computer as logged (FQDN or NetBIOS)
  std::string user_sid;
  std::string user_domain;
  std::string user_name;
  std::uint64_t logon_id = 0;      ///< logon session (correlates with 4624's TargetLogonId)
  std::uint32_t pid = 0;            ///< 0: not recorded (no created process has PID 0)
  std::optional<std::uint32_t> parent_pid;
  std::string image;               ///< full path of the executable
  std::string command_line;
  bool command_line_logged = true; ///< false: 4688 with command-line auditing off
  std::string parent_image;
  std::string parent_command_line;
  Integrity integrity = Integrity::kUnknown;
  std::string process_guid;        ///< Sysmon ProcessGuid, "{lower-case}"
  std::string parent_process_guid;
  std::string original_file_name;  ///< Sysmon OriginalFileName (catches renamed copies)
  std::string current_directory;
  FileHashes hashes;
  AppLockerInfo applocker;
  std::optional<HelperChild> helper;  ///< net1.exe launched by this net.exe with the same args
  std::uint8_t kinds = 0;          ///< EvidenceKind bits of every record merged into this event
  /// Every record that describes this execution (first one first); carries SourceRef and the
  /// original field map for Sigma-style matching.
  std::vector<std::shared_ptr<const RawEvent>> evidence;

  [[nodiscard]] bool has(EvidenceKind k) const {
    return (kinds & static_cast<std::uint8_t>(k)) != 0;
  }
  /// Where the first record of this execution came from.
  [[nodiscard]] const SourceRef* source() const {
    return evidence.empty() ? nullptr : &evidence.front()->source;
  }
};

/// Security 4624 (successful logon): the session later executions refer to by logon id.
struct LogonEvent {
  std::uint64_t time = 0;
  std::string host;
  std::string user_sid;
  std::string user_domain;
  std::string user_name;
  std::uint64_t logon_id = 0;
  std::uint32_t logon_type = 0;    ///< 2 interactive, 3 network, 10 remote interactive, ...
  std::string source_address;      ///< IpAddress, "-" when local
  std::string workstation;
  std::string logon_process;
  std::string authentication_package;
  std::shared_ptr<const RawEvent> raw;
};

/// Security 4689 (process exit).
struct ProcessExitEvent {
  std::uint64_t time = 0;
  std::string host;
  std::uint32_t pid = 0;
  std::string image;
  std::uint64_t logon_id = 0;
  std::uint32_t exit_status = 0;
  std::shared_ptr<const RawEvent> raw;
};

/// Anything else: kept as read.
struct OtherEvent {
  std::shared_ptr<const RawEvent> raw;
};

/// A normalized event of any kind.
using Event = std::variant<ProcessEvent, LogonEvent, ProcessExitEvent, OtherEvent>;

/// "TOKEN" names used in JSON output and options.
[[nodiscard]] std::string_view to_string(Integrity level);
[[nodiscard]] std::string_view to_string(AppLockerDecision decision);

}  // namespace cmdsentry
