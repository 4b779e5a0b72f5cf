#pragma once
/// One execution, counted once. The same process reaches us several times: Sysmon 1 and 4688
/// (and AppLocker 8002..8004) on one machine describe it each, forwarded logs and a file read in
/// two renderings repeat records, and net.exe re-launches itself as net1.exe with the same
/// arguments. StreamMerger takes normalized events in (roughly) time order and:
///
///  1. drops exact copies (same host, channel, event id, record id and time) of any event kind,
///     keeping every copy's SourceRef as evidence of the survivor;
///  2. merges ProcessEvents of one host with the same PID and image name created within
///     kSameProcessWindow (Sysmon's UtcTime and 4688's TimeCreated differ by milliseconds; NXLog
///     times have whole seconds): fields missing in one are filled from the other; records that
///     lost their PID (NXLog drops Sysmon's ProcessId) match on host, image, parent PID,
///     arguments and time instead;
///  3. folds a net1.exe whose parent is a net.exe with the same arguments into that net.exe
///     (ProcessEvent::helper), so "net user" is one action.
///
/// Why streaming: a merge over the whole input needs every event in memory (30 GB for a 10 GB
/// export). All three merges pair events close in time, so each event is held only until event
/// time has passed it by kMergeHold, then handed on, in time order. "Event time" is the time of
/// the event added last (the engine's merge front), not the latest time ever seen: when an input
/// opened late delivers events older than what came before (all of one host's week after
/// another host's), those events are held and released by their own progress, while the few
/// newer events held from before wait for the front to come back. (Releasing by the latest time
/// seen held every such late event until the end of its input: memory grew with the input.)
/// Identities of released records are remembered a further kCopyMemory (a copy read from a
/// later file still merges into nothing twice). Memory follows the event rate times these
/// spans, not the input size.

#include <cstdint>
#include <deque>
#include <functional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cmdsentry/event.h"

namespace cmdsentry::events {

/// Window within which two records of one PID and image are the same process.
inline constexpr std::uint64_t kSameProcessWindow = 5ull * 10'000'000;  // 5 s in FILETIME ticks
/// Longest delay between net.exe and the net1.exe it starts.
inline constexpr std::uint64_t kHelperWindow = 10ull * 10'000'000;
/// How long an event is held for merging: past both windows (plus net1's 1 s early tolerance).
inline constexpr std::uint64_t kMergeHold = kHelperWindow + 1ull * 10'000'000;
/// How long the identity of a released record is remembered to drop later copies of it.
inline constexpr std::uint64_t kCopyMemory = 10ull * 60 * 10'000'000;  // 10 min
/// Most remembered record identities (bounds memory on dense input; the oldest go first).
inline constexpr std::size_t kMaxCopyKeys = 1'000'000;

/// What merging did.
struct MergeStats {
  std::uint64_t executions_in = 0;        ///< ProcessEvents added
  std::uint64_t copies_merged = 0;        ///< exact duplicate records (any kind)
  std::uint64_t same_process_merged = 0;  ///< different logs describing one process
  std::uint64_t helpers_folded = 0;       ///< net1.exe folded into net.exe
  std::uint64_t executions_out = 0;
};

/// Time an event is ordered by (FILETIME ticks): a ProcessEvent's creation time, else the
/// record's time.
[[nodiscard]] std::uint64_t event_time(const Event& e);

/// The record an event came from (an execution's first record); null when it has none.
[[nodiscard]] const RawEvent* raw_of(const Event& e);

/// Bytes an event held in memory takes, roughly: the event itself and the records it carries
/// (an execution's evidence, another event's raw record). What the byte budgets of the
/// reorder window and the pairing stage count.
[[nodiscard]] std::size_t footprint(const Event& e);

/// The windowed merger. Events come out through the callback given at construction.
class StreamMerger {
 public:
  using Out = std::function<void(Event&&)>;
  explicit StreamMerger(Out out) : out_(std::move(out)) {}
  /// One event; events should arrive in time order (a late one is still merged where its
  /// partners are held).
  void add(Event&& event);
  /// Hands on every held event.
  void flush();
  [[nodiscard]] const MergeStats& stats() const { return stats_; }
  /// Events held now (for tests and memory accounting).
  [[nodiscard]] std::size_t held() const { return live_; }

 private:
  struct Slot {
    Event event;
    std::uint64_t seq = 0;    ///< arrival number of the event in it (0: free)
    std::uint64_t host = 0;   ///< hash of host_key
    std::uint64_t image = 0;  ///< hash of image_name (0: none)
    bool process = false;
  };
  ProcessEvent* proc(std::uint64_t seq);
  Slot* slot(std::uint64_t seq);
  void index(std::uint64_t seq);
  void unindex(const Slot& s, std::uint64_t seq);
  bool merge_copy(Event& event, std::uint64_t& key);
  bool merge_same_process(ProcessEvent& p, std::uint64_t host, std::uint64_t image,
                          std::uint64_t seq);
  bool fold_helper(ProcessEvent& child, std::uint64_t host, std::uint64_t image);
  void adopt_helpers(std::uint64_t seq);
  void release(std::uint64_t watermark);
  void emit(Slot& s);

  Out out_;
  MergeStats stats_;
  /// A held event's handle, as the indexes keep it: its slot in pool_ (high bits) and its
  /// arrival number (low kSeqBits), so a handle of a released event never finds the slot's
  /// next tenant.
  static constexpr int kSeqBits = 40;
  [[nodiscard]] static std::uint64_t handle(std::uint32_t index, std::uint64_t seq) {
    return (static_cast<std::uint64_t>(index) << kSeqBits) | (seq & ((1ull << kSeqBits) - 1));
  }
  void free_slot(std::uint64_t h);
  /// Release order: (time, arrival, handle), earliest first.
  struct Due {
    std::uint64_t time, seq, handle;
    bool operator>(const Due& o) const { return time != o.time ? time > o.time : seq > o.seq; }
  };

  std::vector<Slot> pool_;           ///< held events; free slots have seq 0
  std::vector<std::uint32_t> free_;  ///< free slots of pool_
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  std::size_t live_ = 0;  ///< events held
  std::uint64_t next_seq_ = 1;
  std::uint64_t front_ = 0;      ///< time of the event added last
  std::uint64_t watermark_ = 0;  ///< latest time seen (forgets record identities)
  /// (host, pid) -> held process slots; (host, image) -> held slots without a PID or with one;
  /// (host, parent pid) -> held net1.exe slots.
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> by_pid_, by_image_, net1_by_parent_;
  /// Record identity -> slot sequence number (may be released already).
  std::unordered_map<std::uint64_t, std::uint64_t> copies_;
  std::deque<std::pair<std::uint64_t, std::uint64_t>> copy_order_;  ///< (time, key), oldest first
};

/// Collects events, then merges them all at once (tests, small inputs). Holds everything.
class EventMerger {
 public:
  void add(Event&& event) { events_.push_back(std::move(event)); }
  /// Merges and returns every event, ordered by time. The merger is empty afterwards.
  [[nodiscard]] std::vector<Event> finish(MergeStats* stats = nullptr);

 private:
  std::vector<Event> events_;
};

/// Lower-case host name without its DNS suffix: "WS01.corp.example" -> "ws01".
[[nodiscard]] std::string host_key(std::string_view host);
/// Hash of host_key(host), without building it.
[[nodiscard]] std::uint64_t host_key_hash(std::string_view host);
/// Lower-case file name of a path: "C:\Windows\System32\NET.EXE" -> "net.exe".
[[nodiscard]] std::string image_name(std::string_view path);
/// Hash of image_name(path), without building it; 0 for an empty name.
[[nodiscard]] std::uint64_t image_name_hash(std::string_view path);
/// Command-line arguments after the program, whitespace collapsed, lower-cased.
[[nodiscard]] std::string arguments_key(std::string_view command_line);

}  // namespace cmdsentry::events
