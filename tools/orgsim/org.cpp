#include "orgsim/org.h"

#include <algorithm>

#include <fmt/format.h>

namespace cmdsentry::orgsim {

const char* to_string(HostRole r) {
  switch (r) {
    case HostRole::kWorkstation:
      return "workstation";
    case HostRole::kDomainController:
      return "domain-controller";
    case HostRole::kFile:
      return "file-server";
    case HostRole::kWeb:
      return "web-server";
    case HostRole::kSql:
      return "sql-server";
    case HostRole::kApp:
      return "app-server";
  }
  return "?";
}

const char* to_string(UserGroup g) {
  switch (g) {
    case UserGroup::kStaff:
      return "staff";
    case UserGroup::kDeveloper:
      return "developers";
    case UserGroup::kHelpDesk:
      return "help-desk";
    case UserGroup::kDomainAdmin:
      return "domain-admins";
    case UserGroup::kService:
      return "service-accounts";
  }
  return "?";
}

const char* to_string(Ancestry a) {
  switch (a) {
    case Ancestry::kTempRat:
      return "temp-folder-rat";
    case Ancestry::kGetSystem:
      return "rat-getsystem";
    case Ancestry::kWebShell:
      return "w3wp-web-shell";
    case Ancestry::kPsExec:
      return "services-psexec";
    case Ancestry::kWmiExec:
      return "wmiprvse-wmiexec";
  }
  return "?";
}

const char* to_string(Lateral l) {
  switch (l) {
    case Lateral::kAt:
      return "at";
    case Lateral::kSchtasks:
      return "schtasks";
    case Lateral::kWmic:
      return "wmic";
    case Lateral::kSc:
      return "sc";
    case Lateral::kPsExec:
      return "psexec";
  }
  return "?";
}

Org build_org(std::uint64_t seed, int hosts, int users, std::uint64_t start, int days) {
  Org org;
  org.start = start;
  org.days = days;
  Rng rng = Rng::derive(seed, "org");
  hosts = std::max(hosts, 2);
  users = std::max(users, 1);
  // Servers: one per ~8 hosts, in this order; the rest are workstations.
  const HostRole server_roles[] = {
      HostRole::kDomainController, HostRole::kFile, HostRole::kWeb, HostRole::kSql, HostRole::kApp,
      HostRole::kDomainController, HostRole::kFile, HostRole::kWeb};
  const int servers = std::clamp(hosts / 8, 1, 8);
  const char* server_names[] = {"DC", "FS", "WEB", "SQL", "APP"};
  int per_role[6] = {};
  for (int i = 0; i < hosts; ++i) {
    Host h;
    if (i < servers) {
      h.role = server_roles[i];
      const int n = ++per_role[static_cast<int>(h.role)];
      h.name = fmt::format("{}{:02}", server_names[static_cast<int>(h.role) - 1], n);
      h.ip = fmt::format("10.1.0.{}", 10 + i);
    } else {
      h.name = fmt::format("WS{:04}", i - servers + 1);
      h.ip = fmt::format("10.1.{}.{}", 1 + (i - servers) / 200, 10 + (i - servers) % 200);
    }
    h.fqdn = h.name + "." + org.dns;
    h.sysmon = rng.chance(0.8);
    org.hosts.push_back(std::move(h));
  }
  // Users: about 60% staff, 15% developers, 8% help desk, 5% domain admins, rest service accounts
  // (at least one admin and one service account when there is room).
  for (int i = 0; i < users; ++i) {
    User u;
    const double r = static_cast<double>(i) / users;
    u.group = i == 0 && users > 2   ? UserGroup::kDomainAdmin
              : i == 1 && users > 3 ? UserGroup::kService
              : r < 0.08            ? UserGroup::kHelpDesk
              : r < 0.12            ? UserGroup::kDomainAdmin
              : r < 0.17            ? UserGroup::kService
              : r < 0.35            ? UserGroup::kDeveloper
                                    : UserGroup::kStaff;
    static const char* first[] = {"akimura",   "bsato", "cito",    "dtanaka",
                                  "ewatanabe", "fkato", "gyamada", "hsasaki",
                                  "iyoshida",  "jmori", "kabe",    "lokada"};
    switch (u.group) {
      case UserGroup::kDomainAdmin:
        u.name = fmt::format("adm-{}", first[i % 12]);
        break;
      case UserGroup::kService:
        u.name = fmt::format("svc-{}", i % 2 ? "backup" : "sql");
        break;
      default:
        u.name = fmt::format("{}{}", first[i % 12], i / 12 == 0 ? "" : fmt::format("{}", i / 12));
    }
    if (u.group == UserGroup::kService && i > 1) u.name += fmt::format("{}", i);
    u.sid = fmt::format("{}-{}", org.domain_sid, 1104 + i);
    org.users.push_back(std::move(u));
  }
  // Each workstation gets an owner: people (not service accounts), round-robin.
  std::vector<int> people;
  for (int i = 0; i < users; ++i) {
    if (org.users[static_cast<std::size_t>(i)].group != UserGroup::kService) people.push_back(i);
  }
  if (people.empty()) people.push_back(0);
  int next = 0;
  for (auto& h : org.hosts) {
    if (h.role == HostRole::kWorkstation)
      h.owner = people[static_cast<std::size_t>(next++) % people.size()];
  }
  return org;
}

namespace {

constexpr const char* kSys32 = "C:\\Windows\\System32\\";

std::string pick_option(Rng& rng, const StudyCommand& c) {
  if (c.options.empty() || rng.chance(0.35)) return "";
  return c.options[rng.below(c.options.size())];
}

/// Context for turning a study command into a concrete command line.
struct Ctx {
  const Org& org;
  Rng& rng;
  int host;
  std::string user;  ///< victim's account name (for paths)
  std::string implant;

  const Host& other_host() {
    const int n = static_cast<int>(org.hosts.size());
    int h = static_cast<int>(rng.below(static_cast<std::uint64_t>(n)));
    if (h == host) h = (h + 1) % n;
    return org.hosts[static_cast<std::size_t>(h)];
  }
};

TypedCommand prog(Phase p, std::string line, const std::string& exe) {
  TypedCommand t;
  t.phase = p;
  t.image = exe.empty() ? "" : std::string(kSys32) + exe;
  t.args = line;
  t.line = std::move(line);
  return t;
}

TypedCommand builtin(Phase p, std::string line) {
  TypedCommand t;
  t.phase = p;
  t.line = std::move(line);
  return t;
}

/// The study's command `c` (with one of its options) as an attacker would type it.
TypedCommand concrete(Ctx& x, Phase p, const StudyCommand& c) {
  const std::string opt = pick_option(x.rng, c);
  const std::string sp = opt.empty() ? "" : " " + opt;
  const std::string& cmd = c.command;
  const std::string home = "C:\\Users\\" + x.user;
  if (cmd == "tasklist") return prog(p, "tasklist" + sp, "tasklist.exe");
  if (cmd == "ver" || cmd == "set" || cmd == "time") {
    return builtin(p, cmd == "time" ? "time /t" : cmd);
  }
  if (cmd == "ipconfig") return prog(p, "ipconfig" + (opt == "/?" ? sp : " /all"), "ipconfig.exe");
  if (cmd == "systeminfo") return prog(p, "systeminfo", "systeminfo.exe");
  if (cmd == "netstat") return prog(p, "netstat -ano", "NETSTAT.EXE");
  if (cmd == "qprocess") return prog(p, "qprocess *", "qprocess.exe");
  if (cmd == "query") return prog(p, "query user", "query.exe");
  if (cmd == "whoami") return prog(p, "whoami" + sp, "whoami.exe");
  if (cmd == "nslookup") return prog(p, "nslookup " + x.other_host().name, "nslookup.exe");
  if (cmd == "fsutil") return prog(p, "fsutil fsinfo drives", "fsutil.exe");
  if (cmd == "arp") return prog(p, "arp -a", "ARP.EXE");
  if (cmd == "chcp") return prog(p, "chcp 437", "chcp.com");
  if (cmd == "qwinsta") return prog(p, "qwinsta", "qwinsta.exe");
  if (cmd == "tree") return prog(p, "tree /F " + home + "\\Documents", "tree.com");
  if (cmd == "ping") return prog(p, "ping -n 1 " + x.other_host().ip, "PING.EXE");
  if (cmd == "nbtstat") return prog(p, "nbtstat -a " + x.other_host().ip, "nbtstat.exe");
  if (cmd == "nltest") return prog(p, "nltest /dclist:" + x.org.domain, "nltest.exe");
  if (cmd == "wevtutil") return prog(p, "wevtutil qe Security /c:50 /f:text", "wevtutil.exe");
  if (cmd == "dsquery") {
    auto t = prog(p, "dsquery * -limit 0 -filter (objectClass=computer)", "");
    t.image = "C:\\Windows\\Temp\\dsquery.exe";
    return t;
  }
  if (cmd == "csvde") {
    auto t = prog(p, "csvde -f C:\\Windows\\Temp\\u.csv -q", "");
    t.image = "C:\\Windows\\Temp\\csvde.exe";
    return t;
  }
  if (cmd == "dir") {
    if (x.rng.chance(0.3)) return builtin(p, "dir \\\\" + x.other_host().name + "\\c$\\Users");
    static const char* sub[] = {"\\Desktop", "\\Documents", "\\Downloads", ""};
    return builtin(p, "dir " + home + sub[x.rng.below(4)]);
  }
  if (cmd == "type") return builtin(p, "type " + home + "\\Documents\\memo.txt");
  if (cmd.rfind("net ", 0) == 0) {
    const std::string sub = cmd.substr(4);
    std::string line = cmd;
    if (sub == "view") {
      line += opt == "/domain"    ? " /domain"
              : x.rng.chance(0.5) ? " \\\\" + x.other_host().name
                                  : "";
    } else if (sub == "use") {
      line += x.rng.chance(0.6) ? " \\\\" + x.other_host().name + "\\c$" : "";
    } else if (sub == "user") {
      line += opt == "/add" ? " support P@ssw0rd1 /add" : opt == "/domain" ? " /domain" : "";
    } else if (sub == "localgroup") {
      line += opt == "/add" ? " administrators support /add" : " administrators";
    } else if (sub == "group") {
      line += " \"domain admins\" /domain";
    } else if (sub == "config") {
      line += " workstation";
    } else if (sub == "time") {
      line += x.rng.chance(0.5) ? " \\\\" + x.org.hosts[0].name : "";
    }
    return prog(p, line, "net.exe");
  }
  if (cmd == "reg") {
    if (opt == "query")
      return prog(p, "reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
                  "reg.exe");
    if (opt == "export")
      return prog(
          p,
          "reg export HKLM\\SYSTEM\\CurrentControlSet\\Services\\W32Time C:\\Windows\\Temp\\t.reg",
          "reg.exe");
    return prog(
        p,
        "reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v upd /t REG_SZ /d " +
            x.implant + " /f",
        "reg.exe");
  }
  if (cmd == "netsh advfirewall") {
    return prog(
        p, "netsh advfirewall firewall add rule name=upd dir=in action=allow program=" + x.implant,
        "netsh.exe");
  }
  if (cmd == "sc")
    return prog(p, "sc " + (opt.empty() ? std::string("query") : opt) + " W32Time", "sc.exe");
  if (cmd == "wusa")
    return prog(p, "wusa C:\\Windows\\Temp\\kb.msu /extract:C:\\Windows\\Temp\\kb", "wusa.exe");
  if (cmd == "rundll32")
    return prog(p, "rundll32 C:\\Windows\\Temp\\msupd.dll,Start", "rundll32.exe");
  if (cmd == "wmic") return prog(p, "wmic process list brief", "wbem\\WMIC.exe");
  if (cmd == "at") return prog(p, "at", "at.exe");
  return prog(p, cmd + sp, cmd + ".exe");
}

/// The command that starts `implant` on `target` by `how`.
TypedCommand lateral(const Org& org, Rng& rng, Lateral how, int target,
                     const std::string& implant) {
  const Host& t = org.hosts[static_cast<std::size_t>(target)];
  const std::string remote = "C:\\Windows\\Temp\\" + implant.substr(implant.rfind('\\') + 1);
  TypedCommand c;
  switch (how) {
    case Lateral::kAt:
      c = prog(Phase::kSpread,
               fmt::format("at \\\\{} {:02}:{:02} {}", t.name, rng.between(0, 23),
                           rng.between(0, 59), remote),
               "at.exe");
      break;
    case Lateral::kSchtasks:
      c = prog(Phase::kSpread,
               fmt::format("schtasks /create /s {} /tn upd /tr {} /sc once /st 23:00 /ru SYSTEM",
                           t.name, remote),
               "schtasks.exe");
      break;
    case Lateral::kWmic:
      c = prog(Phase::kSpread,
               fmt::format("wmic /node:{} process call create \"{}\"", t.name, remote),
               "wbem\\WMIC.exe");
      break;
    case Lateral::kSc:
      c = prog(Phase::kSpread,
               fmt::format("sc \\\\{} create upd binpath= {} start= demand", t.name, remote),
               "sc.exe");
      break;
    case Lateral::kPsExec:
      c = prog(Phase::kSpread, fmt::format("psexec \\\\{} -accepteula -s {}", t.name, remote), "");
      c.image = "C:\\Windows\\Temp\\psexec.exe";
      break;
  }
  c.target = target;
  return c;
}

}  // namespace

void plan_intrusions(Org& org, const StudyTables& tables, std::uint64_t seed, int count) {
  std::vector<int> workstations, web;
  for (int i = 0; i < static_cast<int>(org.hosts.size()); ++i) {
    const auto role = org.hosts[static_cast<std::size_t>(i)].role;
    if (role == HostRole::kWorkstation) workstations.push_back(i);
    if (role == HostRole::kWeb) web.push_back(i);
  }
  std::vector<int> admins;
  for (int i = 0; i < static_cast<int>(org.users.size()); ++i) {
    if (org.users[static_cast<std::size_t>(i)].group == UserGroup::kDomainAdmin)
      admins.push_back(i);
  }
  if (admins.empty()) admins.push_back(0);
  static const char* implants[] = {"mstsc_upd.exe", "svchost32.exe", "GoogleUpdate_x.exe",
                                   "winlogin.exe",  "AdobeARMx.exe", "conhost64.exe"};
  for (int n = 0; n < count; ++n) {
    Rng rng = Rng::derive(seed, "intrusion", static_cast<std::uint64_t>(n));
    // Groups weighted by how much each contributed to the study's tables (A most).
    const std::size_t gi =
        tables.groups.size() >= 3 ? rng.weighted({0.5, 0.3, 0.2}) : rng.below(tables.groups.size());
    const GroupTable& g = tables.groups[gi];
    IntrusionPart e;
    e.id = fmt::format("I{}", n + 1);
    e.intrusion = n;
    e.group = g.name;
    e.ancestry = static_cast<Ancestry>(rng.weighted({0.35, 0.15, 0.2, 0.15, 0.15}));
    if (e.ancestry == Ancestry::kWebShell && web.empty()) e.ancestry = Ancestry::kTempRat;
    if ((e.ancestry == Ancestry::kTempRat || e.ancestry == Ancestry::kGetSystem) &&
        workstations.empty()) {
      e.ancestry = Ancestry::kPsExec;
    }
    switch (e.ancestry) {
      case Ancestry::kTempRat:
      case Ancestry::kGetSystem:
        e.host = rng.pick(workstations);
        e.user = org.hosts[static_cast<std::size_t>(e.host)].owner;
        break;
      case Ancestry::kWebShell:
        e.host = rng.pick(web);
        break;
      default:
        e.host = static_cast<int>(rng.below(org.hosts.size()));
        e.user = rng.pick(admins);
    }
    const std::string victim =
        e.user >= 0 ? org.users[static_cast<std::size_t>(e.user)].name : "Public";
    e.implant = e.ancestry == Ancestry::kWebShell
                    ? "C:\\inetpub\\wwwroot\\aspnet_client\\error.aspx"
                : e.ancestry == Ancestry::kTempRat || e.ancestry == Ancestry::kGetSystem
                    ? "C:\\Users\\" + victim + "\\AppData\\Local\\Temp\\" + implants[rng.below(6)]
                    : std::string("C:\\Windows\\Temp\\") + implants[rng.below(6)];
    const int day = static_cast<int>(rng.below(static_cast<std::uint64_t>(org.days)));
    e.start = org.start + static_cast<std::uint64_t>(day) * kTicksPerDay +
              static_cast<std::uint64_t>(rng.between(1 * 3600, 18 * 3600)) * kTicksPerSecond;
    Ctx x{org, rng, e.host, victim, e.implant};
    std::uint64_t t = e.start + static_cast<std::uint64_t>(rng.between(60, 600)) * kTicksPerSecond;
    // Commands per phase: the study's order (recon, discovery, spread), counts per group.
    static const int lo[3] = {3, 4, 1}, hi[3] = {9, 14, 3};
    for (int ph = 0; ph < 3; ++ph) {
      const auto& rows = g.phases[static_cast<std::size_t>(ph)];
      if (rows.empty()) continue;
      std::vector<double> w;
      for (const auto& r : rows) w.push_back(r.count);
      const int k = static_cast<int>(rng.between(lo[ph], hi[ph]));
      for (int i = 0; i < k; ++i) {
        TypedCommand c = concrete(x, static_cast<Phase>(ph), rows[rng.weighted(w)]);
        t += static_cast<std::uint64_t>(rng.between(8, 150)) * kTicksPerSecond;
        c.at = t;
        e.commands.push_back(std::move(c));
      }
      t += static_cast<std::uint64_t>(rng.between(120, 1200)) * kTicksPerSecond;
    }
    // Spread: groups whose table has a spread phase reach 1-2 other hosts (net use, copy of the
    // implant, then a remote start — `at` the most common as in the study).
    std::vector<IntrusionPart> targets;
    if (!g.phases[2].empty() && org.hosts.size() > 1) {
      const int reach = rng.chance(0.3) ? 2 : 1;
      for (int r = 0; r < reach; ++r) {
        int target = static_cast<int>(rng.below(org.hosts.size()));
        if (target == e.host) target = (target + 1) % static_cast<int>(org.hosts.size());
        if (std::find(e.targets.begin(), e.targets.end(), target) != e.targets.end()) continue;
        const Host& th = org.hosts[static_cast<std::size_t>(target)];
        const Lateral how = static_cast<Lateral>(rng.weighted({98, 10, 24, 4, 10}));
        const std::string& admin = org.users[static_cast<std::size_t>(rng.pick(admins))].name;
        auto use = prog(Phase::kSpread,
                        fmt::format("net use \\\\{}\\IPC$ /user:{}\\{} Summer2026!", th.name,
                                    org.domain, admin),
                        "net.exe");
        t += static_cast<std::uint64_t>(rng.between(20, 90)) * kTicksPerSecond;
        use.at = t;
        use.target = target;
        e.commands.push_back(use);
        auto copy = builtin(Phase::kSpread,
                            fmt::format("copy {} \\\\{}\\c$\\Windows\\Temp\\", e.implant, th.name));
        t += static_cast<std::uint64_t>(rng.between(20, 90)) * kTicksPerSecond;
        copy.at = t;
        copy.target = target;
        e.commands.push_back(copy);
        auto go = lateral(org, rng, how, target, e.implant);
        t += static_cast<std::uint64_t>(rng.between(20, 90)) * kTicksPerSecond;
        go.at = t;
        e.commands.push_back(go);
        e.targets.push_back(target);
        IntrusionPart p;
        p.id = fmt::format("{}.{}", e.id, r + 1);
        p.parent = e.id;
        p.intrusion = n;
        p.host = target;
        p.group = e.group;
        p.via = how;
        p.source_host = e.host;
        for (int u = 0; u < static_cast<int>(org.users.size()); ++u) {
          if (org.users[static_cast<std::size_t>(u)].name == admin) p.user = u;
        }
        p.implant = "C:\\Windows\\Temp\\" + e.implant.substr(e.implant.rfind('\\') + 1);
        if (e.ancestry == Ancestry::kWebShell) p.implant = "C:\\Windows\\Temp\\w3upd.exe";
        p.start = t + static_cast<std::uint64_t>(rng.between(30, 240)) * kTicksPerSecond;
        Ctx tx{org, rng, target, "Public", p.implant};
        std::uint64_t tt = p.start + 20 * kTicksPerSecond;
        const auto& recon = g.phases[0];
        std::vector<double> w;
        for (const auto& row : recon) w.push_back(row.count);
        const int k = static_cast<int>(rng.between(2, 5));
        for (int i = 0; i < k && !recon.empty(); ++i) {
          TypedCommand c = concrete(tx, Phase::kRecon, recon[rng.weighted(w)]);
          tt += static_cast<std::uint64_t>(rng.between(10, 120)) * kTicksPerSecond;
          c.at = tt;
          p.commands.push_back(std::move(c));
        }
        targets.push_back(std::move(p));
      }
    }
    org.parts.push_back(std::move(e));
    for (auto& p : targets) org.parts.push_back(std::move(p));
  }
}

}  // namespace cmdsentry::orgsim
