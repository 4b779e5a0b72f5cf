/// cmdsentry-orgsim --out DIR [--seed S] [--hosts N] [--users M] [--days D] [--intrusions K]
///                  [--format evtx|jsonl|both] [--size BYTES] [--tables CSV] [--threads T]
/// Simulates an organisation's logs with injected intrusions and ground-truth labels
/// (docs/orgsim.md). Exit 0 written; 1 error; 2 bad usage; 3 internal error.

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "orgsim/orgsim.h"

#ifndef CMDSENTRY_DEFAULT_TABLES
#define CMDSENTRY_DEFAULT_TABLES ""
#endif

namespace {
std::uint64_t parse_size(const std::string& s) {
  std::size_t pos = 0;
  const double v = std::stod(s, &pos);
  std::string unit = s.substr(pos);
  double m = 1;
  if (unit == "K" || unit == "KiB")
    m = 1024.0;
  else if (unit == "M" || unit == "MiB")
    m = 1024.0 * 1024;
  else if (unit == "G" || unit == "GiB")
    m = 1024.0 * 1024 * 1024;
  else if (!unit.empty())
    throw std::invalid_argument("unit");
  return static_cast<std::uint64_t>(v * m);
}
}  // namespace

int main(int argc, char** argv) try {
  using namespace cmdsentry::orgsim;
  CLI::App app{"Simulate an organisation's Windows logs with injected intrusions and labels",
               "cmdsentry-orgsim"};
  Options o;
  std::string out, format = "evtx", size, tables = CMDSENTRY_DEFAULT_TABLES;
  bool quiet = false;
  app.add_option("--out", out, "output folder (HOST/*.evtx|jsonl, labels.jsonl, org.json)")
      ->required();
  app.add_option("--seed", o.seed, "seed; the same seed and options give the same bytes");
  app.add_option("--hosts", o.hosts, "hosts (about one server per 8, the rest workstations)")
      ->check(CLI::Range(2, 100000));
  app.add_option("--users", o.users,
                 "users (staff, developers, help desk, domain admins, service accounts)")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--days", o.days, "days of ordinary work (day 0 is --start, a Monday)")
      ->check(CLI::Range(1, 3650));
  app.add_option("--intrusions", o.intrusions, "injected intrusions")->check(CLI::Range(0, 100000));
  app.add_option("--format", format, "evtx, jsonl (evtx_dump's shape) or both")
      ->check(CLI::IsMember({"evtx", "jsonl", "both"}));
  app.add_option("--size", size,
                 "approximate output size (e.g. 1G, 200M): sets the number of days");
  app.add_option("--tables", tables, "JPCERT/CC 2015 tables (jpcert-2015-tables.csv)");
  app.add_option("--start", o.start, "first day, YYYY-MM-DD (UTC)");
  app.add_option("--threads", o.threads, "worker threads (0: all cores)");
  app.add_flag("-q,--quiet", quiet, "print nothing on success");
  try {
    app.parse(argc, argv);
    if (!size.empty()) o.size = parse_size(size);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception&) {
    fmt::print(stderr, "cmdsentry-orgsim: --size: not a size: '{}'\n", size);
    return 2;
  }
  if (tables.empty()) {
    fmt::print(stderr, "cmdsentry-orgsim: --tables is required (path of jpcert-2015-tables.csv)\n");
    return 2;
  }
  o.out = out;
  o.tables = tables;
  o.evtx = format != "jsonl";
  o.jsonl = format != "evtx";
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run(o);
  if (!r) {
    fmt::print(stderr, "cmdsentry-orgsim: {}\n", r.error().message);
    return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!quiet) {
    fmt::print(
        "{}: {} hosts x {} days, {} records, {:.1f} MiB in {:.1f} s ({:.1f} MiB/s); {} intrusions, "
        "{} spread targets, {} labelled records\n",
        out, r->hosts, r->days, r->records, static_cast<double>(r->bytes) / 1048576.0, secs,
        static_cast<double>(r->bytes) / 1048576.0 / secs, r->intrusions, r->spread_targets,
        r->intrusion_records);
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "cmdsentry-orgsim: internal error: %s\n", e.what());
  return 3;
}
