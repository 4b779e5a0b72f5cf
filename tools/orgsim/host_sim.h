#pragma once
/// HostSim: one host's days — boot, background services, its user's or role's ordinary work, and
/// the intrusion parts the plan puts on it — as Security (4624/4634/4688/4689) and Sysmon (1)
/// records, written in time order to the host's LogFiles. Labels name every record an intrusion
/// part produced.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "orgsim/org.h"

namespace cmdsentry::orgsim {

/// One record that belongs to an intrusion part.
struct Label {
  int part = -1;  ///< index into Org::parts
  int log = 0;    ///< 0 Security, 1 Sysmon
  std::uint64_t record = 0;
  std::uint16_t event_id = 0;
  std::uint64_t time = 0;
  const char* role = "";  ///< implant, command, logon, getsystem
  int command = -1;       ///< index into the part's commands
};

struct HostResult {
  std::vector<Label> labels;
  std::uint64_t records = 0;
  std::uint64_t evtx_bytes = 0;
  std::uint64_t jsonl_bytes = 0;
  std::vector<std::string> files;  ///< written, relative to the output folder
};

/// Simulates host `host` of `org` for its first `days` days into `out`/HOST/ (fewer days than
/// the org has: used to measure bytes per host-day for --size).
[[nodiscard]] Result<HostResult> simulate_host(const Org& org, int host, std::uint64_t seed,
                                               const std::filesystem::path& out, bool evtx,
                                               bool jsonl, int days);

/// Log file names (without extension) of a host.
[[nodiscard]] std::string security_log(const Host& h);
[[nodiscard]] std::string sysmon_log(const Host& h);

}  // namespace cmdsentry::orgsim
