// `cmdsentry dump`: render EVTX records as evtx_dump-style JSONL or Windows-style XML.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/input_files.h"
#include "cli/output.h"
#include "evtx/reader.h"

namespace cmdsentry::cli {
namespace {

struct DumpArgs {
  std::vector<std::string> paths;
  std::string format = "jsonl";
  int threads = 0;
  std::vector<std::uint32_t> event_ids;
  std::vector<std::string> channels;
  bool carve = false;
  bool quiet = false;
  std::string output;
  bool force = false;  ///< -o may overwrite an existing file
};

int run_dump(const DumpArgs& a) {
  bool problems = false;
  auto files = expand_paths(
      a.paths, [](const std::filesystem::path& p) { return is_evtx_file(p); },
      [&](const std::string& p, const std::string& msg) {
        error(p + ": " + msg);
        problems = true;
      });
  Output out;
  std::string err;
  if (!open_output(out, a.output, a.force, err)) {
    error(err);
    return kExitFatal;
  }
  evtx::DumpOptions opt;
  opt.read.threads = a.threads;
  opt.read.carve = a.carve;
  opt.read.filter.event_ids = a.event_ids;
  opt.read.filter.channels = a.channels;
  opt.format = a.format == "xml" ? evtx::RenderFormat::kXml : evtx::RenderFormat::kJsonl;
  std::size_t files_ok = 0;
  const evtx::ReadStats total = evtx::dump_files(
      files, opt, [&](std::string_view text) { out.write(text); },
      [&](const evtx::Diagnostic& d) {
        if (a.quiet) return;
        if (d.chunk < 0) {
          warn(fmt::format("{}: file header: {}", d.file, d.message));
        } else {
          warn(fmt::format("{}: chunk {} at offset 0x{:x}: {}", d.file, d.chunk, d.offset,
                           d.message));
        }
      },
      [&](const evtx::FileReport& r) {
        if (!r.opened) {
          error(r.file + ": " + r.error);
          problems = true;
        } else {
          ++files_ok;
        }
      });
  if (!out.close()) {
    error("writing the output failed");
    return kExitFatal;
  }
  note(fmt::format(
      "dump: {} file(s) read, {} failed; records: {} decoded, {} filtered out, {} skipped ({} "
      "corrupt, {} over a limit), {} carved ({} hidden in enlarged records); chunks: {} ({} empty, "
      "{} unusable, {} with CRC mismatch, {} promised by a file header but missing); {:.1f} MiB",
      files_ok, files.size() - files_ok, total.records - total.records_filtered,
      total.records_filtered, total.records_skipped,
      total.records_skipped - total.records_over_limit, total.records_over_limit,
      total.records_carved, total.records_hidden, total.chunks, total.chunks_empty,
      total.chunks_bad, total.chunks_crc_mismatch, total.chunks_missing,
      static_cast<double>(total.bytes) / (1024.0 * 1024.0)));
  return problems ? kExitInputProblems : kExitOk;
}

}  // namespace

void register_dump(CLI::App& app) {
  auto args = std::make_shared<DumpArgs>();
  auto* cmd = app.add_subcommand(
      "dump",
      "Render EVTX records as JSON lines (the shape of the Rust evtx_dump tool, plus a \"#source\" "
      "member with the file, record header number and chunk) or as XML the way Windows renders "
      "events.");
  cmd->footer(
      "Examples:\n"
      "  cmdsentry dump Security.evtx logs/ --format jsonl -o all.jsonl\n"
      "  cmdsentry dump logs/ --event-id 4688,1 --threads 8\n"
      "  cmdsentry dump damaged.evtx --carve\n");
  cmd->add_option("paths", args->paths, "EVTX files or directories (searched recursively)")
      ->required();
  cmd->add_option("--format", args->format, "jsonl (default) or xml")
      ->check(CLI::IsMember({"jsonl", "xml"}));
  cmd->add_option("-t,--threads", args->threads, "worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--event-id", args->event_ids, "only these event ids (repeatable, or a,b,c)")
      ->delimiter(',');
  cmd->add_option("--channel", args->channels, "only these channels (case-insensitive)")
      ->delimiter(',');
  cmd->add_flag("--carve", args->carve,
                "also recover records left in chunk slack space (marked \"carved\") and records "
                "hidden inside enlarged records, as DanderSpritz eventlogedit leaves deleted ones "
                "(marked \"carved\" and \"hidden\"; they are warned about without --carve)");
  cmd->add_option("-o,--output", args->output, "write to FILE instead of standard output");
  cmd->add_flag("--force", args->force,
                "overwrite the -o FILE if it exists (default: refuse, exit 2)");
  cmd->add_flag("-q,--quiet", args->quiet, "do not print warnings about damaged input");
  cmd->callback([args] { set_exit_code(run_dump(*args)); });
}

}  // namespace cmdsentry::cli
