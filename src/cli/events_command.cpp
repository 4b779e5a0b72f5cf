// `cmdsentry events PATH...`: the normalized stream of executions as JSON Lines on stdout,
// problems and an end-of-run summary on stderr. Runs the engine without analysis: read,
// normalize, merge, write, as a stream.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "cmdsentry/engine.h"
#include "events/event_json.h"

namespace cmdsentry::cli {
namespace {

struct EventsOptions {
  std::vector<std::string> paths;
  bool all = false;
  int threads = 0;
  bool carve = false;
  long long max_open_inputs = 0;
  bool follow = false;
  bool quiet = false;
  std::string output;
  std::string diagnostics = "text";
  bool force = false;  ///< -o may overwrite an existing file
};

/// Writes each merged event as one JSON line.
class EventsSink final : public Sink {
 public:
  explicit EventsSink(Output& out) : out_(out) {}
  [[nodiscard]] bool wants_events() const override { return true; }
  void on_event(const Event& e) override {
    events::append_jsonl(buf_, e);
    if (buf_.size() > (1u << 16)) flush_text();
  }
  void flush() override {
    flush_text();
    out_.flush();
  }
  void finish(const RunReport&) override { flush_text(); }

 private:
  void flush_text() {
    out_.write(buf_);
    buf_.clear();
  }
  Output& out_;
  std::string buf_;
};

void run_events(const EventsOptions& o) {
  Output out;
  std::string err;
  if (!open_output(out, o.output, o.force, err)) {
    error(err);
    set_exit_code(kExitFatal);
    return;
  }
  EngineOptions eo;
  eo.analyze = false;
  eo.all_events = o.all;
  eo.threads = o.threads;
  eo.carve = o.carve;
  if (o.max_open_inputs > 0) eo.max_open_inputs = static_cast<std::size_t>(o.max_open_inputs);
  if (o.follow) eo.follow = stop_on_signals();
  Engine engine(eo);
  EventsSink sink(out);
  engine.add_sink(sink);
  engine.on_diagnostic([&](const Diagnostic& d) { print_diagnostic(d, o.quiet, o.diagnostics); });
  const RunReport r = engine.run(o.paths);
  if (!out.close()) {
    error("writing the output failed");
    set_exit_code(kExitFatal);
    return;
  }
  const auto& s = r.read;
  if (!o.quiet) {
    note(fmt::format("cmdsentry: {}, {} filtered out", read_counts(s),
                     s.filtered + r.not_executions));
    note(fmt::format(
        "cmdsentry: {} execution records normalized -> {} executions ({} duplicate copies, {} "
        "same process in several logs, {} net1 helpers folded); {} other events",
        r.executions, r.merge.executions_out, r.merge.copies_merged, r.merge.same_process_merged,
        r.merge.helpers_folded, r.other));
    note(engine_counts(r));
  }
  if (s.files_failed > 0 || s.skipped > 0) set_exit_code(kExitInputProblems);
}

}  // namespace

void register_events(CLI::App& app) {
  auto opts = std::make_shared<EventsOptions>();
  auto* cmd = app.add_subcommand(
      "events", "Print the normalized process executions (JSONL) from logs in any format");
  cmd->footer(
      "Examples:\n"
      "  cmdsentry events logs/ winlogbeat.json export.xml dataset.zip\n"
      "  cmdsentry events --all logs/\n");
  cmd->add_option("paths", opts->paths, "EVTX/JSON/XML files, directories, archives, - for stdin")
      ->required();
  cmd->add_flag("--all", opts->all, "Also print logons, process exits and other events");
  cmd->add_option("-o,--output", opts->output, "write events to FILE instead of standard output");
  cmd->add_flag("--force", opts->force,
                "overwrite the -o FILE if it exists (default: refuse, exit 2)");
  cmd->add_option("--threads", opts->threads, "EVTX decoder threads (0: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--carve", opts->carve,
                "Also recover EVTX records from chunk slack and records hidden inside "
                "enlarged records (eventlogedit deletions; marked carved and hidden)");
  cmd->add_option("--max-open-inputs", opts->max_open_inputs,
                  "most input files read at the same time (default 32)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--follow", opts->follow,
                "Keep reading JSON/XML files as they grow (like tail -f) until Ctrl-C or SIGTERM");
  cmd->add_flag("--quiet,-q", opts->quiet,
                "Do not list files that are not event logs, and no end-of-run counts");
  cmd->add_option("--diagnostics", opts->diagnostics,
                  "how problems with the input are printed on stderr: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([opts] { run_events(*opts); });
}

}  // namespace cmdsentry::cli
