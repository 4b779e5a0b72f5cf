// `cmdsentry report RUN.jsonl --html FILE`: the HTML report of a saved run (`scan --format
// jsonl` output), read line by line (docs/report.md). Steps: open the run -> open the output ->
// stream the records into the HTML writer -> report what was read.
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/filters.h"
#include "cli/html_report.h"
#include "cli/output.h"
#include "core/time.h"
#include "report/run_reader.h"

namespace cmdsentry::cli {

report::HtmlOptions html_options(const std::vector<std::string>& inputs) {
  report::HtmlOptions o;
  std::string names;
  for (const std::string& i : inputs) names += (names.empty() ? "" : " ") + i;
  o.input = names;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ticks = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(now).count() * 10 +
      116'444'736'000'000'000LL);
  std::string t;
  append_filetime_iso(t, ticks, 0);
  o.generated = t;
  return o;
}

namespace {

struct ReportArgs {
  std::string run;
  std::string html;
  bool force = false;
  bool quiet = false;
  FilterArgs filter;
};

int run_report(const ReportArgs& a) {
  report::FilterSpec spec;
  std::string filter_error;
  if (!make_filter(a.filter, spec, filter_error)) {
    error(filter_error);
    return kExitUsage;
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  if (a.run != "-") {
    file.open(a.run, std::ios::binary);
    if (!file) {
      error(a.run + ": cannot be opened");
      return kExitInputProblems;
    }
    in = &file;
  }
  Output out;
  std::string err;
  if (!open_output(out, a.html, a.force, err)) {
    error(err);
    return kExitFatal;
  }
  report::HtmlWriter writer([&](std::string_view s) { out.write(s); }, html_options({a.run}));
  writer.begin();
  const report::RunReadStats stats = report::read_run(*in, writer, spec.empty() ? nullptr : &spec);
  writer.finish();
  const bool read_failed = in->bad();
  for (const std::string& p : stats.problems) warn(a.run + ": " + p + " (skipped)");
  if (!out.close()) {
    error("writing the HTML report failed: " + a.html);
    return kExitFatal;
  }
  if (read_failed) error(a.run + ": read error");
  if (!a.quiet) {
    note(
        fmt::format("cmdsentry: report: {} line(s): {} finding(s), {} incident(s), {} automation "
                    "line(s), {} other record(s), {} skipped, {} left out by the filters",
                    stats.lines, stats.findings, stats.incidents, stats.automation, stats.other,
                    stats.skipped, stats.filtered));
  }
  return read_failed || stats.skipped > 0 ? kExitInputProblems : kExitOk;
}

}  // namespace

void register_report(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand(
      "report",
      "Write the self-contained HTML report of a saved run (the output of `cmdsentry scan "
      "--format jsonl`): overview, timeline per host, incidents, top commands per phase and a "
      "filterable findings table, in one file that opens offline (docs/report.md).");
  cmd->footer(
      "Examples:\n"
      "  cmdsentry scan logs/ -f jsonl -o run.jsonl\n"
      "  cmdsentry report run.jsonl --html report.html\n"
      "  cmdsentry scan logs/ -q -f jsonl | cmdsentry report - --html report.html\n"
      "  cmdsentry report run.jsonl --html dc01.html --host dc01 --from 2026-03-02\n");
  cmd->add_option("run", args->run, "JSON Lines FILE from `scan --format jsonl`, - for stdin")
      ->required();
  cmd->add_option("--html", args->html, "the report FILE to write")->required();
  cmd->add_flag("--force", args->force, "overwrite the report FILE if it exists");
  add_filter_options(cmd, args->filter);
  cmd->add_flag("-q,--quiet", args->quiet, "no end-of-run counts");
  cmd->callback([args] { set_exit_code(run_report(*args)); });
}

}  // namespace cmdsentry::cli
