#pragma once
/// cmdsentry-orgsim: simulates an organisation's Windows logs — hosts, users in groups, days of
/// ordinary work and injected intrusions typed after the JPCERT/CC 2015 study's per-group
/// tables — and writes per-host EVTX (and/or evtx_dump-shaped JSONL) plus ground-truth labels.
/// Output is a pure function of the options (docs/orgsim.md).

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/error.h"

namespace cmdsentry::orgsim {

struct Options {
  std::uint64_t seed = 1;
  int hosts = 12;
  int users = 24;
  int days = 2;
  int intrusions = 2;
  std::filesystem::path out;
  bool evtx = true;
  bool jsonl = false;
  std::uint64_t size = 0;            ///< approximate bytes target; 0: use `days`
  std::filesystem::path tables;      ///< jpcert-2015-tables.csv
  std::string start = "2026-03-02";  ///< first day (a Monday), UTC
  int threads = 0;                   ///< 0: hardware concurrency
};

struct RunStats {
  int hosts = 0;
  int days = 0;
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;  ///< EVTX bytes (or JSONL bytes when only JSONL is written)
  std::uint64_t intrusion_records = 0;
  int intrusions = 0;      ///< injected intrusions (entry hosts)
  int spread_targets = 0;  ///< target hosts reached by them
};

/// Writes the organisation under options.out: logs/HOST/Security.evtx, logs/HOST/Microsoft-
/// Windows-Sysmon%4Operational.evtx (or .jsonl), labels.jsonl, org.json.
[[nodiscard]] Result<RunStats> run(const Options& options);

}  // namespace cmdsentry::orgsim
