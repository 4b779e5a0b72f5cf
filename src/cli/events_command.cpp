// `cmdsentry events PATH...`: the normalized stream of executions as JSON Lines on stdout,
// problems and an end-of-run summary on stderr.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/text_escape.h"
#include "events/event_json.h"
#include "events/pipeline.h"

namespace cmdsentry::cli {
namespace {

struct EventsOptions {
  std::vector<std::string> paths;
  bool all = false;
  int threads = 0;
  bool carve = false;
  bool quiet = false;
};

void print_diagnostic(const sources::SourceDiagnostic& d, const EventsOptions& o) {
  if (d.severity == sources::Severity::kInfo && o.quiet) return;
  const char* level = d.severity == sources::Severity::kError     ? "error"
                      : d.severity == sources::Severity::kWarning ? "warning"
                                                                   : "note";
  std::string where = terminal_safe(d.file);
  if (d.line != 0) where += fmt::format(":{}", d.line);
  if (d.offset != 0) where += fmt::format(" (offset {})", d.offset);
  std::fprintf(stderr, "cmdsentry: %s: %s: %s\n", level, where.c_str(),
               terminal_safe(d.message).c_str());
}

void run_events(const EventsOptions& o) {
  events::PipelineOptions po;
  po.all = o.all;
  po.threads = o.threads;
  po.carve = o.carve;
  auto result = events::run_pipeline(
      o.paths, po, [&](const sources::SourceDiagnostic& d) { print_diagnostic(d, o); });
  std::string out;
  for (const Event& e : result.events) {
    events::append_jsonl(out, e);
    if (out.size() > (1u << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  const auto& s = result.stats;
  std::fprintf(stderr,
               "cmdsentry: %llu files read (%llu not event logs, %llu unreadable), %llu records "
               "read, %llu skipped (%llu malformed, %llu over a limit), %llu filtered out\n",
               static_cast<unsigned long long>(s.read.files),
               static_cast<unsigned long long>(s.read.files_unrecognized),
               static_cast<unsigned long long>(s.read.files_failed),
               static_cast<unsigned long long>(s.read.records),
               static_cast<unsigned long long>(s.read.skipped),
               static_cast<unsigned long long>(s.read.skipped - s.read.skipped_over_limit),
               static_cast<unsigned long long>(s.read.skipped_over_limit),
               static_cast<unsigned long long>(s.read.filtered + s.not_executions));
  std::fprintf(stderr,
               "cmdsentry: %llu execution records normalized -> %llu executions (%llu duplicate "
               "copies, %llu same process in several logs, %llu net1 helpers folded); %llu other "
               "events\n",
               static_cast<unsigned long long>(s.executions),
               static_cast<unsigned long long>(s.merge.executions_out),
               static_cast<unsigned long long>(s.merge.copies_merged),
               static_cast<unsigned long long>(s.merge.same_process_merged),
               static_cast<unsigned long long>(s.merge.helpers_folded),
               static_cast<unsigned long long>(s.other));
  if (s.read.files_failed > 0 || s.read.skipped > 0) set_exit_code(kExitInputProblems);
}

}  // namespace

void register_events(CLI::App& app) {
  auto opts = std::make_shared<EventsOptions>();
  auto* cmd = app.add_subcommand(
      "events", "Print the normalized process executions (JSONL) from logs in any format");
  cmd->add_option("paths", opts->paths, "EVTX/JSON/XML files, directories, archives, - for stdin")
      ->required();
  cmd->add_flag("--all", opts->all, "Also print logons, process exits and other events");
  cmd->add_option("--threads", opts->threads, "EVTX decoder threads (0: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--carve", opts->carve, "Also recover EVTX records from chunk slack");
  cmd->add_flag("--quiet,-q", opts->quiet, "Do not list files that are not event logs");
  cmd->callback([opts] { run_events(*opts); });
}

}  // namespace cmdsentry::cli
