// `cmdsentry scan PATH...`: the timeline of attacker-listed commands found in event logs, as a
// terminal table, CSV or JSON Lines, followed by the JPCERT-style summary. Steps: load the
// knowledge base -> load Sigma rules (--sigma) -> open the output -> read and normalize the
// logs -> scan -> write findings -> write the summary -> report counts.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "baseline/rarity.h"
#include "baseline/store.h"
#include "cli/commands.h"
#include "cli/filters.h"
#include "cli/html_report.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cmdsentry/engine.h"
#include "core/text_escape.h"
#include "correlate/correlator.h"
#include "kb/detector.h"
#include "kb/knowledge_base.h"
#include "report/fields.h"
#include "report/filter.h"
#include "report/html_writer.h"
#include "report/sink.h"
#include "report/summary_writer.h"
#include "report/table_writer.h"
#include "scan/summary.h"
#include "sigma/detector.h"
#include "sigma/loader.h"

namespace cmdsentry::cli {
namespace {

struct ScanArgs {
  std::vector<std::string> paths;
  std::string format;  // empty: table on a terminal, else jsonl
  std::string output;
  std::string html;    // --html FILE: the HTML report besides the other output
  bool force = false;  // -o / --html may overwrite an existing file
  FilterArgs filter;
  std::string color = "auto";  // --color
  std::string profile = "standard";
  bool local_time = false;  // --local
  std::string tz;           // --tz
  bool iso_time = false;    // --iso
  std::vector<std::string> rules;
  int threads = 0;
  bool carve = false;
  bool follow = false;
  bool quiet = false;
  bool summary_only = false;
  bool no_summary = false;
  std::string summary_format = "text";
  std::string max_noise;
  std::string diagnostics = "text";
  long long reorder_window = -1;
  long long max_held = 0;
  long long max_open_inputs = 0;
  bool no_incidents = false;
  bool incidents_only = false;
  bool show_automation = false;
  std::vector<std::string> automation_off;
  int incident_score = -1;
  bool sessions = false;
  std::string db;  // baseline database (--db)
  std::vector<std::string> sigma;
  std::string min_level = "informational";
  std::vector<std::string> sigma_status{"stable", "test", "experimental"};
  std::vector<std::string> sigma_placeholders;  ///< NAME=VALUE
};

/// Terminal columns of stdout (COLUMNS, else the tty size, else 120).
int terminal_width() {
  if (const char* c = std::getenv("COLUMNS"); c != nullptr && std::atoi(c) > 0) {
    return std::atoi(c);
  }
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 120;
}

/// --color: `always` and `never` as said; `auto` on a terminal unless NO_COLOR is set (non-empty,
/// no-color.org) or TERM is dumb.
bool use_color(const std::string& mode, bool to_terminal) {
  if (mode == "always") return true;
  if (mode == "never" || !to_terminal) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::string_view(term) != "dumb";
}

std::optional<kb::Noise> parse_noise(std::string_view s) {
  for (kb::Noise n : {kb::Noise::kVeryLow, kb::Noise::kLow, kb::Noise::kMedium, kb::Noise::kHigh}) {
    if (kb::to_string(n) == s) return n;
  }
  return std::nullopt;
}

/// Step: the knowledge base (embedded rules + --rules files). Errors in user files are fatal.
bool load_rules(const ScanArgs& a, kb::LoadedKnowledgeBase& out) {
  std::vector<std::filesystem::path> files(a.rules.begin(), a.rules.end());
  out = kb::load_knowledge_base(files);
  for (const kb::Diagnostic& d : out.diagnostics) {
    print_diagnostic(d.to_diagnostic(), a.quiet, a.diagnostics);
  }
  if (!out.ok()) {
    error("the rules files have errors (see above)");
    return false;
  }
  return true;
}

/// Step: Sigma rules (--sigma). A path that cannot be read is fatal; a rule that cannot be
/// loaded is a warning and the others run.
bool load_sigma(const ScanArgs& a, std::unique_ptr<sigma::SigmaDetector>& out) {
  if (a.sigma.empty()) return true;
  const std::vector<std::filesystem::path> paths(a.sigma.begin(), a.sigma.end());
  sigma::LoadOptions lo;
  for (const std::string& p : a.sigma_placeholders) {
    if (!sigma::add_placeholder(p, lo.placeholders)) {
      error("--sigma-placeholder wants NAME=VALUE, not '" + p + "'");
      return false;
    }
  }
  sigma::LoadResult loaded = sigma::load_paths(paths, lo);
  bool unreadable = false;
  for (Diagnostic& d : loaded.diagnostics) {
    unreadable = unreadable || d.code == "sigma-unreadable";
    if (d.code != "sigma-unreadable") d.severity = DiagnosticSeverity::kWarning;
    print_diagnostic(d, a.quiet, a.diagnostics);
  }
  if (unreadable) {
    error("a --sigma path cannot be read (see above)");
    return false;
  }
  sigma::DetectorOptions o;
  for (Level l :
       {Level::kInformational, Level::kLow, Level::kMedium, Level::kHigh, Level::kCritical}) {
    if (to_string(l) == a.min_level) o.min_level = l;
  }
  o.statuses = a.sigma_status;
  const std::size_t read = loaded.rules.size();
  const std::size_t correlations = loaded.correlations.size();
  auto d = sigma::SigmaDetector::create(std::move(loaded.rules), o, std::move(loaded.correlations));
  if (!d) {
    error("compiling the Sigma rules failed: " + d.error().message);
    return false;
  }
  out = std::move(*d);
  if (loaded.failed > 0) {
    warn(fmt::format("{} Sigma rule(s) could not be loaded (see above); the other {} run",
                     loaded.failed, read));
  }
  if (!a.quiet) {
    note(
        fmt::format("cmdsentry: sigma: {} rule(s) from {} file(s): {} run, {} left out by "
                    "--min-level/--sigma-status, {} for log sources cmdsentry does not read; "
                    "{} correlation rule(s), {} run",
                    read, loaded.files, out->active(), out->filtered(), out->inactive(),
                    correlations, out->correlations()));
  }
  return true;
}

/// Incident lines the end-of-run summary lists (the rest are counted).
constexpr std::size_t kSummaryIncidents = 100;

/// Feeds findings to the summary as they stream; flushes the output when the input idles. The
/// summary tallies the knowledge base's commands: a finding only Sigma made is in the timeline,
/// not in the study's tables.
class SummarySink final : public Sink {
 public:
  explicit SummarySink(Output& out) : out_(out) {}
  void on_finding(const Finding& f) override {
    written.fetch_add(1, std::memory_order_relaxed);
    if (f.kb() != nullptr) builder.add(f);
  }
  void on_incident(const Incident& inc) override {
    ++incidents;
    if (incident_lines.size() >= kSummaryIncidents) return;
    std::string phases;
    for (const std::string& p : inc.phases) phases += (phases.empty() ? "" : "->") + p;
    std::string t = report::iso_time(inc.start).substr(0, 16);
    if (t.size() > 10) t[10] = ' ';
    incident_lines.push_back(
        fmt::format("  {}  score {:>3}  {}  {}  {}  {} findings  {}{}", inc.id, inc.score,
                    report::short_host(inc.host), inc.user, t, inc.findings_total,
                    phases.empty() ? "-" : phases,
                    inc.targets.empty() ? "" : "  -> " + report::join(inc.targets, ' ')));
  }
  void on_automation(const AutomationLine& a) override {
    automation_lines.push_back(
        fmt::format("  {}: {} finding(s) on {} host(s)", a.pattern, a.count, a.hosts));
  }
  void flush() override { out_.flush(); }
  /// The incident and automation sections of the text summary.
  [[nodiscard]] std::string sections() const {
    std::string text;
    if (incidents > 0) {
      text += fmt::format("\nIncidents: {}\n", incidents);
      for (const std::string& l : incident_lines) text += report::terminal_text(l) + "\n";
      if (incidents > incident_lines.size()) {
        text += fmt::format("  ... {} more\n", incidents - incident_lines.size());
      }
    }
    if (!automation_lines.empty()) {
      text += "\nKnown automation (kept out of incidents and of the timeline):\n";
      for (const std::string& l : automation_lines) text += report::terminal_text(l) + "\n";
    }
    return text;
  }
  scan::SummaryBuilder builder;
  std::atomic<std::uint64_t> written{0};  ///< findings written (the progress line reads it)
  std::uint64_t incidents = 0;
  std::vector<std::string> incident_lines;
  std::vector<std::string> automation_lines;

 private:
  Output& out_;
};

int run_scan(const ScanArgs& a) {
  kb::LoadedKnowledgeBase kb;
  if (!load_rules(a, kb)) return kExitFatal;
  std::unique_ptr<sigma::SigmaDetector> sigma_detector;
  if (!load_sigma(a, sigma_detector)) return kExitFatal;

  std::optional<kb::Noise> max_noise;
  if (!a.max_noise.empty()) max_noise = parse_noise(a.max_noise);
  report::FilterSpec filter_spec;
  std::string filter_error;
  if (!make_filter(a.filter, filter_spec, filter_error)) {
    error(filter_error);
    return kExitUsage;
  }

  const bool to_terminal = (a.output.empty() || a.output == "-") && ::isatty(STDOUT_FILENO) != 0;
  const std::string format_name = !a.format.empty() ? a.format : to_terminal ? "table" : "jsonl";
  const report::Format format = report::parse_format(format_name).value_or(report::Format::kJsonl);

  Output out;
  std::string err;
  if (!open_output(out, a.output, a.force, err)) {
    error(err);
    return kExitFatal;
  }

  EngineOptions eo;
  eo.threads = a.threads;
  eo.carve = a.carve;
  if (a.reorder_window >= 0)
    eo.reorder_window = static_cast<std::uint64_t>(a.reorder_window) * kTicksPerSecond;
  if (a.max_held > 0) eo.max_held = static_cast<std::size_t>(a.max_held);
  if (a.max_open_inputs > 0) eo.max_open_inputs = static_cast<std::size_t>(a.max_open_inputs);
  if (a.follow) eo.follow = stop_on_signals();
  EngineProgress progress;
  eo.progress = &progress;
  Engine engine(eo);
  kb::KbDetector kb_detector(kb.kb, max_noise);
  engine.add_detector(kb_detector);
  if (sigma_detector) engine.add_detector(*sigma_detector);
  scan::AppLockerTally applocker_tally;  // the summary's AppLocker line
  engine.add_detector(applocker_tally);
  std::optional<baseline::RarityDetector> rarity;
  if (!a.db.empty()) {
    auto learned = baseline::load_baseline(a.db);
    if (!learned) {
      error(learned.error().message);
      return kExitFatal;
    }
    rarity.emplace(*learned);
    engine.add_detector(*rarity);  // after the knowledge base: it reads its matches
  }
  report::SinkOptions sink_options;
  // COLUMNS when set (also into a file or pipe), else the terminal's width, else 168.
  const char* columns = std::getenv("COLUMNS");
  const bool columns_set = columns != nullptr && std::atoi(columns) > 0;
  sink_options.width = to_terminal || columns_set ? terminal_width() : 168;
  sink_options.color = use_color(a.color, to_terminal);
  sink_options.profile = report::parse_profile(a.profile).value_or(report::Profile::kStandard);
  if (!a.tz.empty()) {
    // An IANA name must exist (glibc would silently fall back to UTC); a POSIX TZ string
    // ("JST-9") has a digit.
    const bool posix = a.tz.find_first_of("0123456789") != std::string::npos;
    std::error_code ec;
    if (!posix && !std::filesystem::exists("/usr/share/zoneinfo/" + a.tz, ec)) {
      error("--tz: unknown time zone '" + a.tz + "' (an IANA name like Asia/Tokyo)");
      return kExitUsage;
    }
    ::setenv("TZ", a.tz.c_str(), 1);
    ::tzset();
  }
  sink_options.time.local = a.local_time || !a.tz.empty();
  sink_options.time.iso = a.iso_time;
  sink_options.time.zone = a.tz;
  auto writer = report::make_sink(
      format, [&](std::string_view s) { out.write(s); }, sink_options);
  SummarySink summary_sink(out);
  std::vector<Sink*> outputs;
  if (!a.summary_only) outputs.push_back(writer.get());
  outputs.push_back(&summary_sink);
  Output html_out;
  std::optional<report::HtmlWriter> html;
  if (!a.html.empty()) {
    if (!open_output(html_out, a.html, a.force, err)) {
      error(err);
      return kExitFatal;
    }
    html.emplace([&](std::string_view s) { html_out.write(s); }, html_options(a.paths));
    outputs.push_back(&*html);
  }
  // --from/--to/--host/--user/--phase: between correlation (which sees every finding) and the
  // outputs, the summary included.
  std::optional<report::FilterSink> filter;
  if (!filter_spec.empty()) {
    filter.emplace(filter_spec, outputs);
    outputs = {&*filter};
  }
  // Correlation (docs/incidents.md) runs last among the detectors and sits between the engine
  // and the outputs; without it the outputs take findings straight from the engine.
  correlate::CorrelateOptions co;
  co.show_automation = a.show_automation;
  co.incidents_only = a.incidents_only;
  co.automation_off = a.automation_off;
  co.sessions = a.sessions;
  if (a.incident_score >= 0) co.weights.threshold = a.incident_score;
  std::optional<correlate::Correlator> correlator;
  if (!a.no_incidents) {
    correlator.emplace(outputs, co);
    engine.add_detector(*correlator);
    engine.add_sink(correlator->sink());
  } else {
    for (Sink* s : outputs) engine.add_sink(*s);
  }
  engine.on_diagnostic([&](const Diagnostic& d) { print_diagnostic(d, a.quiet, a.diagnostics); });
  // The progress line: on a terminal's stderr, when the findings do not go to that terminal
  // (it would break up the table), not with --quiet or --follow.
  ProgressLine progress_line;
  const bool findings_on_terminal = to_terminal && !a.summary_only;
  if (!a.quiet && !a.follow && ::isatty(STDERR_FILENO) != 0 && !findings_on_terminal) {
    progress_line.start(progress, summary_sink.written);
  }
  const RunReport r = engine.run(a.paths);
  progress_line.stop();

  if (!a.no_summary || a.summary_only) {
    scan::Summary summary = summary_sink.builder.build();
    summary.applocker = applocker_tally.counts();
    std::string text;
    if (a.summary_format == "json") {
      report::append_summary_json(text, summary);
    } else {
      report::append_summary_text(text, summary);
      text += summary_sink.sections();
    }
    // Beside a table, or alone: in the output. Beside CSV/JSONL: on stderr, so the output
    // stays machine-readable.
    if (a.summary_only || format == report::Format::kTable) {
      if (!a.summary_only) out.write("\n");
      out.write(text);
    } else {
      out.flush();
      std::fflush(stdout);
      std::fwrite(text.data(), 1, text.size(), stderr);
    }
  }

  if (!out.close()) {
    error("writing the output failed");
    return kExitFatal;
  }
  if (html && !html_out.close()) {
    error("writing the HTML report failed: " + a.html);
    return kExitFatal;
  }

  std::uint64_t hidden = 0;
  for (const auto& [name, v] : r.detector_counters) {
    if (name == "kb.hidden_by_noise") hidden = v;
  }
  std::uint64_t incidents = 0;
  std::uint64_t automation = 0;
  for (const auto& [name, v] : r.detector_counters) {
    if (name == "correlation.incidents") incidents = v;
    if (name == "correlation.automation_findings") automation = v;
  }
  const auto& s = r.read;
  if (!a.quiet) {
    note(fmt::format(
        "cmdsentry: scan: {}; {} executions analysed, {} commands, {} findings "
        "({} chain commands on their own child process, {} on the shell's record; {} shells and {} "
        "helper processes not counted){}",
        read_counts(s), r.analysed, r.commands, r.findings, r.paired, r.on_shell, r.shells,
        r.helpers, max_noise ? fmt::format(", {} hidden by --max-noise", hidden) : std::string()));
    if (filter) {
      note(
          fmt::format("cmdsentry: scan: {} finding(s) left out by the filters", filter->dropped()));
    }
    if (!a.no_incidents) {
      note(fmt::format("cmdsentry: scan: {} incident(s); {} finding(s) of known automation {}",
                       incidents, automation,
                       a.show_automation ? "listed" : "collapsed (--show-automation lists them)"));
    }
    note(engine_counts(r));
    if (sigma_detector) {
      std::uint64_t matched = 0;
      std::uint64_t evaluated = 0;
      std::uint64_t skipped = 0;
      for (const auto& [name, v] : r.detector_counters) {
        if (name == "sigma.matched") matched = v;
        if (name == "sigma.evaluated") evaluated = v;
        if (name == "sigma.skipped_by_prefilter") skipped = v;
      }
      note(
          fmt::format("cmdsentry: sigma: {} rule match(es); {} rule evaluations, {} skipped by "
                      "the literal prefilter",
                      matched, evaluated, skipped));
    }
  }
  if (r.truncated > 0) {
    warn(fmt::format("{} command line(s) hit an analysis cap; their analysis is partial",
                     r.truncated));
  }
  return s.files_failed > 0 || s.skipped > 0 ? kExitInputProblems : kExitOk;
}

}  // namespace

void register_scan(CLI::App& app) {
  auto args = std::make_shared<ScanArgs>();
  auto* cmd = app.add_subcommand(
      "scan",
      "Find the commands attackers type (JPCERT/CC 2015 study + modern additions) in event logs "
      "and print them as a timeline, then a per-phase summary in the study's form.");
  cmd->footer(
      "Examples:\n"
      "  cmdsentry scan logs/                                   # table, then the summary\n"
      "  cmdsentry scan logs/ -f jsonl -o run.jsonl --html report.html\n"
      "  cmdsentry scan logs/ -f csv --profile timesketch -o timeline.csv\n"
      "  cmdsentry scan logs/ --host ws01,dc01 --from 7d --phase spread\n"
      "  cmdsentry scan evidence.zip --summary-only\n"
      "  tail -f forwarded.jsonl | cmdsentry scan - -f jsonl\n");
  cmd->add_option("paths", args->paths,
                  "EVTX/JSON/JSONL/XML files, directories, archives (zip, gz...), - for stdin")
      ->required();
  cmd->add_option("-f,--format", args->format,
                  "table (default on a terminal), csv, or jsonl (default otherwise)")
      ->check(CLI::IsMember({"table", "csv", "jsonl"}));
  cmd->add_option("-o,--output", args->output, "write findings to FILE instead of standard output");
  cmd->add_option("--html", args->html,
                  "also write the self-contained HTML report to FILE (docs/report.md)");
  add_filter_options(cmd, args->filter);
  cmd->add_option("--profile", args->profile,
                  "fields of CSV and JSONL: minimal, standard (default), verbose, timesketch "
                  "(adds message, datetime, timestamp_desc for Timesketch import)")
      ->check(CLI::IsMember({"minimal", "standard", "verbose", "timesketch"}));
  cmd->add_flag("--local", args->local_time,
                "table: times in the machine's local time zone instead of UTC");
  cmd->add_option("--tz", args->tz,
                  "table: times in this time zone (IANA name, e.g. Asia/Tokyo) instead of UTC");
  cmd->add_flag("--iso", args->iso_time,
                "table: times in ISO 8601 with their offset (2026-03-02T22:12:05+09:00, or Z)");
  cmd->add_option("--color", args->color,
                  "colour the table by phase and level: auto (default: on a terminal, unless "
                  "NO_COLOR is set or TERM=dumb), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_flag("--force", args->force,
                "overwrite the -o / --html FILE if it exists (default: refuse, exit 2)");
  cmd->add_option("-r,--rules", args->rules,
                  "knowledge-base FILE adding or replacing entries (repeatable; docs/kb-format.md)")
      ->allow_extra_args(false);  // `-r a.yaml log.evtx`: the log is a path, not a rules file
  cmd->add_option("-t,--threads", args->threads, "worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--carve", args->carve,
                "also recover EVTX records from chunk slack space and records hidden "
                "inside enlarged records (eventlogedit deletions; marked carved and hidden)");
  cmd->add_flag("--follow", args->follow,
                "keep reading JSON/XML files as they grow (like tail -f) until Ctrl-C or SIGTERM, "
                "then print the summary");
  cmd->add_flag("-q,--quiet", args->quiet,
                "no notes (non-log files, rule overrides) and no end-of-run counts");
  cmd->add_flag("--summary-only", args->summary_only, "print only the summary, to the output");
  cmd->add_flag("--no-summary", args->no_summary, "do not print the summary");
  cmd->add_option("--summary-format", args->summary_format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--max-noise", args->max_noise,
                  "report only commands at most this noisy: very-low, low, medium, high")
      ->check(CLI::IsMember({"very-low", "low", "medium", "high"}));
  cmd->add_option("--diagnostics", args->diagnostics,
                  "how problems with the input are printed on stderr: text (default) or json "
                  "(one object per line)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--reorder-window", args->reorder_window,
                  "seconds of event time an input may be out of order and still be put back in "
                  "order (default 60)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-held", args->max_held,
                  "most executions held for chain pairing at once (default 65536)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-open-inputs", args->max_open_inputs,
                  "most input files read at the same time (default 32)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--no-incidents", args->no_incidents,
                "no correlation: findings only, written as soon as they are final");
  cmd->add_flag("--incidents-only", args->incidents_only,
                "write only the incidents and the findings that belong to one");
  cmd->add_flag("--show-automation", args->show_automation,
                "also list the findings of known automation (cloud agents, Windows' own tasks) "
                "one by one instead of one line per pattern");
  cmd->add_option("--automation-off", args->automation_off,
                  "treat this known-automation pattern as ordinary activity (repeatable; all: "
                  "every pattern; names in docs/incidents.md)")
      ->allow_extra_args(false);
  cmd->add_flag("--sessions", args->sessions,
                "read logons (Security 4624) to show each incident's logon type and source address "
                "(slower on Security-heavy logs)");
  cmd->add_option("--incident-score", args->incident_score,
                  "score at which a cluster of findings becomes an incident (default 5)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--db", args->db,
                  "baseline database FILE (`baseline learn`): also flag commands nobody, nobody "
                  "in the user's groups, or not the user ran in the learned period "
                  "(docs/baseline.md)");
  cmd->add_option("--sigma", args->sigma,
                  "Sigma rule FILE or DIR (walked for *.yml, *.yaml) to run as well (repeatable; "
                  "docs/sigma.md)")
      ->allow_extra_args(false);
  cmd->add_option("--min-level", args->min_level,
                  "run only Sigma rules of at least this level: informational (default), low, "
                  "medium, high, critical")
      ->check(CLI::IsMember({"informational", "low", "medium", "high", "critical"}));
  cmd->add_option("--sigma-status", args->sigma_status,
                  "Sigma rule statuses to run, comma-separated (default stable,test,experimental; "
                  "deprecated and unsupported are left out; rules without a status always run)")
      ->delimiter(',')
      ->check(CLI::IsMember({"stable", "test", "experimental", "deprecated", "unsupported"}));
  cmd->add_option("--sigma-placeholder", args->sigma_placeholders,
                  "NAME=VALUE: one value of placeholder %NAME% for Sigma rules using |expand "
                  "(repeatable; rules with a placeholder without a value do not load)")
      ->allow_extra_args(false);
  cmd->callback([args] { set_exit_code(run_scan(*args)); });
}

}  // namespace cmdsentry::cli
