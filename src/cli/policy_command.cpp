// `cmdsentry policy generate|simulate`: write an AppLocker (or SRP) policy that restricts
// built-in commands, and replay logged executions against any AppLocker policy. Steps of
// generate: read the recommendation or --deny list -> build the policy -> write it. Steps of
// simulate: read the policy and --groups -> run the engine with the replay detector -> write one
// decision per execution -> totals.
#include <unistd.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "cmdsentry/engine.h"
#include "core/ascii.h"
#include "events/event_json.h"
#include "policy/generate.h"
#include "policy/reader.h"
#include "policy/simulate.h"
#include "policy/writer.h"
#include "report/fields.h"
#include "report/table_writer.h"

namespace cmdsentry::cli {
namespace {

struct GenerateArgs {
  std::string recommendation;
  std::vector<std::string> deny;
  std::string mode = "audit";
  std::vector<std::string> exempt;
  std::vector<std::string> deny_groups;
  std::vector<std::string> collections{"exe"};
  std::string format = "applocker";
  std::string output;
  bool force = false;  ///< -o may overwrite an existing file
};

struct SimulateArgs {
  std::string policy;
  std::vector<std::string> paths;
  std::string format;  // empty: table on a terminal, else jsonl
  std::string groups;
  std::string output;
  int threads = 0;
  bool quiet = false;
  std::string diagnostics = "text";
  bool force = false;  ///< -o may overwrite an existing file
};

/// Reads a whole file; false with a message.
bool slurp(const std::string& path, std::string& out, std::string& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err = fmt::format("cannot open {}", path);
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  out = std::move(s).str();
  return true;
}

/// Well-known groups --exempt accepts by name (domain groups need their SID or NAME=SID).
constexpr std::pair<std::string_view, std::string_view> kWellKnownGroups[] = {
    {"Administrators", "S-1-5-32-544"},    {"Power Users", "S-1-5-32-547"},
    {"Account Operators", "S-1-5-32-548"}, {"Server Operators", "S-1-5-32-549"},
    {"Backup Operators", "S-1-5-32-551"},  {"Remote Desktop Users", "S-1-5-32-555"},
};

bool parse_exempt(const std::string& text, policy::ExemptGroup& out) {
  if (istarts_with(text, "S-1-")) {
    out = {"", text};
    return true;
  }
  if (const std::size_t eq = text.find('='); eq != std::string::npos) {
    out = {text.substr(0, eq), text.substr(eq + 1)};
    return istarts_with(out.sid, "S-1-");
  }
  for (const auto& [name, sid] : kWellKnownGroups) {
    if (iequals(name, text)) {
      out = {std::string(name), std::string(sid)};
      return true;
    }
  }
  return false;
}

int run_generate(const GenerateArgs& a) {
  policy::GenerateOptions o;
  o.mode =
      a.mode == "enforce" ? policy::EnforcementMode::kEnabled : policy::EnforcementMode::kAuditOnly;
  if (a.recommendation.empty() == a.deny.empty()) {
    error("give exactly one of --from-recommendation FILE and --deny LIST");
    return kExitUsage;
  }
  if (!a.recommendation.empty()) {
    std::string text, err;
    if (!slurp(a.recommendation, text, err)) {
      error(err);
      return kExitFatal;
    }
    auto rec = policy::parse_recommendation(text);
    if (!rec) {
      error(fmt::format("{}: {}", a.recommendation, rec.error().message));
      return kExitFatal;
    }
    o.restrictions = std::move(rec->restrictions);
    o.user_programs = std::move(rec->user_programs);
    if (!rec->not_restrictable.empty()) {
      note(
          fmt::format("cmdsentry: policy: {} command(s) cannot be restricted by AppLocker (cmd "
                      "builtins or shared binaries), detect them instead: {}",
                      rec->not_restrictable.size(), fmt::join(rec->not_restrictable, ", ")));
    }
  }
  for (const std::string& d : a.deny) {
    if (!d.empty()) o.restrictions.push_back({d, "", {}, {d}, {}, ""});
  }
  for (const std::string& e : a.exempt) {
    policy::ExemptGroup g;
    if (!parse_exempt(e, g)) {
      error(
          fmt::format("--exempt {}: give a SID (S-1-...), NAME=SID, or a built-in group name "
                      "(Administrators, Backup Operators, ...)",
                      e));
      return kExitUsage;
    }
    o.exempt.push_back(std::move(g));
  }
  for (const std::string& s : a.deny_groups) {
    if (!istarts_with(s, "S-1-") || s == policy::kEveryoneSid) {
      error(
          fmt::format("--deny-group {}: give the SID of a group that holds no administrators "
                      "(Everyone would block them too)",
                      s));
      return kExitUsage;
    }
    o.deny_sids.push_back(s);
  }
  o.collections = {policy::CollectionType::kExe};  // the restrictions are Exe rules
  for (const std::string& c : a.collections) {
    if (c == "exe") o.collections.insert(policy::CollectionType::kExe);
    if (c == "dll") o.collections.insert(policy::CollectionType::kDll);
    if (c == "script") o.collections.insert(policy::CollectionType::kScript);
    if (c == "msi") o.collections.insert(policy::CollectionType::kMsi);
  }
  if (const auto skipped = policy::outside_windows(o.restrictions); !skipped.empty()) {
    note(
        fmt::format("cmdsentry: policy: no rule for {} tool(s) Windows does not ship ({}): the "
                    "default rules already block them outside %WINDIR% and %PROGRAMFILES%",
                    skipped.size(), fmt::join(skipped, ", ")));
  }
  auto p = policy::generate_policy(o);
  if (!p) {
    error(p.error().message);
    return kExitUsage;
  }
  const std::string text =
      a.format == "srp" ? policy::write_srp_reg(*p) : policy::write_policy_xml(*p);
  Output out;
  std::string err;
  if (!open_output(out, a.output, a.force, err)) {
    error(err);
    return kExitFatal;
  }
  out.write(text);
  if (!out.close()) {
    error("writing the output failed");
    return kExitFatal;
  }
  std::size_t rules = 0;
  for (const auto& c : p->collections) rules += c.rules.size();
  note(
      fmt::format("cmdsentry: policy: {} rules for {} restriction(s), mode {}, written as {} to {}",
                  rules, o.restrictions.size(), to_string(o.mode), a.format,
                  a.output.empty() ? "standard output" : a.output));
  return kExitOk;
}

/// Totals per decision for one user or host.
struct Tally {
  std::uint64_t n[3] = {0, 0, 0};
};

/// Writes decisions as JSON Lines or table rows and keeps the totals.
class DecisionWriter {
 public:
  DecisionWriter(Output& out, bool table) : out_(out), table_(table) {}

  void add(const policy::Replayed& r) {
    const ProcessEvent& e = *r.event->process;
    const SourceRef& src = report::source_of(e);
    const std::string user = report::user_of(e);
    std::string rule_name, rule_id;
    if (!r.governed) {
      rule_name = "not governed";
    } else if (r.decision.rule != nullptr) {
      rule_name = r.decision.rule->name;
      rule_id = r.decision.rule->id;
    } else {
      rule_name = r.decision.implicit_deny ? "implicit deny" : "no rules";
    }
    const std::string_view verdict = policy::to_string(r.decision.verdict);
    const auto v = static_cast<std::size_t>(r.decision.verdict);
    ++totals_.n[v];
    ++users_[user].n[v];
    ++hosts_[std::string(e.host())].n[v];
    if (r.logged) compare(r, e, src, user, rule_name);
    if (table_) {
      const std::string gutter = "  ";
      std::string logged = "-";
      if (r.logged) {
        logged = policy::to_string(r.logged->verdict);
        if (!r.agrees()) logged += '!';
      }
      buf_ += report::fit(report::iso_time(e.time).substr(0, 19), 19) + gutter +
              report::fit(report::terminal_text(report::short_host(e.host())), 12) + gutter +
              report::fit(report::terminal_text(user), 16) + gutter + report::fit(verdict, 8) +
              gutter + report::fit(logged, 8) + gutter +
              report::fit(report::terminal_text(rule_name), 32) + gutter +
              report::fit(
                  report::terminal_text(!e.command_line().empty() ? e.command_line() : e.image()),
                  60, false) +
              "\n";
    } else {
      buf_ += "{\"timestamp\":";
      events::append_json_string(buf_, report::iso_time(e.time));
      buf_ += ",\"host\":";
      events::append_json_string(buf_, e.host());
      buf_ += ",\"user\":";
      events::append_json_string(buf_, user);
      buf_ += ",\"image\":";
      events::append_json_string(buf_, e.image());
      buf_ += ",\"command_line\":";
      events::append_json_string(buf_, e.command_line());
      buf_ += ",\"source\":";
      events::append_json_string(buf_, src.file.str());
      buf_ += fmt::format(",\"record\":{},\"decision\":\"{}\",\"rule\":", report::record_of(src),
                          verdict);
      if (rule_id.empty()) {
        events::append_json_string(buf_, rule_name);
      } else {
        buf_ += "{\"name\":";
        events::append_json_string(buf_, rule_name);
        buf_ += ",\"id\":";
        events::append_json_string(buf_, rule_id);
        buf_ += '}';
      }
      if (r.logged) append_logged(*r.logged, r.agrees());
      buf_ += "}\n";
    }
    if (buf_.size() > (1u << 16)) flush();
  }

  void flush() {
    out_.write(buf_);
    buf_.clear();
  }

  /// The totals: per decision, per user, per host.
  [[nodiscard]] std::string totals() const {
    std::string s = fmt::format("\ntotal: {} allowed, {} audited, {} blocked\n", totals_.n[0],
                                totals_.n[1], totals_.n[2]);
    if (logged_ > 0) {
      s += fmt::format("AppLocker records: {}, the policy agrees on {}, differs on {}\n", logged_,
                       logged_ - mismatches(), mismatches());
      for (std::size_t l = 0; l < 3; ++l) {
        for (std::size_t d = 0; d < 3; ++d) {
          if (mismatch_[l][d] == 0) continue;
          s += fmt::format("  logged {}, simulated {}: {}\n", kVerdicts[l], kVerdicts[d],
                           mismatch_[l][d]);
        }
      }
    }
    auto section = [&](std::string_view title, const std::map<std::string, Tally>& m) {
      s += fmt::format("\n{:<40}  {:>8}  {:>8}  {:>8}\n", title, "allowed", "audited", "blocked");
      for (const auto& [k, t] : m) {
        s += fmt::format("{}  {:>8}  {:>8}  {:>8}\n",
                         report::fit(report::terminal_text(k.empty() ? "(unknown)" : k), 40),
                         t.n[0], t.n[1], t.n[2]);
      }
    };
    section("USER", users_);
    section("HOST", hosts_);
    return s;
  }
  [[nodiscard]] const Tally& total() const { return totals_; }
  /// Executions that carried an AppLocker record, and those the policy decided otherwise.
  [[nodiscard]] std::uint64_t logged() const { return logged_; }
  [[nodiscard]] std::uint64_t mismatches() const {
    std::uint64_t n = 0;
    for (const auto& row : mismatch_) {
      for (std::uint64_t c : row) n += c;
    }
    return n;
  }

 private:
  static constexpr std::string_view kVerdicts[3] = {"allowed", "audited", "blocked"};

  /// The logged decision against the simulated one: counted, and each kind of mismatch
  /// (logged X, simulated Y) warned about once, with its first execution.
  void compare(const policy::Replayed& r, const ProcessEvent& e, const SourceRef& src,
               const std::string& user, const std::string& rule_name) {
    ++logged_;
    if (r.agrees()) return;
    const auto l = static_cast<std::size_t>(r.logged->verdict);
    const auto d = static_cast<std::size_t>(r.decision.verdict);
    if (mismatch_[l][d]++ > 0) return;
    const std::string_view logged_rule = !r.logged->rule_name.empty() ? r.logged->rule_name
                                         : r.logged->implicit_deny()  ? "implicit deny"
                                                                      : "no rule named";
    warn(report::terminal_text(fmt::format(
        "policy simulate: AppLocker logged {} ({}) where the policy decides {} ({}): {} on {} "
        "by {} ({}:{}){}; further executions like it are counted in the totals",
        kVerdicts[l], logged_rule, kVerdicts[d], rule_name, e.image(), e.host(),
        user.empty() ? "(unknown)" : user, src.file.str(), report::record_of(src),
        l != 0 && d != 0 ? "; a denial either way, the enforcement modes differ" : "")));
  }

  /// The logged decision's JSONL fields.
  void append_logged(const policy::LoggedDecision& l, bool agrees) {
    buf_ += ",\"logged_decision\":\"";
    buf_ += policy::to_string(l.verdict);
    buf_ += "\",\"logged_rule\":";
    if (l.rule_name.empty() && l.rule_id.empty()) {
      buf_ += l.implicit_deny() ? "\"implicit deny\"" : "null";
    } else {
      const std::pair<std::string_view, std::string_view> members[] = {
          {"name", l.rule_name}, {"id", l.rule_id}, {"collection", l.collection}};
      char sep = '{';
      for (const auto& [k, v] : members) {
        buf_ += fmt::format("{}\"{}\":", sep, k);
        events::append_json_string(buf_, v);
        sep = ',';
      }
      buf_ += '}';
    }
    buf_ += agrees ? ",\"agrees\":true" : ",\"agrees\":false";
  }

  Output& out_;
  bool table_;
  std::string buf_;
  Tally totals_;
  std::map<std::string, Tally> users_;
  std::map<std::string, Tally> hosts_;
  std::uint64_t logged_ = 0;
  std::uint64_t mismatch_[3][3] = {};  ///< [logged][simulated]
};

/// Step: the policy to replay against. False after printing why.
bool load_policy(const std::string& path, policy::Policy& out) {
  std::string text, err;
  if (!slurp(path, text, err)) {
    error(err);
    return false;
  }
  auto p = policy::read_policy(text);
  if (!p) {
    error(fmt::format("{}: {}", path, p.error().message));
    return false;
  }
  out = std::move(*p);
  return true;
}

/// Step: --groups. False after printing why.
bool load_groups(const std::string& path, policy::GroupMap& out) {
  if (path.empty()) return true;
  std::string csv, err;
  if (!slurp(path, csv, err)) {
    error(err);
    return false;
  }
  auto g = policy::GroupMap::parse(csv);
  if (!g) {
    error(fmt::format("{}: {}", path, g.error().message));
    return false;
  }
  out = std::move(*g);
  return true;
}

int run_simulate(const SimulateArgs& a) {
  policy::Policy pol;
  policy::GroupMap groups;
  if (!load_policy(a.policy, pol) || !load_groups(a.groups, groups)) return kExitFatal;
  std::string err;
  const bool to_terminal = (a.output.empty() || a.output == "-") && ::isatty(STDOUT_FILENO) != 0;
  const bool table = !a.format.empty() ? a.format == "table" : to_terminal;
  Output out;
  if (!open_output(out, a.output, a.force, err)) {
    error(err);
    return kExitFatal;
  }
  DecisionWriter writer(out, table);
  if (table) {
    out.write(fmt::format("{:<19}  {:<12}  {:<16}  {:<8}  {:<8}  {:<32}  {}\n", "TIME", "HOST",
                          "USER", "DECISION", "LOGGED", "RULE", "COMMAND"));
  }
  EngineOptions eo;
  eo.threads = a.threads;
  Engine engine(eo);
  policy::PolicyReplay replay(pol, groups, [&](const policy::Replayed& r) { writer.add(r); });
  engine.add_detector(replay);
  engine.on_diagnostic([&](const Diagnostic& d) { print_diagnostic(d, a.quiet, a.diagnostics); });
  const RunReport r = engine.run(a.paths);
  writer.flush();
  if (table) {
    out.write(writer.totals());
  } else if (!a.quiet) {
    const Tally& t = writer.total();
    note(fmt::format(
        "cmdsentry: policy simulate: {} allowed, {} audited, {} blocked{}", t.n[0], t.n[1], t.n[2],
        writer.logged() == 0 ? std::string()
                             : fmt::format("; {} with an AppLocker record, {} decided otherwise",
                                           writer.logged(), writer.mismatches())));
  }
  if (!out.close()) {
    error("writing the output failed");
    return kExitFatal;
  }
  if (!a.quiet)
    note(fmt::format("cmdsentry: {}; {} executions replayed", read_counts(r.read), r.analysed));
  return r.read.files_failed > 0 || r.read.skipped > 0 ? kExitInputProblems : kExitOk;
}

}  // namespace

void register_policy(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "policy",
      "Write AppLocker/SRP policies that restrict built-in commands, and replay logs "
      "against a policy (docs/policy.md)");
  cmd->require_subcommand(1);

  auto g = std::make_shared<GenerateArgs>();
  auto* gen = cmd->add_subcommand(
      "generate",
      "Write an AppLocker policy (Exe rules, default allow rules kept) that keeps ordinary users "
      "from running the given commands; Administrators and --exempt groups keep them");
  gen->footer(
      "Examples:\n"
      "  cmdsentry policy generate --deny net,wmic,at -o restrict.xml\n"
      "  cmdsentry policy generate --from-recommendation rec.json --mode enforce -o "
      "restrict.xml\n");
  auto* from = gen->add_option("--from-recommendation", g->recommendation,
                               "cmdsentry-recommendation JSON FILE listing the restrictions");
  auto* deny = gen->add_option("--deny", g->deny,
                               "commands to restrict, comma-separated (net,wmic,at); net covers "
                               "net.exe and net1.exe")
                   ->delimiter(',');
  from->excludes(deny);
  gen->add_option("--mode", g->mode,
                  "audit (default: EnforcementMode AuditOnly, events 8003) or enforce (Enabled, "
                  "blocks; adds the default packaged-app rule)")
      ->check(CLI::IsMember({"audit", "enforce"}));
  gen->add_option("--exempt", g->exempt,
                  "a group that keeps the commands: SID, NAME=SID, or a built-in group name "
                  "(repeatable; Administrators S-1-5-32-544 always are)");
  gen->add_option("--deny-group", g->deny_groups,
                  "SID of a group holding no administrators: also write explicit Deny rules "
                  "(publisher + paths) for it (repeatable)");
  gen->add_option("--collections", g->collections,
                  "rule collections to write rules for, comma-separated: exe (always), dll, "
                  "script, msi (their default rules); the others are written empty "
                  "(NotConfigured)")
      ->delimiter(',')
      ->check(CLI::IsMember({"exe", "dll", "script", "msi"}));
  gen->add_option("--format", g->format,
                  "applocker (default: AppLocker XML) or srp (.reg file of Software Restriction "
                  "Policies path rules, for editions without AppLocker)")
      ->check(CLI::IsMember({"applocker", "srp"}));
  gen->add_option("-o,--output", g->output, "FILE to write the policy to (- for standard output)")
      ->required();
  gen->add_flag("--force", g->force,
                "overwrite the -o FILE if it exists (default: refuse, exit 2)");
  gen->callback([g] { set_exit_code(run_generate(*g)); });

  auto s = std::make_shared<SimulateArgs>();
  auto* sim = cmd->add_subcommand(
      "simulate",
      "Replay the process executions of logs against an AppLocker policy XML: allowed, audited "
      "(AuditOnly) or blocked, and the rule that decided; beside it what AppLocker logged "
      "(8002/8003/8004) where the logs have it, mismatches counted and warned about");
  sim->footer(
      "Examples:\n"
      "  cmdsentry policy simulate restrict.xml logs/ --groups groups.csv\n");
  sim->add_option("policy", s->policy, "AppLocker policy XML (ours or Get-AppLockerPolicy -Xml)")
      ->required();
  sim->add_option("paths", s->paths,
                  "EVTX/JSON/JSONL/XML files, directories, archives, - for stdin")
      ->required();
  sim->add_option("-f,--format", s->format,
                  "table (default on a terminal, ends with totals per user and host) or jsonl "
                  "(one decision per execution; logged_decision, logged_rule and agrees where "
                  "an AppLocker record was read)")
      ->check(CLI::IsMember({"table", "jsonl"}));
  sim->add_option("--groups", s->groups,
                  "CSV FILE of group memberships: user or SID,group name,group SID");
  sim->add_option("-o,--output", s->output, "write decisions to FILE instead of standard output");
  sim->add_flag("--force", s->force,
                "overwrite the -o FILE if it exists (default: refuse, exit 2)");
  sim->add_option("-t,--threads", s->threads, "worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  sim->add_flag("-q,--quiet", s->quiet, "no notes and no end-of-run counts on stderr");
  sim->add_option("--diagnostics", s->diagnostics,
                  "how problems with the input are printed on stderr: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  sim->callback([s] { set_exit_code(run_simulate(*s)); });
}

}  // namespace cmdsentry::cli
