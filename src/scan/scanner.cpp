#include "scan/scanner.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "cmdline/analyzer.h"
#include "core/ordered_pool.h"
#include "events/merge.h"

namespace cmdsentry::scan {
namespace {

using cmdline::AnalyzedCommand;
using cmdline::Origin;

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

/// One execution with its analysis and what pairing decided about it.
struct Item {
  std::shared_ptr<const ProcessEvent> event;
  std::string host;  ///< events::host_key
  cmdline::Analysis analysis;
  std::vector<std::size_t> paired;  ///< per command: the child item it was paired with, or kNone
  std::size_t claimed_by = kNone;   ///< the shell item whose chain command this execution is
  int claimed_command = -1;         ///< that command's index in the shell's analysis
};

/// Root of an analysis: the event's own process (origin kProcess, no parent).
bool is_root(const AnalyzedCommand& c) { return c.parent < 0 && c.origin == Origin::kProcess; }

/// True when some command of `a` was run by command `i` (i is a shell that ran something).
bool runs_commands(const cmdline::Analysis& a, std::size_t i) {
  return std::any_of(a.commands.begin(), a.commands.end(),
                     [&](const AnalyzedCommand& c) { return c.parent == static_cast<int>(i); });
}

/// The command a child process would be paired on: its own root command.
const AnalyzedCommand* root_of(const Item& it) {
  for (const auto& c : it.analysis.commands) {
    if (is_root(c)) return &c;
  }
  return nullptr;
}

/// Argument text normalised like events::arguments_key (which skips a program token).
std::string args_key(std::string_view arg_string) {
  std::string line = "x ";
  line.append(arg_string);
  return events::arguments_key(line);
}

/// Host part of a remote target ("\\\\DC01", "dc01.corp.example", "DC01") as a host key.
std::string target_host(std::string_view t) {
  while (!t.empty() && (t.front() == '\\' || t.front() == '/')) t.remove_prefix(1);
  const std::size_t sep = t.find_first_of("\\/");
  if (sep != std::string_view::npos) t = t.substr(0, sep);
  return events::host_key(t);
}

/// The child runs what the chain command names: same program identity, or (for a renamed copy,
/// whose identity comes from OriginalFileName) the same file name.
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

class Pairing {
 public:
  explicit Pairing(std::vector<Item>& items) : items_(items) {
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const ProcessEvent& e = *items_[i].event;
      if (e.parent_pid) children_[{items_[i].host, *e.parent_pid}].push_back(i);
      if (e.pid != 0) by_pid_[{items_[i].host, e.pid}].push_back(i);
      by_host_[items_[i].host].push_back(i);
    }
  }

  /// Pairs the chain commands of every shell with child events.
  void run() {
    for (std::size_t s = 0; s < items_.size(); ++s) pair_shell(s);
  }

  /// The item that created `i` (same host, pid = parent pid, latest start not after it).
  [[nodiscard]] std::size_t parent_of(std::size_t i) const {
    const ProcessEvent& e = *items_[i].event;
    if (!e.parent_pid) return kNone;
    auto it = by_pid_.find({items_[i].host, *e.parent_pid});
    if (it == by_pid_.end()) return kNone;
    std::size_t best = kNone;
    for (std::size_t p : it->second) {
      if (p != i && items_[p].event->time <= e.time + kChainChildSkew) best = p;
    }
    return best;
  }

 private:
  using Key = std::pair<std::string, std::uint32_t>;

  /// Start of the next process with the shell's host and PID (PID reuse ends the shell's window).
  std::uint64_t window_end(std::size_t s) const {
    const ProcessEvent& e = *items_[s].event;
    std::uint64_t end = e.time + kChainChildWindow;
    auto it = by_pid_.find({items_[s].host, e.pid});
    if (it == by_pid_.end()) return end;
    for (std::size_t p : it->second) {
      if (p != s && items_[p].event->time > e.time) end = std::min(end, items_[p].event->time);
    }
    return end;
  }

  bool in_window(std::size_t s, std::size_t c, std::uint64_t end) const {
    const std::uint64_t ts = items_[s].event->time;
    const std::uint64_t tc = items_[c].event->time;
    return tc + kChainChildSkew >= ts && tc <= end;
  }

  /// Candidates for the chain commands of shell `s`: unclaimed children in the time window.
  std::vector<std::size_t> children(std::size_t s) const {
    std::vector<std::size_t> out;
    const ProcessEvent& e = *items_[s].event;
    if (e.pid == 0) return out;
    auto it = children_.find({items_[s].host, e.pid});
    if (it == children_.end()) return out;
    const std::uint64_t end = window_end(s);
    for (std::size_t c : it->second) {
      if (c != s && items_[c].claimed_by == kNone && in_window(s, c, end)) out.push_back(c);
    }
    return out;
  }

  /// Candidates for a `wmic process call create` line: processes started by WmiPrvSE.exe on the
  /// target host (or this one) in the window.
  std::vector<std::size_t> wmi_created(std::size_t s, const AnalyzedCommand& wmic) const {
    std::vector<std::size_t> out;
    std::string host = items_[s].host;
    if (!wmic.targets.empty()) host = target_host(wmic.targets.front());
    if (host == "localhost" || host == "127") host = items_[s].host;
    auto it = by_host_.find(host);
    if (it == by_host_.end()) return out;
    const std::uint64_t end = items_[s].event->time + kChainChildWindow;
    for (std::size_t c : it->second) {
      if (c == s || items_[c].claimed_by != kNone || !in_window(s, c, end)) continue;
      if (events::image_name(items_[c].event->parent_image()) == "wmiprvse.exe") out.push_back(c);
    }
    return out;
  }

  /// A candidate for `cmd`: with `exact`, same program and arguments; else the first unclaimed
  /// one with the same program.
  std::size_t pick(const AnalyzedCommand& cmd, const std::vector<std::size_t>& candidates,
                   bool exact) const {
    const std::string key = exact ? args_key(cmd.arg_string) : std::string();
    for (std::size_t c : candidates) {
      if (items_[c].claimed_by != kNone) continue;
      const AnalyzedCommand* r = root_of(items_[c]);
      if (r == nullptr || !same_program(*r, *items_[c].event, cmd)) continue;
      if (!exact || events::arguments_key(items_[c].event->command_line()) == key) return c;
    }
    return kNone;
  }

  /// Two passes so that `whoami /all & whoami /priv` with only the /priv child logged pairs
  /// /priv exactly and leaves /all on the shell's record.
  void pair_shell(std::size_t s) {
    Item& shell = items_[s];
    const auto& cmds = shell.analysis.commands;
    shell.paired.assign(cmds.size(), kNone);
    std::vector<std::size_t> kids;
    bool kids_loaded = false;
    for (const bool exact : {true, false}) {
      for (std::size_t i = 0; i < cmds.size(); ++i) {
        const AnalyzedCommand& c = cmds[i];
        if (shell.paired[i] != kNone || c.cmd_builtin || c.parent < 0 ||
            !is_root(cmds[static_cast<std::size_t>(c.parent)])) {
          continue;  // builtins have no process; deeper commands belong to their shell's event
        }
        std::size_t child = kNone;
        if (c.origin == Origin::kCmdChain || c.origin == Origin::kPowerShell) {
          if (!kids_loaded) {
            kids = children(s);
            kids_loaded = true;
          }
          child = pick(c, kids, exact);
        } else if (c.origin == Origin::kWmiCreate) {
          child = pick(c, wmi_created(s, cmds[static_cast<std::size_t>(c.parent)]), exact);
        }
        if (child == kNone) continue;
        shell.paired[i] = child;
        items_[child].claimed_by = s;
        items_[child].claimed_command = static_cast<int>(i);
      }
    }
  }

  std::vector<Item>& items_;
  std::map<Key, std::vector<std::size_t>> children_;  ///< (host, parent pid) -> items
  std::map<Key, std::vector<std::size_t>> by_pid_;    ///< (host, pid) -> items, time order
  std::unordered_map<std::string, std::vector<std::size_t>> by_host_;
};

/// True when any shell between command `i` and the root was paired with its own event.
bool under_paired_shell(const Item& it, std::size_t i) {
  int p = it.analysis.commands[i].parent;
  while (p >= 0) {
    const auto pi = static_cast<std::size_t>(p);
    if (it.paired[pi] != kNone) return true;
    p = it.analysis.commands[pi].parent;
  }
  return false;
}

/// Programs another program starts on its own to do the work: net.exe re-launches itself as
/// net1.exe (EventMerger folds that, but not for a renamed net.exe), query.exe dispatches to
/// quser/qwinsta/qprocess. The parent's event is the finding; the helper is not counted again.
struct HelperOf {
  std::string_view helper;
  std::string_view parent;
};
constexpr HelperOf kHelpers[] = {
    {"net1", "net"}, {"quser", "query"}, {"qwinsta", "query"}, {"qprocess", "query"}};

bool is_helper(const std::vector<Item>& items, const Pairing& pairing, std::size_t i,
               const AnalyzedCommand& root) {
  std::string_view parent_program;
  for (const HelperOf& h : kHelpers) {
    if (h.helper == root.program) parent_program = h.parent;
  }
  if (parent_program.empty()) return false;
  const std::size_t p = pairing.parent_of(i);
  if (p != kNone) {
    const AnalyzedCommand* pr = root_of(items[p]);
    return pr != nullptr && pr->program == parent_program;
  }
  // Parent not in the logs: trust its image name when the log has one.
  const std::string parent = events::image_name(items[i].event->parent_image());
  return parent == std::string(parent_program) + ".exe";
}

/// conhost.exe as Windows starts it for every console program (`conhost.exe 0xffffffff
/// -ForceV1`, `0x4`): plumbing, not a command. `conhost --headless cmd ...` and
/// `conhost.exe cmd.exe` (proxy execution) are not skipped.
bool is_console_host(const AnalyzedCommand& root) {
  if (root.program != "conhost") return false;
  for (const std::string& a : root.args) {
    const bool handle = a.size() > 2 && a[0] == '0' && (a[1] == 'x' || a[1] == 'X');
    const bool force_v1 = a == "-ForceV1" || a == "-forcev1";
    if (!handle && !force_v1) return false;
  }
  return true;
}

/// Argument text after the words of the canonical name: `net view \\fs` -> `\\fs` (the
/// name says "view"). Only whole leading words are removed, compared without case.
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
  return std::string(args);
}

void merge_obfuscation(Finding& f, const cmdline::Analysis& a) {
  f.obfuscation_score = std::max(f.obfuscation_score, a.obfuscation_score);
  for (auto r : a.reasons) {
    if (std::find(f.obfuscation.begin(), f.obfuscation.end(), r) == f.obfuscation.end()) {
      f.obfuscation.push_back(r);
    }
  }
}

/// Fills the knowledge-base part of a finding from every entry that matched (most specific
/// first): names and phase from the study's entry when there is one.
void describe(Finding& f, const std::vector<const kb::Entry*>& matches) {
  const kb::Entry* best = matches.front();
  const kb::Entry* study = nullptr;
  for (const kb::Entry* e : matches) {
    if (e->study) {
      study = e;
      break;
    }
  }
  const kb::Entry* named = study != nullptr ? study : best;
  f.command = named->name;
  f.rule = best->name;
  f.phase = named->phase;
  f.tactic = best->tactic.empty() ? named->tactic : best->tactic;
  f.techniques = best->techniques;
  if (study != nullptr && study != best) {
    for (const auto& t : study->techniques) {
      if (std::find(f.techniques.begin(), f.techniques.end(), t) == f.techniques.end()) {
        f.techniques.push_back(t);
      }
    }
  }
  f.noise = best->noise;
  f.study = study != nullptr;
  f.builtin = named->builtin || best->builtin;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

/// The command line as analyze() expects it: starting with the program. CreateProcess callers
/// that pass the program as lpApplicationName may give only the arguments (`/c whoami` for
/// cmd.exe, logged as such by 4688 and Sysmon); the image is put in front so `/c` is not taken
/// for the program name.
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

}  // namespace

ScanResult scan_events(std::vector<Event>&& events, const kb::KnowledgeBase& kb,
                       const ScanOptions& options) {
  ScanResult result;
  std::vector<Item> items;
  for (Event& e : events) {
    if (auto* p = std::get_if<ProcessEvent>(&e)) {
      Item it;
      it.event = std::make_shared<const ProcessEvent>(std::move(*p));
      it.host = events::host_key(it.event->host());
      items.push_back(std::move(it));
    }
  }
  events.clear();

  run_ordered<cmdline::Analysis>(
      items.size(), resolve_threads(options.threads), 256,
      [&](int, std::size_t i, cmdline::Analysis& out) {
        const ProcessEvent& e = *items[i].event;
        const std::string line = with_program_token(e);
        out = cmdline::analyze(
            {.image = std::string(e.image()), .command_line = line,
             .original_file_name = std::string(e.original_file_name())});
      },
      [&](std::size_t i, cmdline::Analysis& out) { items[i].analysis = std::move(out); });

  Pairing pairing(items);
  pairing.run();

  ScanStats& st = result.stats;
  st.executions = items.size();
  for (std::size_t n = 0; n < items.size(); ++n) {
    const Item& it = items[n];
    const auto& cmds = it.analysis.commands;
    st.commands += cmds.size();
    if (it.analysis.truncated) ++st.truncated;
    for (std::size_t i = 0; i < cmds.size(); ++i) {
      const AnalyzedCommand& c = cmds[i];
      std::vector<const kb::Entry*> matches = kb.match_all(c);
      if (!matches.empty()) ++st.matched;
      if (c.program == "cmd" && runs_commands(it.analysis, i)) {
        ++st.shells;
        continue;
      }
      if (!is_root(c) && (it.paired[i] != kNone || under_paired_shell(it, i))) {
        if (it.paired[i] != kNone && !matches.empty()) ++st.paired;
        continue;
      }
      if (is_root(c) && (is_helper(items, pairing, n, c) || is_console_host(c))) {
        ++st.helpers;
        continue;
      }
      if (matches.empty()) continue;

      Finding f;
      describe(f, matches);
      f.program = c.program;
      f.args = trim(args_after_name(c.arg_string, f.command));
      f.argv = c.args;
      f.targets = c.targets;
      f.decoded = c.decoded_script;
      f.origin = c.origin;
      f.via_cmd = c.via_cmd;
      f.process = it.event;
      merge_obfuscation(f, it.analysis);
      if (is_root(c) && it.claimed_by != kNone) {
        const Item& shell = items[it.claimed_by];
        const AnalyzedCommand& sc =
            shell.analysis.commands[static_cast<std::size_t>(it.claimed_command)];
        f.via = shell.event;
        f.origin = sc.origin;
        f.via_cmd = sc.via_cmd;
        merge_obfuscation(f, shell.analysis);
      } else if (!is_root(c)) {
        ++st.on_shell;
      }
      result.findings.push_back(std::move(f));
    }
  }
  std::stable_sort(result.findings.begin(), result.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.time() < b.time(); });
  st.findings = result.findings.size();
  return result;
}

}  // namespace cmdsentry::scan
