#pragma once
/// The simulated organisation: hosts with roles, users in groups, and the intrusion plan (which
/// host runs which attacker steps when). Built from the seed before any log is written, so hosts
/// can then be simulated independently (in parallel) and still agree on every cross-host event.

#include <cstdint>
#include <string>
#include <vector>

#include "orgsim/rng.h"
#include "orgsim/study_tables.h"

namespace cmdsentry::orgsim {

inline constexpr std::uint64_t kTicksPerSecond = 10'000'000;
inline constexpr std::uint64_t kTicksPerDay = 86'400 * kTicksPerSecond;

enum class HostRole : std::uint8_t { kWorkstation, kDomainController, kFile, kWeb, kSql, kApp };
enum class UserGroup : std::uint8_t { kStaff, kDeveloper, kHelpDesk, kDomainAdmin, kService };
[[nodiscard]] const char* to_string(HostRole r);
[[nodiscard]] const char* to_string(UserGroup g);

struct Host {
  std::string name;  ///< NetBIOS name, upper case ("WS0007")
  std::string fqdn;  ///< "WS0007.corp.example"
  std::string ip;
  HostRole role = HostRole::kWorkstation;
  bool sysmon = true;
  int owner = -1;  ///< user index of a workstation's user
};

struct User {
  std::string name;  ///< sAMAccountName
  std::string sid;
  UserGroup group = UserGroup::kStaff;
};

/// How the attacker's commands reach cmd.exe on the entry host.
enum class Ancestry : std::uint8_t { kTempRat, kGetSystem, kWebShell, kPsExec, kWmiExec };
/// How a spread command starts the implant on the target host.
enum class Lateral : std::uint8_t { kAt, kSchtasks, kWmic, kSc, kPsExec };
[[nodiscard]] const char* to_string(Ancestry a);
[[nodiscard]] const char* to_string(Lateral l);

/// One command the attacker types: the command line and the program it runs (empty for cmd.exe
/// built-ins, which leave no process of their own).
struct TypedCommand {
  Phase phase = Phase::kRecon;
  std::string line;      ///< as typed: "net view \\FS01"
  std::string image;     ///< "C:\Windows\System32\net.exe", or empty
  std::string args;      ///< the program's own command line
  std::uint64_t at = 0;  ///< FILETIME
  int target = -1;       ///< host index reached by a lateral command
};

/// One intrusion's presence on one host: the entry host, or a target reached by spread.
struct IntrusionPart {
  std::string id;      ///< "I3" (entry) or "I3.1" (first target)
  std::string parent;  ///< the entry part's id for targets
  int intrusion = 0;
  int host = 0;
  std::string group;  ///< study group A/B/C
  Ancestry ancestry = Ancestry::kTempRat;
  Lateral via = Lateral::kAt;  ///< targets: how they were reached
  int user = -1;               ///< account used (user index), -1: SYSTEM
  int source_host = -1;        ///< targets: where the attacker came from
  std::string implant;         ///< path of the attacker's binary on this host
  std::uint64_t start = 0;
  std::vector<TypedCommand> commands;
  std::vector<int> targets;  ///< entry: host indexes reached
};

struct Org {
  std::string domain = "CORP";
  std::string dns = "corp.example";
  std::string domain_sid = "S-1-5-21-3623811015-3361044348-30300820";
  std::vector<Host> hosts;
  std::vector<User> users;
  std::uint64_t start = 0;  ///< FILETIME of day 0, 00:00 UTC
  int days = 1;
  std::vector<IntrusionPart> parts;
};

/// Hosts and users for `hosts`/`users` (at least one of each role the org size allows).
[[nodiscard]] Org build_org(std::uint64_t seed, int hosts, int users, std::uint64_t start,
                            int days);

/// Adds `count` intrusions drawn from the study's tables to `org.parts`.
void plan_intrusions(Org& org, const StudyTables& tables, std::uint64_t seed, int count);

}  // namespace cmdsentry::orgsim
