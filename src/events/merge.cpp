#include "events/merge.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <numeric>
#include <unordered_map>

namespace cmdsentry::events {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

const RawEvent* raw_of(const Event& e) {
  return std::visit(
      [](const auto& v) -> const RawEvent* {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, ProcessEvent>) {
          return v.evidence.empty() ? nullptr : v.evidence.front().get();
        } else {
          return v.raw.get();
        }
      },
      e);
}

std::uint64_t time_of(const Event& e) {
  return std::visit(
      [](const auto& v) -> std::uint64_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, OtherEvent>) {
          return v.raw ? v.raw->time_created : 0;
        } else {
          return v.time;
        }
      },
      e);
}

void fill(std::string& dst, std::string& src) {
  if (dst.empty() && !src.empty()) dst = std::move(src);
}

void merge_into(ProcessEvent& dst, ProcessEvent&& src) {
  using Text = ProcessEvent::Text;
  // Prefer the real path over AppLocker's reconstructed one.
  const bool applocker_image_only = dst.has(EvidenceKind::kAppLocker) && dst.kinds == 4;
  dst.time = std::min(dst.time, src.time);
  for (std::size_t t = 0; t < static_cast<std::size_t>(Text::kCount); ++t) {
    const auto field = static_cast<Text>(t);
    const std::string_view theirs = src.text(field);
    if (theirs.empty()) continue;
    if (dst.text(field).empty() || (field == Text::kImage && applocker_image_only)) {
      dst.set_text(field, theirs);
    }
  }
  if (dst.logon_id == 0) dst.logon_id = src.logon_id;
  if (!dst.parent_pid) dst.parent_pid = src.parent_pid;
  dst.command_line_logged = dst.command_line_logged || src.command_line_logged;
  if (dst.integrity == Integrity::kUnknown) dst.integrity = src.integrity;
  if (src.hashes) {
    if (!dst.hashes) {
      dst.hashes = std::move(src.hashes);
    } else {
      FileHashes& d = dst.hashes.edit();
      FileHashes& h = src.hashes.edit();
      fill(d.md5, h.md5);
      fill(d.sha1, h.sha1);
      fill(d.sha256, h.sha256);
      fill(d.imphash, h.imphash);
    }
  }
  if (dst.applocker->decision == AppLockerDecision::kNone) dst.applocker = std::move(src.applocker);
  if (!dst.helper) dst.helper = std::move(src.helper);
  dst.kinds |= src.kinds;
  for (auto& ev : src.evidence) dst.evidence.push_back(std::move(ev));
}

bool is_dll_check(const ProcessEvent& p) {
  return p.has(EvidenceKind::kAppLocker) && p.kinds == 4 && p.applocker->policy == "DLL";
}

}  // namespace

/// The host name without its domain ("WKS-07.corp.example" and "WKS-07" are one machine), but
/// an IPv4 address is kept whole ("10.0.0.5" is not host "10").
std::string host_key(std::string_view host) {
  const bool ipv4 = !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos;
  if (ipv4 || host.find(':') != std::string_view::npos) return lower(host);  // IPv4 or IPv6
  return lower(host.substr(0, host.find('.')));
}

std::string image_name(std::string_view path) {
  const std::size_t sep = path.find_last_of("\\/");
  return lower(sep == std::string_view::npos ? path : path.substr(sep + 1));
}

std::string arguments_key(std::string_view cl) {
  while (!cl.empty() && (cl.front() == ' ' || cl.front() == '\t')) cl.remove_prefix(1);
  // Skip the program token (CommandLineToArgvW rules for argv[0]: quotes, no escapes).
  std::size_t i = 0;
  if (!cl.empty() && cl.front() == '"') {
    const std::size_t q = cl.find('"', 1);
    i = q == std::string_view::npos ? cl.size() : q + 1;
  } else {
    while (i < cl.size() && cl[i] != ' ' && cl[i] != '\t') ++i;
  }
  std::string out;
  bool space = false;
  for (; i < cl.size(); ++i) {
    const char c = cl[i];
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  return out;
}

void EventMerger::add(Event&& event) { events_.push_back(std::move(event)); }

namespace {

// Small dense ids for host keys, channels and image names, so the merge compares integers
// instead of building and comparing strings per event. Consecutive events usually share a host
// and channel, so the last raw spelling is remembered to skip even the hash lookup.
class Interner {
 public:
  std::uint32_t id(std::string_view raw, std::string (*key)(std::string_view)) {
    if (has_last_ && raw == last_raw_) return last_id_;
    auto [it, inserted] = ids_.try_emplace(key(raw), static_cast<std::uint32_t>(ids_.size()));
    last_raw_.assign(raw);
    last_id_ = it->second;
    has_last_ = true;
    return last_id_;
  }
  /// Id of an already interned key, or kNone.
  [[nodiscard]] std::uint32_t find(const std::string& key) const {
    auto it = ids_.find(key);
    return it == ids_.end() ? kNone : it->second;
  }
  static constexpr std::uint32_t kNone = UINT32_MAX;

 private:
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::string last_raw_;
  std::uint32_t last_id_ = 0;
  bool has_last_ = false;
};

// Identity of one record for the exact-copy check: (host, channel, id, record id, time in ms).
struct CopyKey {
  std::uint32_t host;
  std::uint32_t channel;
  std::uint32_t event_id;
  std::uint64_t record_id;
  std::uint64_t time_ms;
  bool operator==(const CopyKey&) const = default;

  [[nodiscard]] std::uint64_t hash() const {
    std::uint64_t h = record_id * 0x9E3779B97F4A7C15ull;
    h ^= (time_ms + (static_cast<std::uint64_t>(host) << 32 | channel)) * 0xC2B2AE3D27D4EB4Full;
    h ^= static_cast<std::uint64_t>(event_id) * 0x165667B19E3779F9ull;
    return h ^ (h >> 29);
  }
};

// First index holding each CopyKey: open addressing over one flat array (a node-based map costs
// an allocation per event, which was most of the merge's time on large inputs).
class FirstIndex {
 public:
  explicit FirstIndex(std::size_t n) {
    std::size_t cap = 16;
    while (cap < n * 2) cap *= 2;
    slots_.assign(cap, kEmpty);
    keys_.reserve(n);
  }
  /// Index of the first event added with `key`, or `index` itself when it is the first.
  std::uint32_t first(const CopyKey& key, std::uint32_t index) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t h = key.hash() & mask;; h = (h + 1) & mask) {
      const std::uint32_t slot = slots_[h];
      if (slot == kEmpty) {
        slots_[h] = static_cast<std::uint32_t>(keys_.size());
        keys_.emplace_back(key, index);
        return index;
      }
      if (keys_[slot].first == key) return keys_[slot].second;
    }
  }

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  std::vector<std::uint32_t> slots_;
  std::vector<std::pair<CopyKey, std::uint32_t>> keys_;
};

std::string lower_key(std::string_view s) { return lower(s); }
std::string host_key_of(std::string_view s) { return host_key(s); }
std::string image_key_of(std::string_view s) { return image_name(s); }

}  // namespace

std::vector<Event> EventMerger::finish(MergeStats* stats_out) {
  MergeStats stats;
  const std::size_t n = events_.size();
  std::vector<bool> gone(n, false);
  for (const Event& e : events_) stats.executions_in += std::holds_alternative<ProcessEvent>(e);
  Interner hosts_by_name;  // host_key() of ProcessEvent::host and RawEvent::computer
  Interner channels;
  Interner image_names;    // image_name() of ProcessEvent::image

  // 1. Exact copies of one record.
  {
    FirstIndex seen(n);
    for (std::size_t i = 0; i < n; ++i) {
      const RawEvent* r = raw_of(events_[i]);
      if (r == nullptr || r->record_id == 0) continue;
      const CopyKey key{hosts_by_name.id(r->computer(), host_key_of),
                        channels.id(r->channel(), lower_key), r->event_id, r->record_id,
                        r->time_created / 10000};
      const std::uint32_t first = seen.first(key, static_cast<std::uint32_t>(i));
      if (first == i) continue;
      gone[i] = true;
      stats.copies_merged++;
      auto* dst = std::get_if<ProcessEvent>(&events_[first]);
      auto* src = std::get_if<ProcessEvent>(&events_[i]);
      if (dst != nullptr && src != nullptr) merge_into(*dst, std::move(*src));
    }
  }

  // 2. One process, several logs. Sorted by (host, pid, time); host order is by interned id,
  // which groups the same hosts as comparing the key strings, and keeps each host's order.
  std::vector<std::size_t> procs;
  std::vector<std::uint32_t> hosts(n, 0);
  std::vector<std::uint32_t> images(n, 0);  // interned image_name(); id of "" for none
  const std::uint32_t no_image = image_names.id("", image_key_of);
  for (std::size_t i = 0; i < n; ++i) {
    if (gone[i]) continue;
    if (auto* p = std::get_if<ProcessEvent>(&events_[i]); p != nullptr && !is_dll_check(*p)) {
      procs.push_back(i);
      hosts[i] = hosts_by_name.id(p->host(), host_key_of);
      images[i] = image_names.id(p->image(), image_key_of);
    }
  }
  auto proc = [&](std::size_t i) -> ProcessEvent& { return std::get<ProcessEvent>(events_[i]); };
  {
    struct SortKey {
      std::uint32_t host;
      std::uint32_t pid;
      std::uint64_t time;
      std::size_t index;
    };
    std::vector<SortKey> keys;
    keys.reserve(procs.size());
    for (std::size_t i : procs) keys.push_back({hosts[i], proc(i).pid, proc(i).time, i});
    std::stable_sort(keys.begin(), keys.end(), [](const SortKey& a, const SortKey& b) {
      if (a.host != b.host) return a.host < b.host;
      if (a.pid != b.pid) return a.pid < b.pid;
      return a.time < b.time;
    });
    for (std::size_t k = 0; k < keys.size(); ++k) procs[k] = keys[k].index;
  }
  for (std::size_t k = 0; k < procs.size(); ++k) {
    const std::size_t i = procs[k];
    if (gone[i]) continue;
    for (std::size_t m = k + 1; m < procs.size(); ++m) {
      const std::size_t j = procs[m];
      if (hosts[j] != hosts[i] || proc(j).pid != proc(i).pid) break;
      if (proc(j).time - proc(i).time > kSameProcessWindow) break;
      if (gone[j]) continue;
      if (images[i] != no_image && images[j] != no_image && images[i] != images[j]) continue;
      merge_into(proc(i), std::move(proc(j)));
      images[i] = image_names.id(proc(i).image(), image_key_of);  // the merge may replace it
      gone[j] = true;
      stats.same_process_merged++;
    }
  }

  // 2b. Records that lost their PID (NXLog exports drop Sysmon's ProcessId, which collides with
  // its own ProcessID key): match on host, image, parent PID, arguments and time instead.
  const bool any_lost = std::any_of(procs.begin(), procs.end(),
                                    [&](std::size_t i) { return !gone[i] && proc(i).pid == 0; });
  std::multimap<std::pair<std::uint32_t, std::uint32_t>, std::size_t> by_image;
  for (std::size_t i : any_lost ? procs : std::vector<std::size_t>{}) {
    if (!gone[i] && proc(i).pid != 0) by_image.emplace(std::make_pair(hosts[i], images[i]), i);
  }
  for (std::size_t i : procs) {
    if (gone[i] || proc(i).pid != 0) continue;
    ProcessEvent& lost = proc(i);
    auto [lo, hi] = by_image.equal_range({hosts[i], images[i]});
    std::size_t best = SIZE_MAX;
    std::uint64_t best_gap = kSameProcessWindow + 1;
    for (auto it = lo; it != hi; ++it) {
      const ProcessEvent& c = proc(it->second);
      if (gone[it->second] || (c.kinds & lost.kinds) != 0) continue;
      if (lost.parent_pid && c.parent_pid && *lost.parent_pid != *c.parent_pid) continue;
      if (!lost.command_line().empty() && !c.command_line().empty() &&
          arguments_key(lost.command_line()) != arguments_key(c.command_line())) {
        continue;
      }
      const std::uint64_t gap = c.time > lost.time ? c.time - lost.time : lost.time - c.time;
      if (gap < best_gap) {
        best_gap = gap;
        best = it->second;
      }
    }
    if (best == SIZE_MAX) continue;
    merge_into(proc(best), std::move(lost));
    images[best] = image_names.id(proc(best).image(), image_key_of);
    gone[i] = true;
    stats.same_process_merged++;
  }

  // 3. net.exe -> net1.exe with the same arguments.
  const std::uint32_t net = image_names.find("net.exe");
  const std::uint32_t net1 = image_names.find("net1.exe");
  const bool any_net1 = net != Interner::kNone && net1 != Interner::kNone &&
                        std::any_of(procs.begin(), procs.end(),
                                    [&](std::size_t i) { return !gone[i] && images[i] == net1; });
  std::multimap<std::pair<std::uint32_t, std::uint32_t>, std::size_t> by_pid;
  for (std::size_t i : any_net1 ? procs : std::vector<std::size_t>{}) {
    if (!gone[i] && images[i] == net) by_pid.emplace(std::make_pair(hosts[i], proc(i).pid), i);
  }
  for (std::size_t c : any_net1 ? procs : std::vector<std::size_t>{}) {
    if (gone[c] || !proc(c).parent_pid || images[c] != net1) continue;
    auto [lo, hi] = by_pid.equal_range({hosts[c], *proc(c).parent_pid});
    for (auto it = lo; it != hi; ++it) {
      ProcessEvent& parent = proc(it->second);
      ProcessEvent& child = proc(c);
      if (gone[it->second] || parent.helper) continue;
      const std::int64_t delay =
          static_cast<std::int64_t>(child.time) - static_cast<std::int64_t>(parent.time);
      if (delay < -10'000'000 || delay > static_cast<std::int64_t>(kHelperWindow)) continue;
      if (arguments_key(parent.command_line()) != arguments_key(child.command_line())) continue;
      HelperChild h;
      h.pid = child.pid;
      h.image = child.image();
      h.command_line = child.command_line();
      if (const SourceRef* s = child.source()) h.source = *s;
      h.evidence = std::move(child.evidence);
      parent.helper.edit() = std::move(h);
      gone[c] = true;
      stats.helpers_folded++;
      break;
    }
  }

  // Drop the merged events in place, then order by time. Logs are mostly in time order
  // already: then nothing moves. Otherwise indices are sorted and the permutation applied in
  // place, one move per event (no second copy of every event).
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (gone[i]) continue;
    if (kept != i) events_[kept] = std::move(events_[i]);
    ++kept;
  }
  events_.erase(events_.begin() + static_cast<std::ptrdiff_t>(kept), events_.end());
  std::vector<std::pair<std::uint64_t, std::size_t>> order;
  order.reserve(kept);
  for (std::size_t i = 0; i < kept; ++i) order.emplace_back(time_of(events_[i]), i);
  const auto by_time = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(order.begin(), order.end(), by_time)) {
    std::stable_sort(order.begin(), order.end(), by_time);
    // Position k takes the event now at order[k].second; follow each cycle once.
    std::vector<bool> placed(kept, false);
    for (std::size_t start = 0; start < kept; ++start) {
      if (placed[start] || order[start].second == start) continue;
      Event held = std::move(events_[start]);
      std::size_t k = start;
      while (order[k].second != start) {
        events_[k] = std::move(events_[order[k].second]);
        placed[k] = true;
        k = order[k].second;
      }
      events_[k] = std::move(held);
      placed[k] = true;
    }
  }
  std::vector<Event> out = std::move(events_);
  events_.clear();
  for (const Event& e : out) stats.executions_out += std::holds_alternative<ProcessEvent>(e);
  if (stats_out != nullptr) *stats_out = stats;
  return out;
}

}  // namespace cmdsentry::events
