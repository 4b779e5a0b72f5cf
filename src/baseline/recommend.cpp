#include "baseline/recommend.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <fmt/format.h>

#include "baseline/executable.h"
#include "baseline/groups.h"
#include "baseline/show.h"
#include "core/ascii.h"

namespace cmdsentry::baseline {
namespace {

/// Programs Windows, logons and scripts need: denying them breaks the system.
constexpr std::string_view kNeededByWindows[] = {
    "cmd",       "powershell", "pwsh",     "powershell_ise", "conhost", "explorer",
    "rundll32",  "svchost",    "services", "wmiprvse",       "msiexec", "dllhost",
    "taskhostw", "userinit",   "winlogon", "lsass",          "mmc",     "regsvr32"};

/// Tools of the knowledge base that Windows does not ship: no standard path to name.
constexpr std::string_view kNotWindows[] = {"7z",       "7za",      "adfind",     "paexec",
                                            "plink",    "procdump", "procdump64", "psexec",
                                            "psexec64", "rar",      "rclone",     "winrar"};

bool part_of_windows(std::string_view program) {
  return std::find(std::begin(kNotWindows), std::end(kNotWindows), program) ==
         std::end(kNotWindows);
}

bool needed_by_windows(std::string_view program) {
  return std::find(std::begin(kNeededByWindows), std::end(kNeededByWindows), program) !=
         std::end(kNeededByWindows);
}

/// Which groups are exempt (admins) and which run outside AppLocker's reach (services).
struct Roles {
  std::set<std::string> admins;    ///< lower case
  std::set<std::string> services;  ///< lower case

  [[nodiscard]] bool admin(std::string_view g) const { return admins.contains(to_lower(g)); }
  [[nodiscard]] bool service(std::string_view g) const {
    return g == "SYSTEM" || g == "LOCAL SERVICE" || g == "NETWORK SERVICE" ||
           services.contains(to_lower(g));
  }
};

std::string default_path(std::string_view program) {
  if (program == "wmic") return "%SYSTEM32%\\wbem\\wmic.exe";
  return fmt::format("%SYSTEM32%\\{}.exe", program);
}

/// Usage split by group, plus the union over the groups that count against restricting.
struct GroupTallies {
  std::map<std::string, Tally> by_group;
  Tally ordinary;  ///< users outside the admin and service groups (each row once)

  [[nodiscard]] std::vector<GroupUse> uses(const Roles& roles) const {
    std::vector<GroupUse> out;
    for (const auto& [g, t] : by_group) {
      out.push_back({g, t.executions, static_cast<std::int64_t>(t.users.size()),
                     static_cast<std::int64_t>(t.hosts.size()), roles.admin(g), roles.service(g)});
    }
    std::stable_sort(out.begin(), out.end(), [](const GroupUse& a, const GroupUse& b) {
      return a.executions > b.executions;
    });
    return out;
  }
};

class Tallier {
 public:
  Tallier(const Groups& groups, const Roles& roles) : groups_(groups), roles_(roles) {}
  void add(GroupTallies& t, const UsageRow& row) const {
    bool ordinary = false;
    bool exempt = false;  // a user in an admin group is exempt whatever their other groups
    for (const std::string& g : groups_.of(row.user_sid, row.user_name)) {
      t.by_group[g].add(row);
      exempt = exempt || roles_.admin(g);
      ordinary = ordinary || !roles_.service(g);
    }
    if (ordinary && !exempt) t.ordinary.add(row);
  }

 private:
  const Groups& groups_;
  const Roles& roles_;
};

std::string describe_uses(const std::vector<GroupUse>& uses, bool want_admin) {
  std::string out;
  for (const GroupUse& u : uses) {
    if (u.admin != want_admin || u.service) continue;
    out += fmt::format("{}{} ({} executions, {} users, {} hosts)", out.empty() ? "" : ", ", u.group,
                       u.executions, u.users, u.hosts);
  }
  return out;
}

std::int64_t service_runs(const std::vector<GroupUse>& uses) {
  std::int64_t n = 0;
  for (const GroupUse& u : uses) {
    if (u.service) n += u.executions;
  }
  return n;
}

std::string restriction_reason(std::string_view program, const std::vector<GroupUse>& uses,
                               const Tally& ordinary, const Tally& period) {
  std::string r;
  if (uses.empty()) {
    r = fmt::format("never run in the learned period ({} days, {} to {})", period.days.size(),
                    day_text(period.first_seen), day_text(period.last_seen));
  } else if (ordinary.executions == 0) {
    r = fmt::format("not run outside the admin groups in the learned period ({} days)",
                    period.days.size());
  } else {
    r = fmt::format(
        "run by only {} user(s) outside the admin groups in the learned period ({} "
        "days): they would be stopped",
        ordinary.users.size(), period.days.size());
  }
  if (const std::string admins = describe_uses(uses, true); !admins.empty()) {
    r += "; used by " + admins + ", exempt";
  }
  if (const std::int64_t s = service_runs(uses); s > 0) {
    r += fmt::format(
        "; {} runs by SYSTEM or service accounts are not governed by AppLocker "
        "unless its Services extension is on",
        s);
  }
  if (program == "net" || program == "net1") {
    r += "; net.exe starts net1.exe for most subcommands and attackers call net1.exe directly: "
         "restrict both";
  }
  return r;
}

std::string detection_of(const kb::Entry& e) {
  return fmt::format(
      "process creation with command lines (Security 4688 with command-line auditing, or "
      "Sysmon 1): cmdsentry scan reports it (knowledge-base entry \"{}\"){}",
      e.name, e.builtin ? " on the cmd.exe record whose line typed it" : "");
}

/// The folder of a program installed in a user's profile, from a lower-case image path:
/// "c:\users\bob\appdata\local\programs\microsoft vs code\code.exe" ->
/// "c:\users\bob\appdata\local\programs\microsoft vs code". Vendor containers (programs,
/// microsoft, google, ...) take one more level. Empty for anything else: temp folders, the
/// desktop, downloads, a program directly in AppData.
std::string profile_program_folder(std::string_view image) {
  std::string p = to_lower(image);
  std::replace(p.begin(), p.end(), '/', '\\');
  const std::size_t users = p.find("\\users\\");
  if (users == std::string::npos) return {};
  const std::size_t name_end = p.find('\\', users + 7);
  if (name_end == std::string::npos) return {};
  std::string_view rest = std::string_view(p).substr(name_end + 1);
  std::size_t at = 0;
  if (rest.starts_with("appdata\\local\\")) {
    at = 14;
  } else if (rest.starts_with("appdata\\roaming\\")) {
    at = 16;
  } else {
    return {};
  }
  std::vector<std::string_view> parts;
  std::size_t start = at;
  for (std::size_t i = at; i < rest.size(); ++i) {
    if (rest[i] == '\\') {
      parts.push_back(rest.substr(start, i - start));
      start = i + 1;
    }
  }
  // parts: the folders between AppData\Local (or Roaming) and the file.
  if (parts.empty() || parts[0] == "temp" || parts[0] == "tmp" || parts[0].empty()) return {};
  static constexpr std::array<std::string_view, 6> kVendors = {"programs", "microsoft", "google",
                                                               "mozilla",  "apps",      "packages"};
  std::size_t depth = 1;
  if (std::find(kVendors.begin(), kVendors.end(), parts[0]) != kVendors.end()) depth = 2;
  if (parts.size() < depth) return {};
  if (depth == 2 && parts[0] == "microsoft" && parts[1] == "windows")
    return {};  // caches, INetCache
  std::string folder(std::string_view(p).substr(0, name_end + 1 + at));
  for (std::size_t i = 0; i < depth; ++i) {
    folder += parts[i];
    if (i + 1 < depth) folder += '\\';
  }
  return folder;
}

}  // namespace

Recommendation recommend(const Baseline& baseline, const kb::KnowledgeBase& kb,
                         const StudyCounts& study, const RecommendOptions& options) {
  Recommendation rec;
  const Groups groups(baseline.members);
  Roles roles;
  for (const std::string& g : options.admin_groups) roles.admins.insert(to_lower(g));
  for (const std::string& g : options.service_groups) roles.services.insert(to_lower(g));
  const Tallier tallier(groups, roles);

  Tally period;
  std::map<std::string, GroupTallies> by_command, by_executable;
  std::map<std::string, std::map<std::string, std::int64_t>> ofn_of;  // exe -> OFN -> runs
  std::map<std::string, std::set<std::string>> paths_of;
  struct ProgramUse {
    std::string user;
    std::set<std::string> executables;
    std::set<std::int64_t> days;
    std::int64_t executions = 0;
    bool known_tool = false;  ///< a knowledge-base command ran from there
  };
  std::map<std::pair<std::string, std::string>, ProgramUse> profile_programs;  // (sid, folder)
  for (const UsageRow& row : baseline.usage) {
    if (row.path_class == "user-writable" && !row.user_sid.empty()) {
      const std::string folder = profile_program_folder(row.image);
      bool service = false;
      for (const std::string& g : groups.of(row.user_sid, row.user_name))
        service = service || roles.service(g);
      if (!folder.empty() && !service) {
        ProgramUse& u = profile_programs[{row.user_sid, folder}];
        u.user = row.user_name;
        u.executables.insert(row.executable);
        u.days.insert(row.days.begin(), row.days.end());
        u.executions += row.executions;
        if (!row.command.empty() && kb.find(row.command) != nullptr) u.known_tool = true;
      }
    }
    period.add(row);
    if (!row.command.empty()) tallier.add(by_command[row.command], row);
    tallier.add(by_executable[row.executable], row);
    if (!row.original_file_name.empty() && row.original_file_name != row.executable) {
      tallier.add(by_executable[row.original_file_name], row);  // a renamed copy
    }
    if (!row.original_file_name.empty())
      ofn_of[row.executable][row.original_file_name] += row.executions;
    if (!row.image.empty() && row.path_class != "user-writable") {
      paths_of[row.executable].insert(applocker_path(row.image));
    }
  }

  // program -> the commands denying its executable would stop, in knowledge-base order.
  std::map<std::string, std::vector<const kb::Entry*>> by_program;
  for (const kb::Entry& e : kb.entries()) {
    CommandView v{e.name, e.phase, e.study, e.builtin, {}, {}, {}};
    std::set<std::string> programs;
    for (const kb::MatchSpec& m : e.match) programs.insert(m.programs.begin(), m.programs.end());
    bool restrictable = false;
    for (const std::string& p : programs) {
      v.executables.push_back(p + ".exe");
      if (e.builtin || needed_by_windows(p)) continue;
      restrictable = true;
      if (!e.idiom) by_program[p].push_back(&e);
    }
    if (auto it = study.by_command.find(e.name); it != study.by_command.end())
      v.attacks = it->second;
    if (auto it = by_command.find(e.name); it != by_command.end())
      v.used_by = it->second.uses(roles);
    if (!restrictable && !e.idiom) {
      rec.not_restrictable.push_back(
          {e.name,
           e.builtin ? "cmd.exe builtin: it runs inside cmd.exe and starts no process, so "
                       "AppLocker never sees it"
                     : fmt::format("runs as {}, which Windows, logons and scripts need: "
                                   "denying it breaks the system",
                                   fmt::join(v.executables, ", ")),
           detection_of(e)});
    }
    rec.commands.push_back(std::move(v));
  }

  for (const auto& [program, entries] : by_program) {
    const std::string exe = program + ".exe";
    std::vector<std::string> commands;
    std::int64_t attacks = 0;
    for (const kb::Entry* e : entries) {
      commands.push_back(e->name);
      attacks += study.total(e->name);
    }
    static const GroupTallies kNone;
    const auto it = by_executable.find(exe);
    const GroupTallies& t = it != by_executable.end() ? it->second : kNone;
    const std::vector<GroupUse> uses = t.uses(roles);
    if (static_cast<std::int64_t>(t.ordinary.users.size()) > options.max_users) {
      rec.kept.push_back({exe, commands, uses, attacks,
                          "run by " + describe_uses(uses, false) +
                              ": denying it would stop their work; rely on detection"});
      continue;
    }
    Restriction r;
    r.executable = exe;
    r.original_file_name = exe;
    if (auto o = ofn_of.find(exe); o != ofn_of.end()) {
      const auto best =
          std::max_element(o->second.begin(), o->second.end(),
                           [](const auto& a, const auto& b) { return a.second < b.second; });
      r.original_file_name = best->first;
    }
    std::set<std::string> paths;
    if (part_of_windows(program)) paths.insert(default_path(program));
    if (auto p = paths_of.find(exe); p != paths_of.end())
      paths.insert(p->second.begin(), p->second.end());
    r.paths.assign(paths.begin(), paths.end());
    r.commands = commands;
    for (const std::string& g : options.admin_groups)
      r.exempt_groups.push_back({g, groups.sid_of(g)});
    r.impact = {t.ordinary.executions, static_cast<std::int64_t>(t.ordinary.users.size()),
                static_cast<std::int64_t>(t.ordinary.hosts.size())};
    r.attack_executions = attacks;
    r.reason = restriction_reason(program, uses, t.ordinary, period);
    if (!part_of_windows(program)) {
      r.reason +=
          "; not part of Windows: copies can sit anywhere, so deny it by publisher or "
          "original file name rather than by path";
    }
    rec.restrictions.push_back(std::move(r));
  }
  for (const auto& [key, u] : profile_programs) {
    if (u.known_tool || static_cast<std::int64_t>(u.days.size()) < options.min_program_days)
      continue;
    UserProgram up;
    up.user = u.user;
    up.sid = key.first;
    up.path = applocker_path(key.second) + "\\*";
    up.executables.assign(u.executables.begin(), u.executables.end());
    up.executions = u.executions;
    up.days = static_cast<std::int64_t>(u.days.size());
    rec.user_programs.push_back(std::move(up));
  }
  // AppLocker governs a service account's scheduled tasks and logon sessions (only services
  // themselves are outside it): its group keeps what it ran.
  for (Restriction& r : rec.restrictions) {
    for (const std::string& g : options.service_groups)
      r.exempt_groups.push_back({g, groups.sid_of(g)});
    // A group without a known SID is exempted through its members' SIDs (rules need SIDs).
    std::vector<NamedGroup> exempt;
    for (NamedGroup& g : r.exempt_groups) {
      if (!g.sid.empty()) {
        exempt.push_back(std::move(g));
        continue;
      }
      const std::vector<std::string> members = groups.member_sids(g.name);
      if (members.empty()) exempt.push_back(std::move(g));  // generate reports it
      for (const std::string& m : members) exempt.push_back({g.name + " member " + m, m});
    }
    r.exempt_groups = std::move(exempt);
  }
  std::stable_sort(rec.restrictions.begin(), rec.restrictions.end(),
                   [](const Restriction& a, const Restriction& b) {
                     return a.attack_executions > b.attack_executions;
                   });
  std::stable_sort(rec.kept.begin(), rec.kept.end(), [](const Kept& a, const Kept& b) {
    return a.attack_executions > b.attack_executions;
  });
  return rec;
}

}  // namespace cmdsentry::baseline
