/// cmdsentry-mkevtx SPEC.jsonl OUT.evtx [--max-records-per-chunk N] [--dirty]
/// Writes an EVTX file from a JSONL event spec (docs/evtx-writer.md). Exit 0 on success, 1 on a
/// bad spec or I/O error, 2 on bad usage.

#include <cstdio>
#include <exception>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "evtx_writer/evtx_writer.h"
#include "evtx_writer/spec_reader.h"

int main(int argc, char** argv) try {
  using namespace cmdsentry::evtxgen;
  CLI::App app{"Write an EVTX file from a JSONL event spec", "cmdsentry-mkevtx"};
  std::string spec_path;
  std::string out_path;
  WriterOptions options;
  bool quiet = false;
  app.add_option("SPEC", spec_path, "JSONL event spec, one event per line")->required();
  app.add_option("OUT", out_path, "EVTX file to write")->required();
  app.add_option("--max-records-per-chunk", options.max_records_per_chunk,
                 "start a new chunk after N records (0 = when full)");
  app.add_flag("--dirty", options.dirty, "set the file header's dirty flag");
  app.add_option("--first-record-id", options.first_record_id, "id of the first record");
  app.add_flag("-q,--quiet", quiet, "print nothing on success");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // bad usage is 2 (docs/evtx-writer.md), not CLI11's 105-109
  }

  auto events = read_event_specs(spec_path);
  if (!events) {
    fmt::print(stderr, "cmdsentry-mkevtx: {}: {}\n", spec_path, events.error().message);
    return 1;
  }
  EvtxWriter writer(options);
  for (std::size_t i = 0; i < events->size(); ++i) {
    if (auto id = writer.add((*events)[i]); !id) {
      fmt::print(stderr, "cmdsentry-mkevtx: {}: event {}: {}\n", spec_path, i + 1,
                 id.error().message);
      return 1;
    }
  }
  if (auto ok = writer.write_file(out_path); !ok) {
    fmt::print(stderr, "cmdsentry-mkevtx: {}\n", ok.error().message);
    return 1;
  }
  if (!quiet) {
    const WriteStats s = writer.stats();
    fmt::print("{}: {} records, {} chunks, {} template definitions\n", out_path, s.records,
               s.chunks, s.templates);
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "cmdsentry-mkevtx: internal error: %s\n", e.what());
  return 3;
}
