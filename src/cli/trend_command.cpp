// `cmdsentry trend PATH...`: the JPCERT/CC 2015 study's ranking per phase beside the one in the
// input, with rank correlations and the closest study group (docs/trend.md). Steps: read the
// study's tables -> load the knowledge base -> run the engine as scan does (knowledge base,
// correlation) into trend::TrendSink -> write the comparison -> report counts.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "cmdsentry/engine.h"
#include "correlate/correlator.h"
#include "kb/detector.h"
#include "kb/knowledge_base.h"
#include "kb/study_tables.h"
#include "trend/trend.h"
#include "trend/trend_format.h"

#ifndef CMDSENTRY_DEFAULT_TABLES
#define CMDSENTRY_DEFAULT_TABLES ""
#endif

namespace cmdsentry::cli {
namespace {

struct TrendArgs {
  std::vector<std::string> paths;
  std::string format = "table";
  std::string by = "execution";
  std::string output;
  std::string tables = CMDSENTRY_DEFAULT_TABLES;
  std::vector<std::string> rules;
  int threads = 0;
  bool quiet = false;
  bool no_incidents = false;
  std::string diagnostics = "text";
};

int run_trend(const TrendArgs& a) {
  if (a.tables.empty()) {
    error("no study tables: give the JPCERT/CC 2015 tables with --tables FILE");
    return kExitFatal;
  }
  auto study = kb::read_study_tables(a.tables);
  if (!study) {
    error(study.error().message);
    return kExitFatal;
  }
  const std::vector<std::filesystem::path> rule_files(a.rules.begin(), a.rules.end());
  kb::LoadedKnowledgeBase kb = kb::load_knowledge_base(rule_files);
  for (const kb::Diagnostic& d : kb.diagnostics) {
    print_diagnostic(d.to_diagnostic(), a.quiet, a.diagnostics);
  }
  if (!kb.ok()) {
    error("the rules files have errors (see above)");
    return kExitFatal;
  }
  const trend::Weighting by = trend::parse_weighting(a.by).value_or(trend::Weighting::kExecution);
  if (by == trend::Weighting::kIncident && a.no_incidents) {
    error("--by incident needs correlation; drop --no-incidents");
    return kExitUsage;
  }
  Output out;
  std::string err;
  if (!out.open(a.output, err)) {
    error(err);
    return kExitFatal;
  }

  // The same stages as scan's summary: knowledge base, then correlation (which keeps known
  // automation out), then the sink.
  EngineOptions eo;
  eo.threads = a.threads;
  Engine engine(eo);
  kb::KbDetector kb_detector(kb.kb, std::nullopt);
  engine.add_detector(kb_detector);
  trend::TrendSink sink(by);
  std::vector<Sink*> outputs{&sink};
  std::optional<correlate::Correlator> correlator;
  if (!a.no_incidents) {
    correlator.emplace(outputs, correlate::CorrelateOptions{});
    engine.add_detector(*correlator);
    engine.add_sink(correlator->sink());
  } else {
    engine.add_sink(sink);
  }
  engine.on_diagnostic([&](const Diagnostic& d) { print_diagnostic(d, a.quiet, a.diagnostics); });
  const RunReport r = engine.run(a.paths);

  const trend::Trend t = sink.build(*study);
  std::string text;
  if (a.format == "json") {
    trend::append_trend_json(text, t, a.tables);
  } else if (a.format == "csv") {
    trend::append_trend_csv(text, t);
  } else {
    trend::append_trend_table(text, t, a.tables);
  }
  out.write(text);
  if (!out.close()) {
    error("writing the output failed");
    return kExitFatal;
  }
  if (!a.quiet) {
    note(fmt::format("cmdsentry: trend: {}; {} executions analysed, {} findings counted",
                     read_counts(r.read), r.analysed, t.findings));
  }
  return r.read.files_failed > 0 || r.read.skipped > 0 ? kExitInputProblems : kExitOk;
}

}  // namespace

void register_trend(CLI::App& app) {
  auto args = std::make_shared<TrendArgs>();
  auto* cmd = app.add_subcommand(
      "trend",
      "Compare the commands in event logs with the JPCERT/CC 2015 study: per phase both "
      "rankings, rank correlations, the study's commands not seen, new commands by tactic and "
      "the closest study group (docs/trend.md).");
  cmd->add_option("paths", args->paths,
                  "EVTX/JSON/JSONL/XML files, directories, archives (zip, gz...), - for stdin")
      ->required();
  cmd->add_option("-f,--format", args->format, "table (default), json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_option("--by", args->by,
                  "what weighs 1: execution (default), host, incident or file (each unit once "
                  "per phase, so one noisy run does not dominate)")
      ->check(CLI::IsMember({"execution", "host", "incident", "file"}));
  cmd->add_option("-o,--output", args->output, "write to FILE instead of standard output");
  cmd->add_option("--tables", args->tables,
                  "the study's tables (CSV: scope,phase,rank,command,count,options; default "
                  "../shared/reference/jpcert-2015-tables.csv beside the source tree)");
  cmd->add_option("-r,--rules", args->rules,
                  "knowledge-base FILE adding or replacing entries (repeatable; docs/kb-format.md)")
      ->allow_extra_args(false);
  cmd->add_option("-t,--threads", args->threads, "worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--no-incidents", args->no_incidents,
                "no correlation: known automation is counted too (scan --no-incidents)");
  cmd->add_flag("-q,--quiet", args->quiet, "no notes and no end-of-run counts");
  cmd->add_option("--diagnostics", args->diagnostics, "problems with the input as text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([args] { set_exit_code(run_trend(*args)); });
}

}  // namespace cmdsentry::cli
