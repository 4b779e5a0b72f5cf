#include "events/merge.h"

#include <algorithm>
#include <cstdint>
#include <numeric>

#include "core/ascii.h"

namespace cmdsentry::events {
namespace {

constexpr std::uint64_t kSecond = 10'000'000;

/// FNV-1a over lower-cased bytes, then mixed; never 0.
std::uint64_t hash_lower(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(ascii_lower(c));
    h *= 0x100000001b3ull;
  }
  h ^= h >> 31;
  return h == 0 ? 1 : h;
}

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull + (a << 6) + (a >> 2));
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 32);
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
  if (dst.pid == 0) dst.pid = src.pid;
  if (dst.logon_id == 0) dst.logon_id = src.logon_id;
  if (!dst.parent_pid) dst.parent_pid = src.parent_pid;
  dst.command_line_logged = dst.command_line_logged || src.command_line_logged;
  if (dst.integrity == Integrity::kUnknown) dst.integrity = src.integrity;
  if (dst.clock_offset == 0) dst.clock_offset = src.clock_offset;
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

std::uint64_t gap(std::uint64_t a, std::uint64_t b) { return a > b ? a - b : b - a; }

void erase_from(std::unordered_map<std::uint64_t, std::vector<std::uint64_t>>& map,
                std::uint64_t key, std::uint64_t seq) {
  auto it = map.find(key);
  if (it == map.end()) return;
  auto& v = it->second;
  v.erase(std::remove(v.begin(), v.end(), seq), v.end());
  if (v.empty()) map.erase(it);
}

const std::uint64_t kNetHash = hash_lower("net.exe");
const std::uint64_t kNet1Hash = hash_lower("net1.exe");

}  // namespace

std::size_t footprint(const Event& e) {
  return std::visit(
      [](const auto& x) -> std::size_t {
        using T = std::decay_t<decltype(x)>;
        std::size_t n = sizeof(Event) + 128;
        if constexpr (std::is_same_v<T, ProcessEvent>) {
          for (const auto& r : x.evidence) n += r->footprint();
        } else {
          if (x.raw) n += x.raw->footprint();
        }
        return n;
      },
      e);
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

std::uint64_t event_time(const Event& e) {
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

/// The host name without its domain ("WKS-07.corp.example" and "WKS-07" are one machine), but
/// an IPv4 address is kept whole ("10.0.0.5" is not host "10").
std::string host_key(std::string_view host) {
  const bool ipv4 =
      !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos;
  if (ipv4 || host.find(':') != std::string_view::npos) return to_lower(host);  // IPv4 or IPv6
  return to_lower(host.substr(0, host.find('.')));
}

std::uint64_t host_key_hash(std::string_view host) {
  const bool ipv4 =
      !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos;
  if (ipv4 || host.find(':') != std::string_view::npos) return hash_lower(host);
  return hash_lower(host.substr(0, host.find('.')));
}

std::string image_name(std::string_view path) { return to_lower(path_file_name(path)); }

std::uint64_t image_name_hash(std::string_view path) {
  const std::string_view name = path_file_name(path);
  return name.empty() ? 0 : hash_lower(name);
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
    out += ascii_lower(c);
  }
  return out;
}

// --- StreamMerger ---------------------------------------------------------------------------

StreamMerger::Slot* StreamMerger::slot(std::uint64_t h) {
  const std::uint64_t index = h >> kSeqBits;
  if (index >= pool_.size()) return nullptr;
  Slot& s = pool_[index];
  if (s.seq == 0 || handle(static_cast<std::uint32_t>(index), s.seq) != h) return nullptr;
  return &s;
}

void StreamMerger::free_slot(std::uint64_t h) {
  const auto index = static_cast<std::uint32_t>(h >> kSeqBits);
  Slot& s = pool_[index];
  s.event = Event{};
  s.seq = 0;
  free_.push_back(index);
  --live_;
}

ProcessEvent* StreamMerger::proc(std::uint64_t seq) {
  Slot* s = slot(seq);
  return s == nullptr ? nullptr : std::get_if<ProcessEvent>(&s->event);
}

void StreamMerger::index(std::uint64_t seq) {
  Slot& s = pool_[seq >> kSeqBits];
  if (!s.process) return;
  const ProcessEvent& p = std::get<ProcessEvent>(s.event);
  if (p.pid != 0) by_pid_[mix(s.host, p.pid)].push_back(seq);
  by_image_[mix(s.host, s.image)].push_back(seq);
  if (s.image == kNet1Hash && p.parent_pid)
    net1_by_parent_[mix(s.host, *p.parent_pid)].push_back(seq);
}

void StreamMerger::unindex(const Slot& s, std::uint64_t seq) {
  if (!s.process) return;
  const ProcessEvent& p = std::get<ProcessEvent>(s.event);
  if (p.pid != 0) erase_from(by_pid_, mix(s.host, p.pid), seq);
  erase_from(by_image_, mix(s.host, s.image), seq);
  if (s.image == kNet1Hash && p.parent_pid)
    erase_from(net1_by_parent_, mix(s.host, *p.parent_pid), seq);
}

/// 1. Exact copies. Returns true when `event` was a copy (merged into or dropped for its
/// first record); else sets `key` to its identity (0: none).
bool StreamMerger::merge_copy(Event& event, std::uint64_t& key) {
  key = 0;
  const RawEvent* r = raw_of(event);
  if (r == nullptr || r->record_id == 0) return false;
  std::uint64_t k = mix(host_key_hash(r->computer()), hash_lower(r->channel()));
  k = mix(k, r->event_id);
  k = mix(k, r->record_id);
  k = mix(k, r->time_created / 10000);
  if (k == 0) k = 1;
  auto it = copies_.find(k);
  if (it == copies_.end()) {
    key = k;
    return false;
  }
  stats_.copies_merged++;
  auto* src = std::get_if<ProcessEvent>(&event);
  ProcessEvent* dst = proc(it->second);
  if (src != nullptr && dst != nullptr) merge_into(*dst, std::move(*src));
  return true;
}

/// 2. One process, several logs.
bool StreamMerger::merge_same_process(ProcessEvent& p, std::uint64_t host, std::uint64_t image,
                                      std::uint64_t seq) {
  (void)seq;
  if (p.pid != 0) {
    auto it = by_pid_.find(mix(host, p.pid));
    if (it != by_pid_.end()) {
      for (std::uint64_t cand : it->second) {
        Slot* s = slot(cand);
        if (s == nullptr || s->host != host) continue;
        ProcessEvent& q = std::get<ProcessEvent>(s->event);
        if (q.pid != p.pid || gap(q.time, p.time) > kSameProcessWindow) continue;
        if (image != 0 && s->image != 0 && image != s->image) continue;
        unindex(*s, cand);
        merge_into(q, std::move(p));
        s->image = image_name_hash(q.image());
        index(cand);
        stats_.same_process_merged++;
        adopt_helpers(cand);
        return true;
      }
    }
  }
  // Records without a PID (and, the other way round, a PID-ful record meeting one held without):
  // host, image, parent PID, arguments and the closest time.
  auto it = by_image_.find(mix(host, image));
  if (it == by_image_.end()) return false;
  std::uint64_t best = 0;
  bool found = false;
  std::uint64_t best_gap = kSameProcessWindow + 1;
  std::string args;
  bool have_args = false;
  for (std::uint64_t cand : it->second) {
    Slot* s = slot(cand);
    if (s == nullptr || s->host != host || s->image != image) continue;
    const ProcessEvent& q = std::get<ProcessEvent>(s->event);
    if ((p.pid == 0) == (q.pid == 0)) continue;  // exactly one of the two lost its PID
    if ((q.kinds & p.kinds) != 0) continue;
    if (p.parent_pid && q.parent_pid && *p.parent_pid != *q.parent_pid) continue;
    if (!p.command_line().empty() && !q.command_line().empty()) {
      if (!have_args) {
        args = arguments_key(p.command_line());
        have_args = true;
      }
      if (arguments_key(q.command_line()) != args) continue;
    }
    const std::uint64_t g = gap(q.time, p.time);
    if (g < best_gap) {
      best_gap = g;
      best = cand;
      found = true;
    }
  }
  if (!found) return false;
  Slot* s = slot(best);
  unindex(*s, best);
  merge_into(std::get<ProcessEvent>(s->event), std::move(p));
  s->image = image_name_hash(std::get<ProcessEvent>(s->event).image());
  index(best);
  stats_.same_process_merged++;
  return true;
}

/// 3. net1.exe arriving after (or up to 1 s before) its net.exe.
bool StreamMerger::fold_helper(ProcessEvent& child, std::uint64_t host, std::uint64_t image) {
  if (image != kNet1Hash || !child.parent_pid) return false;
  auto it = by_pid_.find(mix(host, *child.parent_pid));
  if (it == by_pid_.end()) return false;
  for (std::uint64_t cand : it->second) {
    Slot* s = slot(cand);
    if (s == nullptr || s->host != host || s->image != kNetHash) continue;
    ProcessEvent& parent = std::get<ProcessEvent>(s->event);
    if (parent.pid != *child.parent_pid) continue;
    if (parent.helper) {
      // The helper logged twice (4688 and Sysmon 1, one of them without its PID): one process.
      HelperChild& h = parent.helper.edit();
      if ((h.pid != 0 && child.pid != 0 && h.pid != child.pid) ||
          arguments_key(h.command_line) != arguments_key(child.command_line())) {
        continue;
      }
      if (h.pid == 0) h.pid = child.pid;
      for (auto& ev : child.evidence) h.evidence.push_back(std::move(ev));
      stats_.same_process_merged++;
      return true;
    }
    const std::int64_t delay =
        static_cast<std::int64_t>(child.time) - static_cast<std::int64_t>(parent.time);
    if (delay < -static_cast<std::int64_t>(kSecond) ||
        delay > static_cast<std::int64_t>(kHelperWindow)) {
      continue;
    }
    if (arguments_key(parent.command_line()) != arguments_key(child.command_line())) continue;
    HelperChild h;
    h.pid = child.pid;
    h.image = child.image();
    h.command_line = child.command_line();
    if (const SourceRef* src = child.source()) h.source = *src;
    h.evidence = std::move(child.evidence);
    parent.helper.edit() = std::move(h);
    stats_.helpers_folded++;
    return true;
  }
  return false;
}

/// A net.exe (new, or just merged) takes a held net1.exe child that arrived before it.
void StreamMerger::adopt_helpers(std::uint64_t seq) {
  Slot* s = slot(seq);
  if (s == nullptr || s->image != kNetHash) return;
  ProcessEvent& parent = std::get<ProcessEvent>(s->event);
  if (parent.helper || parent.pid == 0) return;
  auto it = net1_by_parent_.find(mix(s->host, parent.pid));
  if (it == net1_by_parent_.end()) return;
  const std::vector<std::uint64_t> cands = it->second;
  for (std::uint64_t c : cands) {
    Slot* cs = slot(c);
    if (cs == nullptr || cs->host != s->host) continue;
    ProcessEvent& child = std::get<ProcessEvent>(cs->event);
    const std::uint64_t host = cs->host;
    unindex(*cs, c);
    if (fold_helper(child, host, cs->image)) {
      free_slot(c);  // its entry in due_ finds the slot free (or another tenant's) and is skipped
      return;
    }
    index(c);
  }
}

void StreamMerger::add(Event&& event) {
  const std::uint64_t t = event_time(event);
  watermark_ = std::max(watermark_, t);
  front_ = t;
  std::uint64_t key = 0;
  auto* p = std::get_if<ProcessEvent>(&event);
  if (p != nullptr) stats_.executions_in++;
  if (merge_copy(event, key)) {
    release(front_);
    return;
  }
  const std::uint64_t seq = next_seq_++;
  std::uint32_t at = 0;
  if (free_.empty()) {
    at = static_cast<std::uint32_t>(pool_.size());
    pool_.emplace_back();
  } else {
    at = free_.back();
    free_.pop_back();
  }
  const std::uint64_t h = handle(at, seq);
  if (key != 0) {
    copies_.emplace(key, h);
    copy_order_.emplace_back(t, key);
  }
  bool process = false;
  std::uint64_t host = 0, image = 0;
  if (p != nullptr && !is_dll_check(*p)) {
    host = host_key_hash(p->host());
    image = image_name_hash(p->image());
    if (merge_same_process(*p, host, image, h) || fold_helper(*p, host, image)) {
      // Not taken after all. A later copy of this record finds its key without a held event
      // and is dropped as a copy.
      free_.push_back(at);
      release(front_);
      return;
    }
    process = true;
  }
  Slot& s = pool_[at];
  s.seq = seq;
  s.host = host;
  s.image = image;
  s.process = process;
  s.event = std::move(event);
  ++live_;
  due_.push(Due{t, seq, h});
  if (process) {
    index(h);
    adopt_helpers(h);
  }
  release(front_);
}

void StreamMerger::emit(Slot& s) {
  if (s.process) stats_.executions_out++;
  out_(std::move(s.event));
}

void StreamMerger::release(std::uint64_t front) {
  while (!due_.empty() && due_.top().time + kMergeHold <= front) {
    const Due d = due_.top();
    due_.pop();
    Slot* s = slot(d.handle);
    if (s == nullptr) continue;  // folded into another event: freed already
    unindex(*s, d.handle);
    emit(*s);
    free_slot(d.handle);
  }
  // Forget record identities past their span (or over the cap), unless their event is held.
  while (!copy_order_.empty() && (copy_order_.front().first + kCopyMemory < watermark_ ||
                                  copy_order_.size() > kMaxCopyKeys)) {
    auto it = copies_.find(copy_order_.front().second);
    if (it != copies_.end() && slot(it->second) == nullptr) copies_.erase(it);
    copy_order_.pop_front();
  }
}

void StreamMerger::flush() {
  release(UINT64_MAX - kMergeHold);
  copies_.clear();
  copy_order_.clear();
}

// --- EventMerger ----------------------------------------------------------------------------

std::vector<Event> EventMerger::finish(MergeStats* stats_out) {
  std::vector<std::size_t> order(events_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return event_time(events_[a]) < event_time(events_[b]);
  });
  std::vector<Event> out;
  StreamMerger merger([&](Event&& e) { out.push_back(std::move(e)); });
  for (std::size_t i : order) merger.add(std::move(events_[i]));
  merger.flush();
  events_.clear();
  std::stable_sort(out.begin(), out.end(),
                   [](const Event& a, const Event& b) { return event_time(a) < event_time(b); });
  if (stats_out != nullptr) *stats_out = merger.stats();
  return out;
}

}  // namespace cmdsentry::events
