#pragma once
/// Process ancestry per host, logon sessions, and what an execution's ancestry says: a known
/// remote-execution shape, known automation, or an unusual parent (a web server, a document, a
/// service or WMI host, a binary in a user-writable folder). The lists and their reasons are in
/// docs/incidents.md; the design in docs/decisions/0005-incidents.md.
///
/// State is bounded: process nodes are kept for kProcessRetention of their host's event time, and
/// at most kMaxProcesses of them and kMaxSessions sessions (the oldest go first).

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cmdsentry/event.h"
#include "core/string_map.h"

namespace cmdsentry::correlate {

/// FILETIME ticks.
inline constexpr std::uint64_t kTick = 10'000'000;
/// How long a process stays known as a possible ancestor after its creation. A RAT or a web
/// server runs for days; a day covers a working day's children without growing with the input.
inline constexpr std::uint64_t kProcessRetention = 24ULL * 3600 * kTick;
/// Most process nodes and sessions kept (about 200 bytes each).
inline constexpr std::size_t kMaxProcesses = 200'000;
inline constexpr std::size_t kMaxSessions = 50'000;
/// Ancestors walked above the parent.
inline constexpr int kMaxDepth = 8;

/// Unusual ancestry kinds (bit flags).
enum AncestryKind : std::uint8_t {
  kKindWebServer = 1,      ///< w3wp, httpd, tomcat, php-cgi, sqlservr...
  kKindDocument = 2,       ///< Office programs, PDF readers
  kKindRemoteService = 4,  ///< services.exe, WmiPrvSE.exe, wsmprovhost.exe, winrshost.exe
  kKindUserWritable = 8,   ///< an ancestor runs from Temp, Downloads, AppData, Public...
};
inline constexpr std::size_t kKindCount = 4;
/// Bit position of a kind (0..3).
[[nodiscard]] constexpr std::size_t kind_index(AncestryKind kind) {
  return kind == kKindWebServer       ? 0
         : kind == kKindDocument      ? 1
         : kind == kKindRemoteService ? 2
                                      : 3;
}
/// "web-server", "document", "remote-service", "user-writable".
[[nodiscard]] std::string_view kind_name(AncestryKind kind);
/// A sentence for reports ("a web server process").
[[nodiscard]] std::string_view kind_description(AncestryKind kind);

/// Known remote-execution shapes.
enum class Shape : std::uint8_t {
  kNone,
  kAdminShareOutput,  ///< impacket wmiexec/smbexec: output redirected to \\127.0.0.1\ADMIN$ / C$
  kPipeEcho,          ///< Meterpreter/Cobalt Strike getsystem: echo ... > \\.\pipe\name
  kPsExecService,     ///< PsExec/PAExec/RemCom service as an ancestor
  kAtExecOutput,      ///< impacket atexec: task output to %windir%\Temp\*.tmp
};
[[nodiscard]] std::string_view shape_name(Shape shape);
[[nodiscard]] std::string_view shape_description(Shape shape);

/// One known-automation pattern.
struct AutomationPattern {
  std::string_view name;
  std::string_view evidence;  ///< why it is benign
  /// Lower-case substrings; any of them in the image path of an ancestor (or of the process
  /// itself) identifies the pattern. The path must not be user-writable.
  std::vector<std::string_view> images;
  /// Lower-case substrings of the command line of a script host or Java runtime (cscript,
  /// wscript, java, javaw) running a Windows script or a CI agent's jar; its image must not be
  /// user-writable.
  std::vector<std::string_view> command_lines;
};
/// The built-in list (docs/incidents.md).
[[nodiscard]] const std::vector<AutomationPattern>& automation_patterns();

/// What an execution's ancestry says.
struct AncestryInfo {
  /// Images above the process, nearest first, lower-case file names ("cmd.exe", "w3wp.exe").
  std::vector<std::string> chain;
  /// Full paths of the same (lower-case), for the reasons.
  std::vector<std::string> paths;
  std::uint8_t kinds = 0;                           ///< AncestryKind bits
  std::array<std::string, kKindCount> kind_images;  ///< the ancestor behind each kind (path)
  Shape shape = Shape::kNone;
  const AutomationPattern* automation = nullptr;
  /// Logon session of the process, from 4624 when seen.
  std::uint32_t logon_type = 0;
  std::string source_address;

  /// "cmd.exe < w3wp.exe < svchost.exe".
  [[nodiscard]] std::string text() const;
};

/// True for a path an ordinary user can write to: Temp, Downloads, AppData, ProgramData (not its
/// Microsoft folder), C:\Users\Public, $Recycle.Bin, PerfLogs; not the per-user install folders
/// AppData\Local\Programs and AppData\Local\Microsoft (VS Code, Teams, OneDrive).
[[nodiscard]] bool user_writable(std::string_view path);
/// The same for a path already in lower case (no copy).
[[nodiscard]] bool writable_lower(std::string_view lower_path);
/// cmd.exe, powershell.exe, pwsh.exe, conhost.exe: links that only pass a command on.
[[nodiscard]] bool shell_link(std::string_view image_name);

/// Process trees and sessions of every host, fed in event-time order.
class ProcessTable {
 public:
  /// A logon session (Security 4624).
  void add_logon(const LogonEvent& logon);
  /// Classifies an execution by its ancestors, then remembers it as a possible ancestor.
  [[nodiscard]] AncestryInfo add_process(const ProcessEvent& e, std::string_view host_key);
  /// True when the process is remembered already (by GUID or PID, same creation time).
  [[nodiscard]] bool knows(const ProcessEvent& e, std::string_view host_key) const;
  [[nodiscard]] std::size_t size() const { return nodes_.size(); }
  /// Distinct image paths the remembered processes name (each stored once).
  [[nodiscard]] std::size_t path_count() const { return paths_.size(); }

  // Configuration (the CLI's --automation-off).
  void disable_automation(std::string_view name) {
    disabled_.emplace_back(name);
    automation_cache_.clear();
  }
  void disable_all_automation() { automation_off_ = true; }

 private:
  /// Lower-case image paths of the nodes, each kept once with a count of the nodes that name
  /// it (a host runs the same few hundred programs all day). Id 0 is the empty path.
  class PathPool {
   public:
    [[nodiscard]] std::uint32_t intern(std::string_view path);
    void release(std::uint32_t id);
    [[nodiscard]] std::string_view text(std::uint32_t id) const { return entries_[id].text; }
    [[nodiscard]] std::size_t size() const { return ids_.size(); }

   private:
    struct Entry {
      std::string text;
      std::uint32_t uses = 0;
    };
    std::vector<Entry> entries_{Entry{}};
    std::vector<std::uint32_t> free_;
    StringMap<std::uint32_t> ids_;
  };
  struct Node {
    std::uint64_t time = 0;
    std::uint32_t path = 0;  ///< lower-case image path (PathPool id)
    std::uint32_t parent_path =
        0;                         ///< lower-case parent image as logged, for when its node is gone
    std::uint64_t parent_key = 0;  ///< key of the parent node (0: unknown)
    bool admin_share = false;      ///< its command line redirects output to an admin share
    const AutomationPattern* automation = nullptr;  ///< its own or inherited verdict
    /// Non-zero for a process's PID entry when it also has a GUID entry: the GUID entry's key,
    /// which holds the strings (one copy per process).
    std::uint64_t alias = 0;
  };
  struct Session {
    std::uint64_t time = 0;
    std::uint32_t type = 0;
    std::string address;
  };
  [[nodiscard]] static std::uint64_t key_of(std::string_view host, std::string_view guid,
                                            std::uint32_t pid);
  /// Per host: (time, key) of its nodes, oldest first, and its latest event time. Time is per
  /// host because inputs can be read late (more files than the engine opens at once): one
  /// host's clock must not expire another's processes.
  struct HostOrder {
    std::deque<std::pair<std::uint64_t, std::uint64_t>> order;  ///< (time, key)
    std::uint64_t now = 0;
  };
  /// The pattern a process (lower-case image path and command line) belongs to itself.
  [[nodiscard]] const AutomationPattern* automation_of(std::string_view path,
                                                       std::string_view command_line) const;
  /// automation_of without the cache.
  [[nodiscard]] const AutomationPattern* match_automation(std::string_view path,
                                                          std::string_view command_line) const;
  void put(HostOrder& h, std::uint64_t key, Node node);
  /// Drops the node under `key` if it is the one created at `time` (its paths released).
  void drop(std::uint64_t key, std::uint64_t time);
  /// The node stored under `key`, through its alias; null when absent or the alias is gone.
  [[nodiscard]] const Node* find_node(std::uint64_t key) const;
  void expire_host(HostOrder& h, std::uint64_t now);

  std::unordered_map<std::uint64_t, Node> nodes_;
  PathPool paths_;
  StringMap<HostOrder> hosts_;
  /// automation_of's verdicts by image path, for images whose command line does not matter (all
  /// but the script hosts and Java runtimes): the same few hundred images run all day. Cleared
  /// when it reaches kAutomationCache entries.
  mutable StringMap<const AutomationPattern*> automation_cache_;
  std::unordered_map<std::string, Session> sessions_;
  std::deque<std::pair<std::uint64_t, std::string>> session_order_;
  std::vector<std::string> disabled_;
  bool automation_off_ = false;
};

}  // namespace cmdsentry::correlate
