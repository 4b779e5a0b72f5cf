// `cmdsentry baseline learn|show` and `cmdsentry recommend`: learn what the organisation runs
// from its logs into an SQLite baseline, show it, and turn it into AppLocker recommendations
// (docs/baseline.md). Steps of learn: open the database -> store the groups mapping -> load the
// knowledge base -> stream the logs through the engine into the learner -> record the run.
#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "baseline/groups.h"
#include "baseline/learner.h"
#include "baseline/recommend.h"
#include "baseline/show.h"
#include "baseline/store.h"
#include "baseline/study.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cmdsentry/engine.h"
#include "core/time.h"
#include "events/merge.h"
#include "kb/knowledge_base.h"

#ifndef CMDSENTRY_DEFAULT_TABLES
#define CMDSENTRY_DEFAULT_TABLES ""
#endif

namespace cmdsentry::cli {
namespace {

struct LearnArgs {
  std::vector<std::string> paths;
  std::string db;
  std::string groups;
  std::vector<std::string> exclude_hosts;
  std::string since, until;
  int threads = 0;
  bool quiet = false;
  std::string diagnostics = "text";
};

struct ShowArgs {
  std::string db;
  std::string group;
  std::string format = "table";
  std::string output;
};

struct RecommendArgs {
  std::string db;
  std::string format = "table";
  std::vector<std::string> admin_groups;
  std::vector<std::string> service_groups;
  std::string tables = CMDSENTRY_DEFAULT_TABLES;
  long long max_users = 0;
  std::string output;
};

/// "2026-03-02" or any ISO-8601 time -> FILETIME.
std::optional<std::uint64_t> parse_time(const std::string& text) {
  if (auto t = parse_iso_time(text)) return t;
  return parse_iso_time(text + "T00:00:00Z");
}

/// Step: the knowledge base (embedded rules).
bool load_kb(kb::LoadedKnowledgeBase& out, bool quiet, const std::string& diagnostics) {
  out = kb::load_knowledge_base();
  for (const kb::Diagnostic& d : out.diagnostics) {
    print_diagnostic(d.to_diagnostic(), quiet, diagnostics);
  }
  if (!out.ok()) error("the knowledge base has errors (see above)");
  return out.ok();
}

/// Step: writes `text` to --output or stdout.
int write_output(const std::string& path, const std::string& text) {
  Output out;
  std::string err;
  if (!out.open(path, err)) {
    error(err);
    return kExitFatal;
  }
  out.write(text);
  if (!out.close()) {
    error("writing the output failed");
    return kExitFatal;
  }
  return kExitOk;
}

/// `--exclude-host HOST` (the whole host) or `HOST@FROM..TO` (that period; either end may be
/// left open). False with a message for a bad time.
bool parse_exclusion(const std::string& text, baseline::LearnOptions& o, std::string& err) {
  const std::size_t at = text.find('@');
  if (at == std::string::npos) {
    o.exclude_hosts.insert(events::host_key(text));
    return true;
  }
  const std::string span = text.substr(at + 1);
  const std::size_t dots = span.find("..");
  if (at == 0 || dots == std::string::npos) {
    err = fmt::format("--exclude-host {}: give HOST or HOST@FROM..TO (FROM or TO may be empty)",
                      text);
    return false;
  }
  baseline::HostPeriod p;
  p.host = events::host_key(text.substr(0, at));
  const std::string from = span.substr(0, dots), to = span.substr(dots + 2);
  if (!from.empty() && !(p.from = parse_time(from))) {
    err = fmt::format("--exclude-host {}: {} is not a date or ISO-8601 time", text, from);
    return false;
  }
  if (!to.empty() && !(p.to = parse_time(to))) {
    err = fmt::format("--exclude-host {}: {} is not a date or ISO-8601 time", text, to);
    return false;
  }
  if (p.from && p.to && *p.to <= *p.from) {
    err = fmt::format("--exclude-host {}: the period ends before it starts", text);
    return false;
  }
  o.exclude_periods.push_back(std::move(p));
  return true;
}

int run_learn(const LearnArgs& a) {
  baseline::LearnOptions lo;
  for (const std::string& h : a.exclude_hosts) {
    std::string err;
    if (!parse_exclusion(h, lo, err)) {
      error(err);
      return kExitUsage;
    }
  }
  if (!a.since.empty()) {
    lo.since = parse_time(a.since);
    if (!lo.since) {
      error(fmt::format("--since {}: not a date or ISO-8601 time", a.since));
      return kExitUsage;
    }
  }
  if (!a.until.empty()) {
    lo.until = parse_time(a.until);
    if (!lo.until) {
      error(fmt::format("--until {}: not a date or ISO-8601 time", a.until));
      return kExitUsage;
    }
  }
  std::optional<std::vector<baseline::GroupMember>> members;
  if (!a.groups.empty()) {
    auto g = baseline::read_groups(a.groups);
    if (!g) {
      error(g.error().message);
      return kExitFatal;
    }
    members = std::move(*g);
  }
  auto store = baseline::Store::open(a.db, baseline::OpenMode::kLearn);
  if (!store) {
    error(store.error().message);
    return kExitFatal;
  }
  if (members) {
    if (auto r = store->set_groups(*members); !r) {
      error(r.error().message);
      return kExitFatal;
    }
  }
  kb::LoadedKnowledgeBase kb;
  if (!load_kb(kb, a.quiet, a.diagnostics)) return kExitFatal;

  EngineOptions eo;
  eo.threads = a.threads;
  Engine engine(eo);
  baseline::Learner learner(*store, kb.kb, lo);
  engine.add_detector(learner);
  engine.on_diagnostic([&](const Diagnostic& d) { print_diagnostic(d, a.quiet, a.diagnostics); });
  const RunReport r = engine.run(a.paths);
  auto counts = learner.finish();
  if (!counts) {
    error(counts.error().message);
    return kExitFatal;
  }
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto filetime = static_cast<std::uint64_t>(
      kFiletimeUnixEpoch + std::chrono::duration_cast<std::chrono::microseconds>(now).count() * 10);
  if (auto w = store->add_run(filetime, *counts); !w) {
    error(w.error().message);
    return kExitFatal;
  }
  if (!a.quiet) {
    note(fmt::format(
        "cmdsentry: baseline learn: {}; {} executions analysed: {} learned, {} "
        "already in {}, {} excluded{}",
        read_counts(r.read), r.analysed, counts->executions, counts->duplicates, a.db,
        counts->skipped,
        members ? fmt::format("; {} group mapping(s) stored", members->size()) : std::string()));
  }
  return r.read.files_failed > 0 || r.read.skipped > 0 ? kExitInputProblems : kExitOk;
}

/// Step: everything a baseline database holds (errors printed).
std::optional<baseline::Baseline> load_baseline(const std::string& db) {
  auto b = baseline::load_baseline(db);
  if (!b) {
    error(b.error().message);
    return std::nullopt;
  }
  return std::move(*b);
}

int run_show(const ShowArgs& a) {
  const auto b = load_baseline(a.db);
  if (!b) return kExitFatal;
  std::optional<std::string> group;
  if (!a.group.empty()) group = a.group;
  const auto rows = baseline::summarize(*b, group);
  return write_output(a.output, a.format == "json" ? baseline::format_show_json(*b, rows)
                                                   : baseline::format_show_table(*b, rows));
}

int run_recommend(const RecommendArgs& a) {
  const auto b = load_baseline(a.db);
  if (!b) return kExitFatal;
  baseline::StudyCounts study;
  if (!a.tables.empty()) {
    auto s = baseline::read_study_counts(a.tables);
    if (s) {
      study = std::move(*s);
    } else {
      warn(s.error().message + "; attacker counts are 0 (give the study's table with --tables)");
    }
  }
  kb::LoadedKnowledgeBase kb;
  if (!load_kb(kb, true, "text")) return kExitFatal;
  baseline::RecommendOptions ro;
  if (!a.admin_groups.empty()) ro.admin_groups = a.admin_groups;
  ro.service_groups = a.service_groups;
  ro.max_users = a.max_users;
  const baseline::Recommendation rec = baseline::recommend(*b, kb.kb, study, ro);
  if (!rec.restrictions.empty()) {
    for (const baseline::NamedGroup& g : rec.restrictions.front().exempt_groups) {
      if (g.sid.empty()) {
        warn(
            fmt::format("no SID for exempt group \"{}\": give it as the third column of the "
                        "--groups file at learn time",
                        g.name));
      }
    }
  }
  return write_output(a.output, a.format == "json" ? baseline::format_recommendation_json(rec)
                                                   : baseline::format_recommendation_table(rec));
}

}  // namespace

void register_baseline(CLI::App& app) {
  auto* base = app.add_subcommand(
      "baseline",
      "Learn what the organisation runs from its logs into an SQLite database, and "
      "show it (docs/baseline.md)");
  base->require_subcommand(1);

  auto la = std::make_shared<LearnArgs>();
  auto* learn = base->add_subcommand(
      "learn",
      "Add the executions of PATH... to the baseline: per executable, knowledge-base command, "
      "user, group and host. Logs read again are not counted twice.");
  learn->footer(
      "Examples:\n"
      "  cmdsentry baseline learn logs/ --db org.db --groups groups.csv\n"
      "  cmdsentry baseline learn next-week/ --db org.db\n");
  learn->add_option("paths", la->paths, "EVTX/JSON/JSONL/XML files, directories, archives")
      ->required();
  learn->add_option("--db", la->db, "baseline database FILE (created when missing)")->required();
  learn->add_option("--groups", la->groups,
                    "CSV FILE member,group[,group_sid] mapping users (SID or name) to groups; "
                    "replaces the stored mapping");
  learn
      ->add_option("--exclude-host", la->exclude_hosts,
                   "do not learn from host H, or from H@FROM..TO only that period (FROM "
                   "inclusive, TO exclusive, either may be empty; dates or ISO times); "
                   "repeatable: a host, or an intrusion's span on it")
      ->allow_extra_args(false);  // `--exclude-host ws1 logs/`: logs/ is a path
  learn->add_option("--since", la->since, "learn only executions at or after T (date or ISO time)");
  learn->add_option("--until", la->until, "learn only executions before T (date or ISO time)");
  learn->add_option("-t,--threads", la->threads, "worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  learn->add_flag("-q,--quiet", la->quiet, "no notes and no end-of-run counts");
  learn->add_option("--diagnostics", la->diagnostics, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  learn->callback([la] { set_exit_code(run_learn(*la)); });

  auto sa = std::make_shared<ShowArgs>();
  auto* show = base->add_subcommand(
      "show",
      "Print the baseline per group, command and executable: executions, users, hosts, "
      "distinct days, first and last seen, typical parents");
  show->footer(
      "Examples:\n"
      "  cmdsentry baseline show --db org.db --group Staff --format json\n");
  show->add_option("--db", sa->db, "baseline database FILE")->required();
  show->add_option("--group", sa->group, "only group G");
  show->add_option("-f,--format", sa->format, "table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  show->add_option("-o,--output", sa->output, "write to FILE instead of standard output");
  show->callback([sa] { set_exit_code(run_show(*sa)); });
}

void register_recommend(CLI::App& app) {
  auto ra = std::make_shared<RecommendArgs>();
  auto* cmd = app.add_subcommand(
      "recommend",
      "From a baseline: which executables AppLocker can deny to all but the admin groups (with "
      "impact and the attack commands they stop), which to keep, and which commands no policy "
      "can stop (docs/baseline.md)");
  cmd->footer(
      "Examples:\n"
      "  cmdsentry recommend --db org.db --admin-group \"Domain Admins\"\n"
      "  cmdsentry recommend --db org.db --admin-group \"Domain Admins\" --format json "
      "-o rec.json\n");
  cmd->add_option("--db", ra->db, "baseline database FILE")->required();
  cmd->add_option("-f,--format", ra->format,
                  "table (default) or json (the input of `policy generate`)")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("--admin-group", ra->admin_groups,
                  "group exempt from restrictions (repeatable; default: Domain Admins and "
                  "Administrators)");
  cmd->add_option("--service-group", ra->service_groups,
                  "group of service accounts: their runs are not governed by AppLocker's Exe "
                  "rules and do not count against a restriction (repeatable; SYSTEM, LOCAL "
                  "SERVICE and NETWORK SERVICE always)");
  cmd->add_option("--max-users", ra->max_users,
                  "most users outside the admin groups an executable may have and still be "
                  "restricted (default 0)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--tables", ra->tables,
                  "the JPCERT/CC 2015 study's table (scope,phase,rank,command,count,options) "
                  "for the attacker counts")
      ->capture_default_str();
  cmd->add_option("-o,--output", ra->output, "write to FILE instead of standard output");
  cmd->callback([ra] { set_exit_code(run_recommend(*ra)); });
}

}  // namespace cmdsentry::cli
