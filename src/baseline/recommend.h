#pragma once
/// `recommend`: from what the organisation ran (the baseline) and what attackers ran (the
/// knowledge base and the study's counts), which executables an AppLocker policy can deny to
/// everyone but the admin groups, at what cost, and which commands no policy can stop.
///
/// Why per executable: AppLocker sees the file that starts, never its arguments, so `net view`
/// and `net user` stand or fall together as net.exe (and net1.exe, which does the work and
/// which attackers call directly). An executable is recommended for restriction when nobody
/// outside the admin groups ran it in the learned period (at most `max_users` users, when
/// set); runs by SYSTEM and the service accounts do not count against it because AppLocker
/// does not govern services unless its Services extension is on. cmd.exe builtins (dir, ver,
/// type, set, echo...) and executables Windows itself needs (cmd.exe, powershell.exe,
/// rundll32.exe...) are listed as not restrictable, with the detection to rely on instead.
///
/// The JSON form is the input of `policy generate` (docs/baseline.md, "Recommendation JSON").

#include <cstdint>
#include <string>
#include <vector>

#include "baseline/store.h"
#include "baseline/study.h"
#include "baseline/tally.h"
#include "kb/knowledge_base.h"

namespace cmdsentry::baseline {

struct RecommendOptions {
  /// Groups exempt from restrictions (names as in the groups mapping).
  std::vector<std::string> admin_groups{"Domain Admins", "Administrators"};
  /// Groups whose accounts run as services (AppLocker does not govern them unless its Services
  /// extension is on), besides SYSTEM, LOCAL SERVICE and NETWORK SERVICE.
  std::vector<std::string> service_groups;
  /// Most distinct non-admin users an executable may have and still be restricted.
  std::int64_t max_users = 0;
  /// Fewest days a user must have run a program from their profile's AppData for it to be
  /// allowed to them (a binary seen once is more likely dropped than installed).
  std::int64_t min_program_days = 2;
};

struct NamedGroup {
  std::string name;
  std::string sid;  ///< empty when neither the mapping nor a well-known SID gives it
};

/// Learned use of something by one group.
struct GroupUse {
  std::string group;
  std::int64_t executions = 0;
  std::int64_t users = 0;
  std::int64_t hosts = 0;
  bool admin = false;    ///< one of the admin groups
  bool service = false;  ///< SYSTEM / LOCAL SERVICE / NETWORK SERVICE
};

struct Impact {
  std::int64_t executions = 0;
  std::int64_t users = 0;
  std::int64_t hosts = 0;
};

struct Restriction {
  std::string executable;  ///< "net.exe"
  std::string original_file_name;
  std::vector<std::string> paths;     ///< AppLocker paths ("%SYSTEM32%\net.exe")
  std::vector<std::string> commands;  ///< knowledge-base commands it stops
  std::vector<NamedGroup> exempt_groups;
  Impact impact;  ///< learned runs the rule would stop (non-exempt users, user context)
  std::int64_t attack_executions = 0;  ///< the study's attacker runs of `commands`
  std::string reason;
};

/// An executable kept because ordinary users need it.
struct Kept {
  std::string executable;
  std::vector<std::string> commands;
  std::vector<GroupUse> used_by;
  std::int64_t attack_executions = 0;
  std::string reason;
};

struct NotRestrictable {
  std::string command;
  std::string reason;
  std::string detect_with;
};

/// One knowledge-base command: the organisation's use next to the study's attackers.
struct CommandView {
  std::string command;
  std::string phase;
  bool study = false;
  bool builtin = false;
  std::vector<std::string> executables;
  std::map<std::string, std::int64_t> attacks;  ///< study counts per phase
  std::vector<GroupUse> used_by;
};

/// A program a user runs from their own profile (per-user installs: VS Code under
/// AppData\Local\Programs, Teams and OneDrive under AppData\Local\Microsoft). The default rules
/// allow only %WINDIR% and %PROGRAMFILES%, so without an allow rule an enforced policy blocks
/// it. The rule is for that user's SID and that program's folder only: AppLocker path rules know
/// no wildcard inside a path, and a folder-wide rule for everyone would let any user run
/// whatever they drop into such a folder.
struct UserProgram {
  std::string user;  ///< DOMAIN\name as logged
  std::string sid;
  std::string path;  ///< AppLocker path of the program's folder:
                     ///< "%OSDRIVE%\users\bob\appdata\local\programs\microsoft vs code\*"
  std::vector<std::string> executables;  ///< file names seen there
  std::int64_t executions = 0;
  std::int64_t days = 0;
};

struct Recommendation {
  std::vector<UserProgram> user_programs;
  std::vector<CommandView> commands;
  std::vector<Restriction> restrictions;
  std::vector<Kept> kept;
  std::vector<NotRestrictable> not_restrictable;
};

[[nodiscard]] Recommendation recommend(const Baseline& baseline, const kb::KnowledgeBase& kb,
                                       const StudyCounts& study, const RecommendOptions& options);

/// The contract JSON (format "cmdsentry-recommendation", version 1).
[[nodiscard]] std::string format_recommendation_json(const Recommendation& r);
/// Tables for a terminal: commands, restrictions, kept executables, not restrictable.
[[nodiscard]] std::string format_recommendation_table(const Recommendation& r);

}  // namespace cmdsentry::baseline
