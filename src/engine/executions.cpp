#include "engine/executions.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "cmdline/analyzer.h"
#include "core/number.h"
#include "core/ordered_pool.h"
#include "events/merge.h"

namespace cmdsentry::engine {
namespace {

using cmdline::AnalyzedCommand;
using cmdline::Origin;

constexpr std::uint64_t kNone = UINT64_MAX;
/// First sequence number of late arrivals (those of `held` count up from 0 and never get here).
constexpr std::uint64_t kLateSeq = 1ULL << 62;
constexpr std::uint64_t kHold = kChainChildWindow + kChainChildSkew;

const std::uint64_t kWmiPrvSeHash = events::image_name_hash("wmiprvse.exe");
// PsExec's service: what `psexec [\\host] ... <program>` runs is its child on the target.
const std::uint64_t kPsexesvcHash = events::image_name_hash("psexesvc.exe");

bool is_root(const AnalyzedCommand& c) { return c.parent < 0 && c.origin == Origin::kProcess; }

/// The command whose process starts `c`: its parent, or for `cmd /c start [/b] x` the shell
/// above `start` (start is a builtin; cmd.exe itself creates x, so x's own process event is a
/// child of the shell and must pair with it, not be counted twice).
const AnalyzedCommand& launcher_of(const std::vector<AnalyzedCommand>& cmds,
                                   const AnalyzedCommand& c) {
  int p = c.parent;
  while (cmds[static_cast<std::size_t>(p)].cmd_builtin &&
         cmds[static_cast<std::size_t>(p)].program == "start" &&
         cmds[static_cast<std::size_t>(p)].parent >= 0) {
    p = cmds[static_cast<std::size_t>(p)].parent;
  }
  return cmds[static_cast<std::size_t>(p)];
}

bool runs_commands(const cmdline::Analysis& a, std::size_t i) {
  return std::any_of(a.commands.begin(), a.commands.end(),
                     [&](const AnalyzedCommand& c) { return c.parent == static_cast<int>(i); });
}

const AnalyzedCommand* root_of(const cmdline::Analysis& a) {
  for (const auto& c : a.commands) {
    if (is_root(c)) return &c;
  }
  return nullptr;
}

std::string args_key(std::string_view arg_string) {
  std::string line = "x ";
  line.append(arg_string);
  return events::arguments_key(line);
}

std::string target_host(std::string_view t) {
  while (!t.empty() && (t.front() == '\\' || t.front() == '/')) t.remove_prefix(1);
  const std::size_t sep = t.find_first_of("\\/");
  if (sep != std::string_view::npos) t = t.substr(0, sep);
  return events::host_key(t);
}

bool same_program(const AnalyzedCommand& child_root, const ProcessEvent& child,
                  const AnalyzedCommand& cmd) {
  if (child_root.program == cmd.program) return true;
  if (!child_root.renamed) return false;
  std::string file = events::image_name(child.image());
  for (std::string_view ext : {".exe", ".com"}) {
    if (file.ends_with(ext)) file.resize(file.size() - ext.size());
  }
  return file == cmd.program;
}

struct HelperOf {
  std::string_view helper;
  std::string_view parent;
};
constexpr HelperOf kHelpers[] = {
    {"net1", "net"}, {"quser", "query"}, {"qwinsta", "query"}, {"qprocess", "query"}};

bool is_console_host(const AnalyzedCommand& root) {
  if (root.program != "conhost") return false;
  for (const std::string& a : root.args) {
    const bool handle = a.size() > 2 && a[0] == '0' && (a[1] == 'x' || a[1] == 'X');
    const bool force_v1 = a == "-ForceV1" || a == "-forcev1";
    if (!handle && !force_v1) return false;
  }
  return true;
}

void add_reasons(int& score, std::vector<cmdline::Obfuscation>& out, const cmdline::Analysis& a) {
  score = std::max(score, a.obfuscation_score);
  for (auto r : a.reasons) {
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
}

/// The command line as analyze() expects it: starting with the program (CreateProcess callers
/// passing lpApplicationName may log only `/c whoami`).
std::string with_program_token(const ProcessEvent& e) {
  std::string_view cl = e.command_line();
  while (!cl.empty() && (cl.front() == ' ' || cl.front() == '\t')) cl.remove_prefix(1);
  if (e.image().empty() || cl.empty() || (cl.front() != '/' && cl.front() != '-')) {
    return std::string(e.command_line());
  }
  std::string out = "\"";
  out += e.image();
  out += "\" ";
  out += cl;
  return out;
}

std::uint64_t key_of(std::string_view host, std::uint64_t n) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : host) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  h ^= n * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 31);
}

}  // namespace

struct ExecutionStage::Impl {
  struct Claim {
    std::shared_ptr<const ProcessEvent> via;
    Origin origin = Origin::kProcess;
    bool via_cmd = false;
    int score = 0;
    std::vector<cmdline::Obfuscation> reasons;
  };
  struct Item {
    std::uint64_t time = 0;
    std::shared_ptr<const ProcessEvent> event;  ///< null for a non-execution event
    Event other;                                ///< the non-execution event
    std::string host;
    std::shared_ptr<const cmdline::Analysis> analysis;
    std::vector<std::uint64_t> paired;  ///< per command: child seq or kNone
    bool decided = true;                ///< shell pairing decided (true for non-shells)
    bool claimed = false;
    int claimed_command = -1;
    Claim claim;
    bool late = false;  ///< arrived older than the hold: kept in late_items, decided by its lane
    std::size_t bytes = 0;  ///< events::footprint of the event
  };
  /// Late arrivals of one host (or of non-executions, host ""), in arrival order, and the
  /// newest time among them. An input opened after others have moved on (more files than the
  /// engine reads at once) is all late: its events are decided by their own clock instead of
  /// waiting behind the current front, which would hold the whole late input.
  struct Lane {
    std::deque<std::uint64_t> seqs;
    std::uint64_t clock = 0;
  };
  struct Proc {
    std::uint64_t time;
    std::string program;  ///< root program identity
  };

  std::size_t max_held;
  StageOutput out;
  std::deque<Item> held;
  std::size_t held_bytes = 0;  ///< sum of held items' bytes
  std::size_t late_bytes = 0;  ///< sum of late_items' bytes
  std::uint64_t base = 0;
  /// Late arrivals, by sequence number (kLateSeq and up): they wait for their lane, not for the
  /// front of `held`, so they neither take its slots nor count against its cap.
  std::unordered_map<std::uint64_t, Item> late_items;
  std::uint64_t next_late = kLateSeq;
  std::uint64_t watermark = 0;
  std::deque<std::uint64_t> pending_shells;
  std::map<std::string, Lane> lanes;  ///< ordered: lanes are drained in a deterministic order
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> children, by_pid, wmi_children,
      psexec_children;
  std::unordered_map<std::uint64_t, std::vector<Proc>> ptable;
  std::deque<std::pair<std::uint64_t, std::uint64_t>> ptable_order;  ///< (time, key)
  std::unordered_map<std::string, std::shared_ptr<const cmdline::Analysis>> cache;
  RunReport counts;
  int threads = 1;
  std::vector<Event> incoming;  ///< waiting for their analysis (a batch)

  Item* item(std::uint64_t seq) {
    if (seq >= kLateSeq) {
      auto it = late_items.find(seq);
      return it == late_items.end() ? nullptr : &it->second;
    }
    if (seq < base || seq - base >= held.size()) return nullptr;
    return &held[seq - base];
  }

  static std::string cache_key(const ProcessEvent& e, const std::string& line) {
    std::string key;
    key.reserve(e.image().size() + line.size() + e.original_file_name().size() + 2);
    key.append(e.image()).push_back('\0');
    key.append(line).push_back('\0');
    key.append(e.original_file_name());
    return key;
  }

  /// Analyses the batch of incoming events (cache misses on `threads` workers, in parallel),
  /// then adds them in order.
  void process_batch() {
    const std::size_t n = incoming.size();
    std::vector<std::shared_ptr<const cmdline::Analysis>> res(n);
    std::vector<std::string> lines(n);
    std::vector<std::size_t> todo;
    std::vector<std::pair<std::size_t, std::size_t>> dups;  // (index, index analysed first)
    std::unordered_map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < n; ++i) {
      const auto* p = std::get_if<ProcessEvent>(&incoming[i]);
      if (p == nullptr) continue;
      lines[i] = with_program_token(*p);
      std::string key = cache_key(*p, lines[i]);
      if (auto it = cache.find(key); it != cache.end()) {
        res[i] = it->second;
        continue;
      }
      auto [f, fresh] = first.try_emplace(std::move(key), i);
      if (fresh) {
        todo.push_back(i);
      } else {
        dups.emplace_back(i, f->second);
      }
    }
    run_ordered<cmdline::Analysis>(
        todo.size(), todo.size() < 64 ? 1 : threads, 256,
        [&](int, std::size_t k, cmdline::Analysis& result) {
          const ProcessEvent& e = std::get<ProcessEvent>(incoming[todo[k]]);
          result = cmdline::analyze({.image = std::string(e.image()),
                                     .command_line = lines[todo[k]],
                                     .original_file_name = std::string(e.original_file_name())});
        },
        [&](std::size_t k, cmdline::Analysis& result) {
          res[todo[k]] = std::make_shared<const cmdline::Analysis>(std::move(result));
        });
    if (cache.size() + first.size() > kAnalysisCacheSize) cache.clear();
    for (auto& [key, i] : first) cache.emplace(key, res[i]);
    for (const auto& [i, j] : dups) res[i] = res[j];
    std::vector<Event> batch = std::move(incoming);
    incoming.clear();
    for (std::size_t i = 0; i < n; ++i) add_one(std::move(batch[i]), std::move(res[i]));
  }

  void add(Event&& event) {
    incoming.push_back(std::move(event));
    if (incoming.size() >= kAnalysisBatch) process_batch();
  }

  bool is_shell(const Item& it) const {
    const auto& cmds = it.analysis->commands;
    for (std::size_t i = 0; i < cmds.size(); ++i) {
      const AnalyzedCommand& c = cmds[i];
      if (c.cmd_builtin || c.parent < 0) continue;
      if (!is_root(launcher_of(cmds, c))) continue;
      if (c.origin == Origin::kCmdChain || c.origin == Origin::kPowerShell ||
          c.origin == Origin::kWmiCreate || c.origin == Origin::kRemoteExec) {
        return true;
      }
    }
    return false;
  }

  void add_one(Event&& event, std::shared_ptr<const cmdline::Analysis> analysis) {
    const std::uint64_t t = events::event_time(event);
    const bool late = watermark > 0 && t + kHold <= watermark;
    watermark = std::max(watermark, t);
    const std::uint64_t seq = late ? next_late++ : base + held.size();
    Item it;
    it.time = t;
    it.late = late;
    it.bytes = events::footprint(event);
    if (auto* p = std::get_if<ProcessEvent>(&event)) {
      auto ev = std::make_shared<const ProcessEvent>(std::move(*p));
      it.host = events::host_key(ev->host());
      it.analysis = std::move(analysis);
      counts.analysed++;
      it.paired.assign(it.analysis->commands.size(), kNone);
      it.event = std::move(ev);
      const ProcessEvent& e = *it.event;
      if (e.parent_pid) {
        children[key_of(it.host, *e.parent_pid)].push_back(seq);
        const std::uint64_t parent_hash = events::image_name_hash(e.parent_image());
        if (parent_hash == kWmiPrvSeHash) wmi_children[key_of(it.host, 0)].push_back(seq);
        if (parent_hash == kPsexesvcHash) psexec_children[key_of(it.host, 0)].push_back(seq);
      }
      if (e.pid != 0) {
        by_pid[key_of(it.host, e.pid)].push_back(seq);
        const AnalyzedCommand* r = root_of(*it.analysis);
        const std::uint64_t k = key_of(it.host, e.pid);
        ptable[k].push_back({t, r != nullptr ? r->program : std::string()});
        ptable_order.emplace_back(t, k);
      }
      if (is_shell(it)) {
        it.decided = false;
        // A late shell is paired by its lane's clock: the current front's would decide it
        // before its children (read after it from the same late input) arrive.
        if (!late) pending_shells.push_back(seq);
      }
    } else {
      it.other = std::move(event);
    }
    if (late) {
      Lane& lane = lanes[it.host];
      late_bytes += it.bytes;
      late_items.emplace(seq, std::move(it));
      lane.seqs.push_back(seq);
      lane.clock = std::max(lane.clock, t);
      advance_lane(lane, false);
      // Over the cap: this lane's oldest are decided early (counted), as the front is below.
      while ((late_items.size() > max_held || late_bytes > kMaxHeldBytes) && !lane.seqs.empty()) {
        const std::uint64_t first = lane.seqs.front();
        lane.seqs.pop_front();
        if (Item* f = item(first)) {
          counts.held_forced++;
          release(*f, first);
        }
      }
    } else {
      held_bytes += it.bytes;
      held.push_back(std::move(it));
      if (!lanes.empty()) {
        // The engine hands over the oldest event of all inputs first: a current event means no
        // open input has late events left, so what the lanes hold can be decided now.
        for (auto& [k, lane] : lanes) advance_lane(lane, true);
        lanes.clear();
      }
    }
    advance(false);
  }

  /// Decides a lane's late events by the lane's own clock (everything, with `all`): shells
  /// whose pairing window has passed first, then every event past the hold.
  void advance_lane(Lane& lane, bool all) {
    for (std::uint64_t seq : lane.seqs) {
      Item* s = item(seq);
      if (s == nullptr) continue;
      if (!all && s->time + kChainChildWindow > lane.clock) break;
      if (!s->decided) pair_shell(seq);
    }
    while (!lane.seqs.empty()) {
      const std::uint64_t seq = lane.seqs.front();
      Item* it = item(seq);
      if (it != nullptr) {
        if (!all && it->time + kHold > lane.clock) break;
        release(*it, seq);
      }
      lane.seqs.pop_front();
    }
  }

  /// Finalizes a late event (out of the front's order) and forgets it.
  void release(Item& it, std::uint64_t seq) {
    if (!it.decided) pair_shell(seq);
    finalize(it);
    unindex(it, seq);
    late_bytes -= it.bytes;
    late_items.erase(seq);
  }

  // --- pairing (as scan_events did, per shell in time order) --------------------------------

  std::uint64_t window_end(const Item& s) const {
    const ProcessEvent& e = *s.event;
    std::uint64_t end = e.time + kChainChildWindow;
    auto it = by_pid.find(key_of(s.host, e.pid));
    if (it == by_pid.end()) return end;
    for (std::uint64_t p : it->second) {
      const Item* pi = const_cast<Impl*>(this)->item(p);
      if (pi == nullptr || pi == &s || pi->host != s.host) continue;
      if (pi->event->time > e.time) end = std::min(end, pi->event->time);
    }
    return end;
  }

  bool in_window(const Item& s, const Item& c, std::uint64_t end) const {
    const std::uint64_t ts = s.event->time;
    const std::uint64_t tc = c.event->time;
    return tc + kChainChildSkew >= ts && tc <= end;
  }

  /// Children of shell `s` (`remote` null: by its pid), or of a remote launcher's host process
  /// (`remote`: WmiPrvSE's or PSEXESVC's children on `host`).
  std::vector<std::uint64_t> candidates(
      const Item& s, std::uint64_t key,
      const std::unordered_map<std::uint64_t, std::vector<std::uint64_t>>* remote,
      const std::string& host) {
    std::vector<std::uint64_t> outv;
    const bool wmi = remote != nullptr;
    const auto& index = wmi ? *remote : children;
    auto it = index.find(key);
    if (it == index.end()) return outv;
    const std::uint64_t end = wmi ? s.event->time + kChainChildWindow : window_end(s);
    for (std::uint64_t c : it->second) {
      Item* ci = item(c);
      if (ci == nullptr || ci == &s || ci->claimed || ci->host != host) continue;
      if (!wmi && ci->event->parent_pid != s.event->pid) continue;
      if (in_window(s, *ci, end)) outv.push_back(c);
    }
    return outv;
  }

  std::uint64_t pick(const AnalyzedCommand& cmd, const std::vector<std::uint64_t>& cands,
                     bool exact) {
    const std::string key = exact ? args_key(cmd.arg_string) : std::string();
    for (std::uint64_t c : cands) {
      Item* ci = item(c);
      if (ci == nullptr || ci->claimed) continue;
      const AnalyzedCommand* r = root_of(*ci->analysis);
      if (r == nullptr || !same_program(*r, *ci->event, cmd)) continue;
      if (!exact || events::arguments_key(ci->event->command_line()) == key) return c;
    }
    return kNone;
  }

  void pair_shell(std::uint64_t seq) {
    Item* sp = item(seq);
    if (sp == nullptr || sp->decided) return;
    Item& shell = *sp;
    shell.decided = true;
    const auto& cmds = shell.analysis->commands;
    std::vector<std::uint64_t> kids;
    bool kids_loaded = false;
    for (const bool exact : {true, false}) {
      for (std::size_t i = 0; i < cmds.size(); ++i) {
        const AnalyzedCommand& c = cmds[i];
        if (shell.paired[i] != kNone || c.cmd_builtin || c.parent < 0 ||
            !is_root(launcher_of(cmds, c))) {
          continue;
        }
        std::uint64_t child = kNone;
        if (c.origin == Origin::kCmdChain || c.origin == Origin::kPowerShell) {
          if (!kids_loaded) {
            if (shell.event->pid != 0) {
              kids = candidates(shell, key_of(shell.host, shell.event->pid), nullptr, shell.host);
            }
            kids_loaded = true;
          }
          child = pick(c, kids, exact);
        } else if (c.origin == Origin::kWmiCreate || c.origin == Origin::kRemoteExec) {
          const AnalyzedCommand& launcher = cmds[static_cast<std::size_t>(c.parent)];
          std::string host = shell.host;
          if (!launcher.targets.empty()) host = target_host(launcher.targets.front());
          if (host == "localhost" || host == "127") host = shell.host;
          const auto* index = c.origin == Origin::kWmiCreate ? &wmi_children : &psexec_children;
          child = pick(c, candidates(shell, key_of(host, 0), index, host), exact);
        }
        if (child == kNone) continue;
        shell.paired[i] = child;
        Item& ch = *item(child);
        ch.claimed = true;
        ch.claimed_command = static_cast<int>(i);
        ch.claim.via = shell.event;
        ch.claim.origin = c.origin;
        ch.claim.via_cmd = c.via_cmd;
        add_reasons(ch.claim.score, ch.claim.reasons, *shell.analysis);
      }
    }
  }

  // --- final executions ---------------------------------------------------------------------

  std::string_view parent_program(const Item& it) const {
    const ProcessEvent& e = *it.event;
    if (!e.parent_pid) return {};
    auto pt = ptable.find(key_of(it.host, *e.parent_pid));
    if (pt == ptable.end()) return {};
    std::string_view best;
    bool found = false;
    for (const Proc& p : pt->second) {
      if (p.time <= e.time + kChainChildSkew && !(p.time == e.time && e.pid == *e.parent_pid)) {
        best = p.program;
        found = true;
      }
    }
    return found ? best : std::string_view("\x01");  // "\x01": known table, no parent found
  }

  bool is_helper(const Item& it, const AnalyzedCommand& root) const {
    std::string_view parent;
    for (const HelperOf& h : kHelpers) {
      if (h.helper == root.program) parent = h.parent;
    }
    if (parent.empty()) return false;
    const std::string_view p = parent_program(it);
    if (!p.empty() && p != "\x01") return p == parent;
    return events::image_name(it.event->parent_image()) == std::string(parent) + ".exe";
  }

  bool under_paired_shell(const Item& it, std::size_t i) const {
    int p = it.analysis->commands[i].parent;
    while (p >= 0) {
      const auto pi = static_cast<std::size_t>(p);
      if (it.paired[pi] != kNone) return true;
      p = it.analysis->commands[pi].parent;
    }
    return false;
  }

  void finalize(Item& it) {
    if (!it.event) {
      if (out.on_other) out.on_other(std::move(it.other));
      return;
    }
    AnalyzedEvent ae;
    ae.process = it.event;
    ae.analysis = it.analysis;
    ae.host = it.host;
    const auto& cmds = it.analysis->commands;
    counts.commands += cmds.size();
    if (it.analysis->truncated) counts.truncated++;
    for (std::size_t i = 0; i < cmds.size(); ++i) {
      const AnalyzedCommand& c = cmds[i];
      if (c.program == "cmd" && runs_commands(*it.analysis, i)) {
        counts.shells++;
        continue;
      }
      if (!is_root(c) && (it.paired[i] != kNone || under_paired_shell(it, i))) {
        if (it.paired[i] != kNone) counts.paired++;
        continue;
      }
      if (is_root(c) && (is_helper(it, c) || is_console_host(c))) {
        counts.helpers++;
        continue;
      }
      ExecutedCommand ec;
      ec.index = i;
      ec.origin = c.origin;
      ec.via_cmd = c.via_cmd;
      add_reasons(ec.obfuscation_score, ec.obfuscation, *it.analysis);
      if (is_root(c) && it.claimed) {
        ec.via = it.claim.via;
        ec.origin = it.claim.origin;
        ec.via_cmd = it.claim.via_cmd;
        ec.obfuscation_score = std::max(ec.obfuscation_score, it.claim.score);
        for (auto r : it.claim.reasons) {
          if (std::find(ec.obfuscation.begin(), ec.obfuscation.end(), r) == ec.obfuscation.end()) {
            ec.obfuscation.push_back(r);
          }
        }
      } else if (!is_root(c)) {
        ec.on_shell = true;
        counts.on_shell++;
      }
      counts.counted++;
      ae.commands.push_back(std::move(ec));
    }
    if (out.on_execution) out.on_execution(std::move(ae));
  }

  void unindex(const Item& it, std::uint64_t seq) {
    if (!it.event) return;
    const ProcessEvent& e = *it.event;
    auto drop = [&](std::unordered_map<std::uint64_t, std::vector<std::uint64_t>>& m,
                    std::uint64_t k) {
      auto f = m.find(k);
      if (f == m.end()) return;
      auto& v = f->second;
      v.erase(std::remove(v.begin(), v.end(), seq), v.end());
      if (v.empty()) m.erase(f);
    };
    if (e.parent_pid) {
      drop(children, key_of(it.host, *e.parent_pid));
      drop(wmi_children, key_of(it.host, 0));
      drop(psexec_children, key_of(it.host, 0));
    }
    if (e.pid != 0) drop(by_pid, key_of(it.host, e.pid));
  }

  void pop_front() {
    Item& it = held.front();
    if (!it.decided) pair_shell(base);
    finalize(it);
    unindex(it, base);
    held_bytes -= it.bytes;
    held.pop_front();
    ++base;
  }

  void advance(bool all) {
    if (all && !incoming.empty()) process_batch();
    // 1. Shells whose window has passed, in arrival (time) order.
    while (!pending_shells.empty()) {
      Item* s = item(pending_shells.front());
      if (s != nullptr && !s->decided && !all && s->time + kChainChildWindow > watermark) {
        break;
      }
      if (s != nullptr) pair_shell(pending_shells.front());
      pending_shells.pop_front();
    }
    // 2. Final executions.
    while (!held.empty()) {
      const bool over = held.size() > max_held || held_bytes > kMaxHeldBytes;
      if (!all && !over && held.front().time + kHold > watermark) break;
      if (over && !all && held.front().time + kHold > watermark) counts.held_forced++;
      pop_front();
    }
    if (all) {
      for (auto& [k, lane] : lanes) advance_lane(lane, true);
      lanes.clear();
    }
    // 3. The helpers' process table.
    while (!ptable_order.empty() &&
           (all || ptable_order.front().first + kProcessMemory < watermark ||
            ptable_order.size() > 4 * max_held)) {
      auto f = ptable.find(ptable_order.front().second);
      if (f != ptable.end()) {
        f->second.erase(f->second.begin());
        if (f->second.empty()) ptable.erase(f);
      }
      ptable_order.pop_front();
    }
  }
};

/// Argument text after the words of the canonical name: `net view \\fs` -> `\\fs` (the name
/// says "view"). Only whole leading words are removed, compared without case; blanks trimmed.
std::string args_after_name(std::string_view args, std::string_view name) {
  std::size_t start = name.find(' ');
  while (start != std::string_view::npos) {
    const std::size_t next = name.find(' ', start + 1);
    const std::string_view word = name.substr(start + 1, next - start - 1);
    while (!args.empty() && (args.front() == ' ' || args.front() == '\t')) args.remove_prefix(1);
    std::size_t end = 0;
    while (end < args.size() && args[end] != ' ' && args[end] != '\t') ++end;
    const std::string_view first = args.substr(0, end);
    const bool same = first.size() == word.size() &&
                      std::equal(first.begin(), first.end(), word.begin(),
                                 [](char x, char y) { return (x | 0x20) == (y | 0x20); });
    if (!same) break;
    args.remove_prefix(end);
    start = next;
  }
  while (!args.empty() && (args.front() == ' ' || args.front() == '\t')) args.remove_prefix(1);
  while (!args.empty() && (args.back() == ' ' || args.back() == '\t')) args.remove_suffix(1);
  return std::string(args);
}

/// Groups a final execution's matches into findings (one per counted command, or per event).
void assemble_findings(const AnalyzedEvent& ae, std::vector<Match>& matches,
                       std::vector<Finding>& out) {
  if (matches.empty()) return;
  // A match on the whole event belongs with the event's own command when that is counted here.
  int own = -1;
  for (std::size_t k = 0; k < ae.commands.size(); ++k) {
    const auto& c = ae.command(k);
    if (c.parent < 0 && c.origin == cmdline::Origin::kProcess) own = static_cast<int>(k);
  }
  if (own >= 0) {
    for (Match& m : matches) {
      if (m.command == -1) m.command = own;
    }
  }
  std::stable_sort(matches.begin(), matches.end(),
                   [](const Match& a, const Match& b) { return a.command < b.command; });
  std::size_t i = 0;
  while (i < matches.size()) {
    const int cmd = matches[i].command;
    Finding f;
    while (i < matches.size() && matches[i].command == cmd)
      f.matches.push_back(std::move(matches[i++]));
    std::stable_sort(f.matches.begin(), f.matches.end(), [](const Match& a, const Match& b) {
      return static_cast<int>(a.engine) < static_cast<int>(b.engine);
    });
    f.process = ae.process;
    const cmdline::AnalyzedCommand* c = nullptr;
    if (cmd >= 0 && static_cast<std::size_t>(cmd) < ae.commands.size()) {
      const ExecutedCommand& ec = ae.commands[static_cast<std::size_t>(cmd)];
      c = &ae.command(static_cast<std::size_t>(cmd));
      f.origin = ec.origin;
      f.via_cmd = ec.via_cmd;
      f.via = ec.via;
      f.obfuscation_score = ec.obfuscation_score;
      f.obfuscation = ec.obfuscation;
    } else {
      for (const auto& a : ae.analysis->commands) {
        if (a.parent < 0) {
          c = &a;
          break;
        }
      }
      f.obfuscation_score = ae.analysis->obfuscation_score;
      f.obfuscation = ae.analysis->reasons;
    }
    if (c != nullptr) {
      f.program = c->program;
      f.args = args_after_name(c->arg_string, f.command());
      f.argv = c->args;
      f.targets = c->targets;
      f.decoded = c->decoded_script;
    }
    out.push_back(std::move(f));
  }
  matches.clear();
}

namespace {

/// A process id as logged: decimal (Sysmon) or 0x hex (Security); 0 when neither or too large.
std::uint32_t logged_pid(std::string_view v) {
  const bool hex = has_hex_prefix(v);
  const ParsedDigits d = parse_digits(hex ? v.substr(2) : v, hex);
  return d.used == (hex ? v.size() - 2 : v.size()) && d.value <= 0xFFFFFFFFU
             ? static_cast<std::uint32_t>(d.value)
             : 0;
}

/// A logged name that names nobody: empty or "-".
bool no_name(std::optional<std::string_view> v) { return !v || v->empty() || *v == "-"; }

/// Who an event is about, from its raw fields.
void set_user_from(const RawEvent& raw, ProcessEvent& p) {
  if (const auto user = raw.field("User"); !no_name(user)) {  // Sysmon: DOMAIN\name
    const std::size_t slash = user->find('\\');
    if (slash == std::string_view::npos) {
      p.set_user_name(*user);
    } else {
      p.set_user_domain(user->substr(0, slash));
      p.set_user_name(user->substr(slash + 1));
    }
  } else {
    for (const char* who : {"Target", "Subject"}) {
      const std::string prefix(who);
      const auto name = raw.field(prefix + "UserName");
      if (no_name(name)) continue;
      p.set_user_name(*name);
      if (const auto d = raw.field(prefix + "DomainName"); !no_name(d)) p.set_user_domain(*d);
      if (const auto sid = raw.field(prefix + "UserSid"); !no_name(sid)) p.set_user_sid(*sid);
      break;
    }
  }
  if (p.user_sid().empty() && !raw.user_sid().empty()) p.set_user_sid(raw.user_sid());
}

}  // namespace

std::shared_ptr<const ProcessEvent> event_as_process(const Event& event) {
  auto p = std::make_shared<ProcessEvent>();
  const RawEvent* raw = nullptr;
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ProcessEvent>) {
          *p = e;
        } else if constexpr (std::is_same_v<T, LogonEvent>) {
          p->time = e.time;
          p->set_host(e.host);
          p->set_user_sid(e.user_sid);
          p->set_user_domain(e.user_domain);
          p->set_user_name(e.user_name);
          p->logon_id = e.logon_id;
          raw = e.raw.get();
          if (e.raw) p->evidence.push_back(e.raw);
        } else if constexpr (std::is_same_v<T, ProcessExitEvent>) {
          p->time = e.time;
          p->set_host(e.host);
          p->pid = e.pid;
          p->set_image(e.image);
          p->logon_id = e.logon_id;
          raw = e.raw.get();
          if (e.raw) p->evidence.push_back(e.raw);
        } else {
          raw = e.raw.get();
          if (e.raw) {
            p->time = e.raw->time_created;
            p->set_host(e.raw->computer());
            p->evidence.push_back(e.raw);
          }
        }
      },
      event);
  if (raw != nullptr) {  // not for a ProcessEvent: it has its fields already
    if (p->user_name().empty()) set_user_from(*raw, *p);
    if (p->image().empty()) {
      for (const char* name : {"Image", "ProcessName"}) {
        if (const auto v = raw->field(name); !no_name(v)) {
          p->set_image(*v);
          break;
        }
      }
    }
    if (p->pid == 0) {
      if (const auto v = raw->field("ProcessId")) p->pid = logged_pid(*v);
    }
  }
  return p;
}

void assemble_event_findings(const Event& event, std::vector<Match>& matches,
                             std::vector<Finding>& out) {
  if (matches.empty()) return;
  std::shared_ptr<const ProcessEvent> p = event_as_process(event);
  std::stable_sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
    return (a.command == kOwnFinding) < (b.command == kOwnFinding);
  });
  std::size_t i = 0;
  while (i < matches.size()) {
    Finding f;
    f.execution = false;
    f.process = p;
    if (matches[i].command == kOwnFinding) {
      f.matches.push_back(std::move(matches[i++]));
    } else {
      while (i < matches.size() && matches[i].command != kOwnFinding) {
        matches[i].command = -1;
        f.matches.push_back(std::move(matches[i++]));
      }
      std::stable_sort(f.matches.begin(), f.matches.end(), [](const Match& a, const Match& b) {
        return static_cast<int>(a.engine) < static_cast<int>(b.engine);
      });
    }
    out.push_back(std::move(f));
  }
  matches.clear();
}

ExecutionStage::ExecutionStage(std::size_t max_held, StageOutput out, int threads)
    : impl_(std::make_unique<Impl>()) {
  impl_->max_held = std::max<std::size_t>(1, max_held);
  impl_->threads = std::max(1, threads);
  impl_->out = std::move(out);
}
ExecutionStage::~ExecutionStage() = default;
void ExecutionStage::add(Event&& event) { impl_->add(std::move(event)); }
void ExecutionStage::flush() { impl_->advance(true); }
std::size_t ExecutionStage::held() const {
  return impl_->held.size() + impl_->late_items.size() + impl_->incoming.size();
}

void ExecutionStage::add_counts(RunReport& r) const {
  const RunReport& c = impl_->counts;
  r.analysed += c.analysed;
  r.commands += c.commands;
  r.counted += c.counted;
  r.paired += c.paired;
  r.on_shell += c.on_shell;
  r.shells += c.shells;
  r.helpers += c.helpers;
  r.truncated += c.truncated;
  r.held_forced += c.held_forced;
}

}  // namespace cmdsentry::engine
