#pragma once
/// One execution, counted once. The same process reaches us several times: Sysmon 1 and 4688
/// (and AppLocker 8002..8004) on one machine describe it each, forwarded logs and a file read in
/// two renderings repeat records, and net.exe re-launches itself as net1.exe with the same
/// arguments. EventMerger collects normalized events, then:
///
///  1. drops exact copies (same host, channel, event id, record id and time) of any event kind,
///     keeping every copy's SourceRef as evidence of the survivor;
///  2. merges ProcessEvents of one host with the same PID and image name created within
///     kSameProcessWindow (Sysmon's UtcTime and 4688's TimeCreated differ by milliseconds; NXLog
///     times have whole seconds): fields missing in one are filled from the other;
///  3. folds a net1.exe whose parent is a net.exe with the same arguments into that net.exe
///     (ProcessEvent::helper), so "net user" is one action.
///
/// Events come out ordered by time (stable for equal times).

#include <cstdint>
#include <vector>

#include "cmdsentry/event.h"

namespace cmdsentry::events {

/// Window within which two records of one PID and image are the same process.
inline constexpr std::uint64_t kSameProcessWindow = 5ull * 10'000'000;  // 5 s in FILETIME ticks
/// Longest delay between net.exe and the net1.exe it starts.
inline constexpr std::uint64_t kHelperWindow = 10ull * 10'000'000;

/// What merging did.
struct MergeStats {
  std::uint64_t executions_in = 0;     ///< ProcessEvents added
  std::uint64_t copies_merged = 0;     ///< exact duplicate records (any kind)
  std::uint64_t same_process_merged = 0;  ///< different logs describing one process
  std::uint64_t helpers_folded = 0;    ///< net1.exe folded into net.exe
  std::uint64_t executions_out = 0;
};

/// Collects events, then merges. Holds everything until finish().
class EventMerger {
 public:
  void add(Event&& event);
  /// Merges and returns every event, ordered by time. The merger is empty afterwards.
  [[nodiscard]] std::vector<Event> finish(MergeStats* stats = nullptr);

 private:
  std::vector<Event> events_;
};

/// Lower-case host name without its DNS suffix: "WS01.corp.example" -> "ws01".
[[nodiscard]] std::string host_key(std::string_view host);
/// Lower-case file name of a path: "C:\Windows\System32\NET.EXE" -> "net.exe".
[[nodiscard]] std::string image_name(std::string_view path);
/// Command-line arguments after the program, whitespace collapsed, lower-cased.
[[nodiscard]] std::string arguments_key(std::string_view command_line);

}  // namespace cmdsentry::events
