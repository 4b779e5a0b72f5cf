#include "orgsim/host_sim.h"

#include <algorithm>
#include <array>
#include <deque>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/time.h"
#include "evtx_writer/event_spec.h"
#include "orgsim/log_file.h"

namespace cmdsentry::orgsim {

std::string security_log(const Host& h) { return h.name + "/Security"; }
std::string sysmon_log(const Host& h) { return h.name + "/Microsoft-Windows-Sysmon%4Operational"; }

namespace {

using evtxgen::DataField;
using evtxgen::EventSpec;
using evtxgen::Value;
using evtxgen::ValueType;
using Guid = std::array<std::uint8_t, 16>;

constexpr std::uint64_t kMs = 10'000;
constexpr std::uint64_t kSec = kTicksPerSecond;
constexpr std::uint64_t kMin = 60 * kSec;
constexpr std::uint64_t kHour = 60 * kMin;

const Guid kSecurityGuid = *evtxgen::encode_guid("{54849625-5478-4994-A5BA-3E3B0328C30D}");
const Guid kSysmonGuid = *evtxgen::encode_guid("{5770385F-C22A-43E0-BF4C-06F5698FFBD9}");

const std::string kSys = "C:\\Windows\\System32\\";
const std::string kOffice = "C:\\Program Files\\Microsoft Office\\root\\Office16\\";
const std::string kChrome = "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe";

struct Session {
  std::string user;
  std::string domain;
  std::string sid;
  std::uint64_t logon_id = 0x3e7;
  Guid logon_guid{};
  std::uint32_t terminal = 0;
  std::string integrity = "System";    ///< Sysmon IntegrityLevel
  std::string label = "S-1-16-16384";  ///< 4688 MandatoryLabel
  std::string elevation = "%%1936";    ///< 4688 TokenElevationType
};

struct Proc {
  std::uint32_t pid = 0;
  Guid guid{};
  std::string image;
  std::string cmdline;
  int session = 0;
};

/// What an emitted record belongs to (part -1: ordinary work).
struct Tag {
  int part = -1;
  const char* role = "";
  int command = -1;
};

struct Pending {
  std::uint64_t time = 0;
  std::uint64_t seq = 0;
  int log = 0;
  Tag tag;
  EventSpec spec;
};

std::string base_name(const std::string& path) {
  const auto p = path.find_last_of('\\');
  return p == std::string::npos ? path : path.substr(p + 1);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class HostSim {
 public:
  HostSim(const Org& org, int host, std::uint64_t seed)
      : org_(org),
        h_(org.hosts[static_cast<std::size_t>(host)]),
        host_(host),
        rng_(Rng::derive(seed, "host", static_cast<std::uint64_t>(host))) {
    host_hash_ = static_cast<std::uint32_t>(Rng::derive(seed, h_.name).next());
    Session system;
    system.user = h_.name + "$";
    system.domain = org.domain;
    system.sid = "S-1-5-18";
    sessions_.push_back(system);  // 0: SYSTEM (logged as the machine account by 4688)
    Session local = system;
    local.user = "LOCAL SERVICE";
    local.domain = "NT AUTHORITY";
    local.sid = "S-1-5-19";
    local.logon_id = 0x3e5;
    sessions_.push_back(local);  // 1
    Session network = local;
    network.user = "NETWORK SERVICE";
    network.sid = "S-1-5-20";
    network.logon_id = 0x3e4;
    sessions_.push_back(network);  // 2
    Session pool = network;
    pool.user = "DefaultAppPool";
    pool.domain = "IIS APPPOOL";
    pool.sid = "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415";
    pool.logon_id = 0x1a2b3;
    pool.integrity = "High";
    pool.label = "S-1-16-12288";
    sessions_.push_back(pool);  // 3
  }

  Result<HostResult> run(const std::filesystem::path& out, bool evtx, bool jsonl, int days);

 private:
  // ---- records -------------------------------------------------------------------------
  EventSpec security(std::uint64_t t, std::uint16_t id, std::uint8_t version, std::uint16_t task) {
    EventSpec e;
    e.provider = "Microsoft-Windows-Security-Auditing";
    e.provider_guid = kSecurityGuid;
    e.event_id = id;
    e.version = version;
    e.task = task;
    e.keywords = 0x8020000000000000ULL;
    e.time_created = t;
    e.process_id = lsass_pid_;
    e.thread_id = 700 + static_cast<std::uint32_t>(rng_.below(40)) * 4;
    e.channel = "Security";
    e.computer = h_.fqdn;
    return e;
  }
  void push(std::uint64_t t, int log, Tag tag, EventSpec&& e) {
    pending_.push_back(Pending{t, seq_++, log, tag, std::move(e)});
  }
  static DataField str(const char* name, const std::string& v) {
    return {name, ValueType::kString, Value::string(v)};
  }
  DataField sid(const char* name, const std::string& v) {
    auto it = sid_cache_.find(v);
    if (it == sid_cache_.end()) it = sid_cache_.emplace(v, *evtxgen::encode_sid(v)).first;
    return {name, ValueType::kSid, Value::sid(it->second)};
  }
  static DataField hex64(const char* name, std::uint64_t v) {
    return {name, ValueType::kHexInt64, Value::hex64(v)};
  }
  static DataField u32(const char* name, std::uint32_t v) {
    return {name, ValueType::kUInt32, Value::uint32(v)};
  }
  static DataField guid(const char* name, const Guid& g) {
    return {name, ValueType::kGuid, Value::guid(g)};
  }

  Guid new_guid(std::uint64_t t) {
    Guid g{};
    const std::uint64_t r = rng_.next();
    const std::uint64_t secs = t / kSec;
    for (int i = 0; i < 4; ++i)
      g[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(host_hash_ >> (8 * i));
    g[4] = static_cast<std::uint8_t>(secs);
    g[5] = static_cast<std::uint8_t>(secs >> 8);
    g[6] = static_cast<std::uint8_t>(secs >> 16);
    g[7] = static_cast<std::uint8_t>(0x10 | ((secs >> 24) & 0x0f));
    for (int i = 8; i < 16; ++i)
      g[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(r >> (8 * (i - 8)));
    return g;
  }

  std::uint32_t new_pid() {
    for (;;) {
      const auto pid = static_cast<std::uint32_t>(100 + rng_.below(9000)) * 4;
      if (!persistent_pids_.contains(pid)) return pid;
    }
  }

  const std::string& hashes(const std::string& image) {
    auto it = hash_cache_.find(image);
    if (it != hash_cache_.end()) return it->second;
    Rng r = Rng::derive(0x5eed, lower(image));
    std::string s = "SHA1=";
    auto hex = [&](int n) {
      for (int i = 0; i < n; i += 16)
        s += fmt::format("{:016X}", r.next())
                 .substr(0, static_cast<std::size_t>(std::min(16, n - i)));
    };
    hex(40);
    s += ",MD5=";
    hex(32);
    s += ",SHA256=";
    hex(64);
    s += ",IMPHASH=";
    hex(32);
    return hash_cache_.emplace(image, std::move(s)).first->second;
  }

  /// Process creation: 4688 (+ Sysmon 1) at `t`, 4689 after `life` (0: runs on).
  Proc spawn(std::uint64_t t, const Proc& parent, const std::string& image,
             const std::string& cmdline, int session, Tag tag, std::uint64_t life,
             const std::string& cwd = "") {
    Proc p;
    p.pid = new_pid();
    p.guid = new_guid(t);
    p.image = image;
    p.cmdline = cmdline;
    p.session = session;
    const Session& s = sessions_[static_cast<std::size_t>(session)];
    const Session& ps = sessions_[static_cast<std::size_t>(parent.session)];
    const std::uint64_t t4688 = t + 1 + rng_.below(5 * kMs);
    EventSpec e = security(t4688, 4688, 2, 13312);
    const bool same = parent.session == session;
    e.data = {sid("SubjectUserSid", ps.sid),
              str("SubjectUserName", ps.user),
              str("SubjectDomainName", ps.domain),
              hex64("SubjectLogonId", ps.logon_id),
              hex64("NewProcessId", p.pid),
              str("NewProcessName", image),
              str("TokenElevationType", s.elevation),
              hex64("ProcessId", parent.pid),
              str("CommandLine", cmdline),
              sid("TargetUserSid", same ? "S-1-0-0" : s.sid),
              str("TargetUserName", same ? "-" : s.user),
              str("TargetDomainName", same ? "-" : s.domain),
              hex64("TargetLogonId", same ? 0 : s.logon_id),
              str("ParentProcessName", parent.image),
              sid("MandatoryLabel", s.label)};
    push(t4688, 0, tag, std::move(e));
    if (h_.sysmon) {
      const std::uint64_t ts = t + 1 * kMs + rng_.below(8 * kMs);
      EventSpec m;
      m.provider = "Microsoft-Windows-Sysmon";
      m.provider_guid = kSysmonGuid;
      m.event_id = 1;
      m.version = 5;
      m.level = 4;
      m.task = 1;
      m.keywords = 0x8000000000000000ULL;
      m.time_created = ts;
      m.process_id = sysmon_pid_;
      m.thread_id = sysmon_pid_ + 412;
      m.channel = "Microsoft-Windows-Sysmon/Operational";
      m.computer = h_.fqdn;
      m.user_sid = sid_cache_.contains("S-1-5-18") ? sid_cache_["S-1-5-18"]
                                                   : *evtxgen::encode_sid("S-1-5-18");
      std::string utc;
      append_filetime_iso(utc, t, 3);
      utc[10] = ' ';
      if (!utc.empty() && utc.back() == 'Z') utc.pop_back();
      const bool ms = image.rfind("C:\\Windows\\", 0) == 0 ||
                      image.rfind("C:\\Program Files\\Microsoft", 0) == 0;
      const std::string name = base_name(image);
      const std::string user = s.domain + "\\" + s.user;
      const std::string puser = ps.domain + "\\" + ps.user;
      m.data = {str("RuleName", "-"),
                str("UtcTime", utc),
                guid("ProcessGuid", p.guid),
                u32("ProcessId", p.pid),
                str("Image", image),
                str("FileVersion", ms ? "10.0.19041.1 (WinBuild.160101.0800)" : "-"),
                str("Description", ms ? name : "-"),
                str("Product", ms ? "Microsoft\xC2\xAE Windows\xC2\xAE Operating System" : "-"),
                str("Company", ms ? "Microsoft Corporation" : "-"),
                str("OriginalFileName", ms ? name : "-"),
                str("CommandLine", cmdline),
                str("CurrentDirectory", cwd.empty() ? kSys : cwd),
                str("User", user),
                guid("LogonGuid", s.logon_guid),
                hex64("LogonId", s.logon_id),
                u32("TerminalSessionId", s.terminal),
                str("IntegrityLevel", s.integrity),
                str("Hashes", hashes(image)),
                guid("ParentProcessGuid", parent.guid),
                u32("ParentProcessId", parent.pid),
                str("ParentImage", parent.image),
                str("ParentCommandLine", parent.cmdline),
                str("ParentUser", puser)};
      push(ts, 1, tag, std::move(m));
    }
    if (life != 0) exit(t + life, p, tag);
    return p;
  }

  void exit(std::uint64_t t, const Proc& p, Tag tag, std::uint32_t status = 0) {
    const Session& s = sessions_[static_cast<std::size_t>(p.session)];
    EventSpec e = security(t, 4689, 0, 13313);
    e.data = {sid("SubjectUserSid", s.sid),
              str("SubjectUserName", s.user),
              str("SubjectDomainName", s.domain),
              hex64("SubjectLogonId", s.logon_id),
              {"Status", ValueType::kHexInt32, Value::hex32(status)},
              hex64("ProcessId", p.pid),
              str("ProcessName", p.image)};
    push(t, 0, tag, std::move(e));
  }

  /// 4624 for `user` (logon type 2 interactive, 3 network, 5 service, 10 remote interactive);
  /// returns the new session.
  int logon(std::uint64_t t, int user, std::uint32_t type, const std::string& ip,
            const std::string& from, Tag tag) {
    const User& u = org_.users[static_cast<std::size_t>(user)];
    Session s;
    s.user = u.name;
    s.domain = org_.domain;
    s.sid = u.sid;
    s.logon_id = 0x100000 + rng_.below(0xefffff);
    s.logon_guid = new_guid(t);
    s.terminal = type == 2 || type == 10 ? 1 + static_cast<std::uint32_t>(rng_.below(2)) : 0;
    const bool admin = u.group == UserGroup::kDomainAdmin || u.group == UserGroup::kService;
    s.integrity = admin || type == 3 ? "High" : "Medium";
    s.label = admin || type == 3 ? "S-1-16-12288" : "S-1-16-8192";
    s.elevation = admin || type != 2 ? "%%1936" : "%%1938";
    const Session& sys = sessions_[0];
    const bool local = type == 2 || type == 10 || type == 5;
    EventSpec e = security(t, 4624, 2, 12544);
    e.data = {sid("SubjectUserSid", local ? sys.sid : "S-1-0-0"),
              str("SubjectUserName", local ? sys.user : "-"),
              str("SubjectDomainName", local ? sys.domain : "-"),
              hex64("SubjectLogonId", local ? 0x3e7 : 0),
              sid("TargetUserSid", s.sid),
              str("TargetUserName", s.user),
              str("TargetDomainName", s.domain),
              hex64("TargetLogonId", s.logon_id),
              u32("LogonType", type),
              str("LogonProcessName", type == 3   ? "NtLmSsp "
                                      : type == 5 ? "Advapi  "
                                                  : "User32 "),
              str("AuthenticationPackageName", type == 3 ? "NTLM" : "Negotiate"),
              str("WorkstationName", from),
              guid("LogonGuid", s.logon_guid),
              str("TransmittedServices", "-"),
              str("LmPackageName", type == 3 ? "NTLM V2" : "-"),
              u32("KeyLength", type == 3 ? 128 : 0),
              hex64("ProcessId", local ? lsass_pid_ : 0),
              str("ProcessName", local ? kSys + (type == 5 ? "services.exe" : "svchost.exe") : "-"),
              str("IpAddress", ip),
              str("IpPort", type == 3 ? fmt::format("{}", 49152 + rng_.below(16000)) : "0"),
              str("ImpersonationLevel", "%%1833"),
              str("RestrictedAdminMode", type == 10 ? "%%1843" : "-"),
              str("TargetOutboundUserName", "-"),
              str("TargetOutboundDomainName", "-"),
              str("VirtualAccount", "%%1843"),
              hex64("TargetLinkedLogonId", 0),
              str("ElevatedToken", admin ? "%%1842" : "%%1843")};
    push(t, 0, tag, std::move(e));
    sessions_.push_back(s);
    return static_cast<int>(sessions_.size()) - 1;
  }

  void logoff(std::uint64_t t, int session, std::uint32_t type, Tag tag) {
    const Session& s = sessions_[static_cast<std::size_t>(session)];
    EventSpec e = security(t, 4634, 0, 12545);
    e.data = {sid("TargetUserSid", s.sid), str("TargetUserName", s.user),
              str("TargetDomainName", s.domain), hex64("TargetLogonId", s.logon_id),
              u32("LogonType", type)};
    push(t, 0, tag, std::move(e));
  }

  // ---- ordinary work --------------------------------------------------------------------
  std::uint64_t jitter(std::uint64_t max) { return rng_.below(max); }
  std::uint64_t secs(std::int64_t lo, std::int64_t hi) {
    return static_cast<std::uint64_t>(rng_.between(lo, hi)) * kSec;
  }

  void boot(std::uint64_t t);
  void background(std::uint64_t day0);
  void workstation_day(std::uint64_t day0);
  void server_day(std::uint64_t day0);
  void user_action(std::uint64_t t, const Proc& explorer, int session, UserGroup g,
                   const std::string& user);
  /// A console command `line` typed under `parent` (cmd.exe /c, its conhost, the program).
  void console(std::uint64_t t, const Proc& parent, const std::string& line,
               const std::string& image, const std::string& args, int session, Tag tag,
               bool quiet_cmd = false);
  void intrusion(const IntrusionPart& part, int index);

  const Org& org_;
  const Host& h_;
  int host_;
  Rng rng_;
  std::uint32_t host_hash_ = 0;
  std::deque<Session> sessions_;
  std::vector<Pending> pending_;
  std::uint64_t seq_ = 0;
  std::unordered_map<std::string, std::vector<std::uint8_t>> sid_cache_;
  std::unordered_map<std::string, std::string> hash_cache_;
  std::unordered_set<std::uint32_t> persistent_pids_;
  std::uint32_t lsass_pid_ = 664;
  std::uint32_t sysmon_pid_ = 2944;
  // Long-running processes (started at boot).
  Proc system_, services_, svchost_dcom_, svchost_sched_, wmiprvse_, winlogon_, msmpeng_, agent_,
      w3wp_, sqlagent_, ci_agent_;
};

void HostSim::boot(std::uint64_t t) {
  system_ = Proc{4, new_guid(t), "System", "", 0};
  persistent_pids_.insert(4);
  auto keep = [&](const Proc& parent, const std::string& image, const std::string& cmd,
                  int session = 0) {
    t += 200 * kMs + jitter(900 * kMs);
    Proc p = spawn(t, parent, image, cmd, session, {}, 0);
    persistent_pids_.insert(p.pid);
    return p;
  };
  Proc smss = keep(system_, kSys + "smss.exe", "\\SystemRoot\\System32\\smss.exe");
  Proc wininit = keep(smss, kSys + "wininit.exe", "wininit.exe");
  winlogon_ = keep(smss, kSys + "winlogon.exe", "winlogon.exe");
  services_ = keep(wininit, kSys + "services.exe", kSys + "services.exe");
  Proc lsass = keep(wininit, kSys + "lsass.exe", kSys + "lsass.exe");
  lsass_pid_ = lsass.pid;
  svchost_dcom_ = keep(services_, kSys + "svchost.exe", kSys + "svchost.exe -k DcomLaunch -p");
  svchost_sched_ =
      keep(services_, kSys + "svchost.exe", kSys + "svchost.exe -k netsvcs -p -s Schedule");
  keep(services_, kSys + "spoolsv.exe", kSys + "spoolsv.exe");
  msmpeng_ = keep(
      services_,
      "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2302.7-0\\MsMpEng.exe",
      "\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2302.7-0\\MsMpEng.exe\"");
  if (h_.sysmon)
    sysmon_pid_ = keep(services_, "C:\\Windows\\Sysmon64.exe", "C:\\Windows\\Sysmon64.exe").pid;
  wmiprvse_ = keep(svchost_dcom_, kSys + "wbem\\WmiPrvSE.exe",
                   kSys + "wbem\\wmiprvse.exe -secured -Embedding", 2);
  if (h_.role == HostRole::kWorkstation) {
    agent_ = keep(services_, "C:\\Windows\\CCM\\CcmExec.exe", "C:\\Windows\\CCM\\CcmExec.exe");
  } else {
    agent_ =
        keep(services_, "C:\\WindowsAzure\\GuestAgent_2.7.41491.1102\\WindowsAzureGuestAgent.exe",
             "C:\\WindowsAzure\\GuestAgent_2.7.41491.1102\\WindowsAzureGuestAgent.exe");
  }
  if (h_.role == HostRole::kWeb) {
    Proc was = keep(services_, kSys + "svchost.exe", kSys + "svchost.exe -k iissvcs");
    w3wp_ =
        keep(was, kSys + "inetsrv\\w3wp.exe",
             "c:\\windows\\system32\\inetsrv\\w3wp.exe -ap \"DefaultAppPool\" -v \"v4.0\" -l "
             "\"webengine4.dll\" -a \\\\.\\pipe\\iisipm5c1c -h "
             "\"C:\\inetpub\\temp\\apppools\\DefaultAppPool\\DefaultAppPool.config\" -w \"\" -m 0",
             3);
  }
  if (h_.role == HostRole::kSql) {
    keep(services_,
         "C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe",
         "\"C:\\Program Files\\Microsoft SQL "
         "Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe\" -sMSSQLSERVER",
         2);
    sqlagent_ = keep(
        services_,
        "C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\SQLAGENT.EXE",
        "\"C:\\Program Files\\Microsoft SQL "
        "Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\SQLAGENT.EXE\" -i MSSQLSERVER",
        2);
  }
  if (h_.role == HostRole::kApp) {
    ci_agent_ = keep(services_, "C:\\Program Files\\Java\\jdk-17\\bin\\java.exe",
                     "\"C:\\Program Files\\Java\\jdk-17\\bin\\java.exe\" -jar "
                     "C:\\jenkins\\agent.jar -jnlpUrl http://ci01:8080/computer/" +
                         h_.name + "/jenkins-agent.jnlp");
  }
}

void HostSim::console(std::uint64_t t, const Proc& parent, const std::string& line,
                      const std::string& image, const std::string& args, int session, Tag tag,
                      bool quiet_cmd) {
  const std::string cmdline = quiet_cmd ? line : "C:\\Windows\\system32\\cmd.exe /c " + line;
  const std::uint64_t run =
      image.empty() ? 40 * kMs + jitter(300 * kMs) : 300 * kMs + jitter(4 * kSec);
  Proc cmd = spawn(t, parent, kSys + "cmd.exe", cmdline, session, tag, run + 30 * kMs);
  spawn(t + 2 * kMs, cmd, kSys + "conhost.exe",
        "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1", session, tag,
        run + 60 * kMs);
  if (image.empty()) return;
  Proc p = spawn(t + 20 * kMs, cmd, image, args, session, tag, run);
  if (lower(base_name(image)) == "net.exe" && args.find(" use") == std::string::npos &&
      args.find(" view") == std::string::npos) {
    spawn(t + 30 * kMs, p, kSys + "net1.exe", "C:\\Windows\\system32\\net1" + args.substr(3),
          session, tag, run - 20 * kMs);
  }
  if (lower(base_name(image)) == "query.exe") {
    spawn(t + 30 * kMs, p, kSys + "quser.exe", "\"C:\\Windows\\system32\\quser.exe\"", session, tag,
          run - 20 * kMs);
  }
}

void HostSim::background(std::uint64_t day0) {
  // Scheduled tasks (taskhostw) about hourly, background tasks, the indexer.
  for (std::uint64_t t = day0 + jitter(40 * kMin); t < day0 + kTicksPerDay - kMin;
       t += 30 * kMin + jitter(60 * kMin)) {
    spawn(t, svchost_sched_, kSys + "taskhostw.exe", "taskhostw.exe", 0, {}, secs(2, 40));
    if (rng_.chance(0.5))
      spawn(t + secs(1, 100), svchost_dcom_, kSys + "backgroundTaskHost.exe",
            "\"C:\\Windows\\system32\\backgroundTaskHost.exe\" "
            "-ServerName:BackgroundTaskHost.WebAccountProvider",
            0, {}, secs(1, 20));
    if (rng_.chance(0.4))
      spawn(t + secs(1, 300), services_, kSys + "SearchProtocolHost.exe",
            "\"C:\\Windows\\system32\\SearchProtocolHost.exe\" Global\\UsGthrFltPipeMssGthrPipe1_ "
            "Global\\UsGthrCtrlFltPipeMssGthrPipe1 1 -2147483646 \"Software\\Microsoft\\Windows "
            "Search\" \"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)\" "
            "\"C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc\" \"DownLevelDaemon\"",
            0, {}, secs(5, 120));
  }
  // Updates: Defender signatures, the update orchestrator, Windows Update.
  const std::uint64_t u = day0 + secs(3600, 80000);
  spawn(u, msmpeng_,
        "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2302.7-0\\MpCmdRun.exe",
        "\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2302.7-0\\MpCmdRun.exe\" "
        "SignatureUpdate -ScheduleJob -RestrictPrivileges",
        0, {}, secs(10, 90));
  spawn(u + secs(100, 3000), svchost_sched_, kSys + "MoUsoCoreWorker.exe",
        "C:\\Windows\\System32\\MoUsoCoreWorker.exe -Embedding", 0, {}, secs(30, 600));
  if (rng_.chance(0.5))
    spawn(u + secs(100, 3000), svchost_sched_, kSys + "wuauclt.exe",
          "\"C:\\Windows\\system32\\wuauclt.exe\" /RunHandlerComServer", 0, {}, secs(5, 60));
  // Windows' own network inventory task (gatherNetworkInfo.vbs) now and then.
  if (rng_.chance(0.3)) {
    std::uint64_t t = day0 + secs(3600, 80000);
    Proc task = spawn(t, svchost_sched_, kSys + "taskhostw.exe", "taskhostw.exe NetworkDiagnostics",
                      0, {}, 90 * kSec);
    Proc vbs = spawn(
        t + kSec, task, kSys + "cscript.exe",
        "C:\\Windows\\system32\\cscript.exe -nologo C:\\Windows\\system32\\gatherNetworkInfo.vbs",
        0, {}, 80 * kSec);
    static const char* steps[][2] = {
        {"ipconfig.exe", "ipconfig /all"},    {"netsh.exe", "netsh wlan show interfaces"},
        {"ROUTE.EXE", "route print"},         {"ARP.EXE", "arp -a"},
        {"NETSTAT.EXE", "netstat -nao"},      {"nbtstat.exe", "nbtstat -n"},
        {"net.exe", "net config workstation"}};
    for (const auto& s : steps) {
      t += secs(1, 8);
      Proc p = spawn(t, vbs, kSys + s[0], std::string("\"C:\\Windows\\system32\\") + s[1], 0, {},
                     secs(1, 4));
      if (std::string(s[0]) == "net.exe")
        spawn(t + 10 * kMs, p, kSys + "net1.exe", "C:\\Windows\\system32\\net1 config workstation",
              0, {}, kSec);
    }
  }
  // Management agent: SCCM inventory on workstations, the Azure guest agent on servers.
  for (std::uint64_t t = day0 + jitter(3 * kHour); t < day0 + kTicksPerDay - kMin;
       t += 2 * kHour + jitter(3 * kHour)) {
    if (h_.role == HostRole::kWorkstation) {
      Proc ps = spawn(t, agent_, kSys + "WindowsPowerShell\\v1.0\\powershell.exe",
                      "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -NoLogo "
                      "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "
                      "C:\\Windows\\CCM\\SystemTemp\\inventory.ps1",
                      0, {}, secs(20, 60));
      spawn(t + secs(2, 5), ps, kSys + "ipconfig.exe",
            "\"C:\\Windows\\system32\\ipconfig.exe\" /all", 0, {}, kSec);
      if (rng_.chance(0.3))
        spawn(t + secs(6, 9), ps, kSys + "systeminfo.exe",
              "\"C:\\Windows\\system32\\systeminfo.exe\" /fo csv", 0, {}, secs(3, 8));
    } else {
      console(t, agent_, "ipconfig /all", kSys + "ipconfig.exe", "ipconfig  /all", 0, {});
      spawn(t + secs(2, 5), agent_, kSys + "netsh.exe", "netsh interface ipv4 show config", 0, {},
            kSec);
    }
  }
  // Network logons from other hosts to servers (file shares, group policy), each with its logoff.
  if (h_.role != HostRole::kWorkstation) {
    const int n = h_.role == HostRole::kDomainController || h_.role == HostRole::kFile ? 40 : 10;
    for (int i = 0; i < n; ++i) {
      const int who = static_cast<int>(rng_.below(org_.users.size()));
      const Host& from = org_.hosts[rng_.below(org_.hosts.size())];
      const std::uint64_t t = day0 + secs(7 * 3600, 19 * 3600);
      const int s = logon(t, who, 3, from.ip, from.name, {});
      logoff(t + secs(1, 900), s, 3, {});
    }
  }
}

void HostSim::user_action(std::uint64_t t, const Proc& explorer, int session, UserGroup g,
                          const std::string& user) {
  const std::string home = "C:\\Users\\" + user;
  const auto roll = rng_.below(100);
  if (roll < 30) {  // a browser with its renderers
    Proc c = spawn(t, explorer, kChrome, "\"" + kChrome + "\"", session, {}, secs(60, 3000), home);
    const int n = static_cast<int>(rng_.between(3, 8));
    for (int i = 0; i < n; ++i) {
      spawn(t + secs(1, 50), c, kChrome,
            "\"" + kChrome + "\" --type=renderer --field-trial-handle=1820,i," +
                fmt::format("{}", rng_.next() % 100000000) +
                " --lang=en-US --renderer-client-id=" + fmt::format("{}", 5 + i),
            session, {}, secs(5, 60));
    }
    return;
  }
  if (roll < 55) {  // Office
    static const char* apps[] = {"EXCEL.EXE", "WINWORD.EXE", "POWERPNT.EXE", "ONENOTE.EXE"};
    const std::string app = apps[rng_.below(4)];
    spawn(t, explorer, kOffice + app, "\"" + kOffice + app + "\" /dde", session, {}, secs(60, 3600),
          home + "\\Documents");
    return;
  }
  if (roll < 62) {
    spawn(t, explorer, kSys + "notepad.exe",
          "\"C:\\Windows\\system32\\notepad.exe\" " + home + "\\Documents\\notes.txt", session, {},
          secs(30, 1800));
    return;
  }
  if (roll < 67) {
    spawn(t, explorer, "C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe",
          "\"C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe\" " + home +
              "\\Downloads\\report.pdf",
          session, {}, secs(30, 900));
    return;
  }
  // Group-specific work.
  switch (g) {
    case UserGroup::kDeveloper: {
      const std::string code = home + "\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe";
      Proc vs = spawn(t, explorer, code, "\"" + code + "\"", session, {}, secs(600, 3600),
                      home + "\\src\\app");
      const int n = static_cast<int>(rng_.between(3, 12));
      for (int i = 0; i < n; ++i) {
        spawn(t + secs(5, 500), vs, "C:\\Program Files\\Git\\cmd\\git.exe",
              i % 2 ? "git status --porcelain" : "git rev-parse --abbrev-ref HEAD", session, {},
              secs(1, 3), home + "\\src\\app");
      }
      if (rng_.chance(0.5)) {  // a build script with many children
        Proc sh = spawn(t + secs(30, 400), explorer, kSys + "cmd.exe",
                        "\"C:\\Windows\\system32\\cmd.exe\" /c build.bat", session, {},
                        secs(60, 200), home + "\\src\\app");
        const int k = static_cast<int>(rng_.between(10, 50));
        static const char* steps[][2] = {
            {"C:\\Program Files\\Python311\\python.exe", "python -m pytest -q"},
            {"C:\\Program Files\\Microsoft Visual "
             "Studio\\2022\\Professional\\MSBuild\\Current\\Bin\\MSBuild.exe",
             "msbuild app.sln /m /p:Configuration=Release"},
            {"C:\\Windows\\System32\\where.exe", "where python"},
            {"C:\\Windows\\System32\\findstr.exe", "findstr /i version setup.cfg"},
            {"C:\\Windows\\System32\\whoami.exe", "whoami"},
            {"C:\\Windows\\System32\\HOSTNAME.EXE", "hostname"},
            {"C:\\Program Files\\Git\\cmd\\git.exe", "git describe --tags"}};
        for (int i = 0; i < k; ++i) {
          const auto& s = steps[rng_.below(7)];
          spawn(t + secs(31, 600), sh, s[0], s[1], session, {}, secs(1, 30), home + "\\src\\app");
        }
      }
      return;
    }
    case UserGroup::kHelpDesk: {
      const Host& other = org_.hosts[rng_.below(org_.hosts.size())];
      static const char* tools[][2] = {{"ipconfig.exe", "ipconfig /all"},
                                       {"PING.EXE", "ping "},
                                       {"nslookup.exe", "nslookup "},
                                       {"gpresult.exe", "gpresult /r"},
                                       {"mstsc.exe", "mstsc /v:"}};
      const auto& s = tools[rng_.below(5)];
      std::string args = s[1];
      if (args.back() == ' ' || args.back() == ':') args += other.name;
      if (std::string(s[0]) == "mstsc.exe") {
        spawn(t, explorer, kSys + s[0], args, session, {}, secs(60, 1800));
      } else {
        Proc sh = spawn(t, explorer, kSys + "cmd.exe", "\"C:\\Windows\\system32\\cmd.exe\" ",
                        session, {}, secs(60, 600), home);
        spawn(t + secs(5, 50), sh, kSys + s[0], args, session, {}, secs(1, 10), home);
      }
      return;
    }
    case UserGroup::kDomainAdmin: {
      // Admins run their own tools: AD consoles, PowerShell, the odd net/dsquery.
      const auto r = rng_.below(4);
      if (r == 0) {
        spawn(t, explorer, kSys + "mmc.exe",
              "\"C:\\Windows\\system32\\mmc.exe\" \"C:\\Windows\\system32\\dsa.msc\"", session, {},
              secs(60, 1800));
      } else if (r == 1) {
        spawn(t, explorer, kSys + "WindowsPowerShell\\v1.0\\powershell.exe",
              "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" ", session, {},
              secs(60, 1800), home);
      } else {
        Proc sh = spawn(t, explorer, kSys + "cmd.exe", "\"C:\\Windows\\system32\\cmd.exe\" ",
                        session, {}, secs(120, 900), home);
        const User& someone = org_.users[rng_.below(org_.users.size())];
        static const char* fmts[] = {"net user {} /domain", "repadmin /replsummary", "dcdiag /q",
                                     "gpupdate /force"};
        static const char* images[] = {"net.exe", "repadmin.exe", "dcdiag.exe", "gpupdate.exe"};
        const auto k = rng_.below(4);
        const std::string args =
            k == 0 ? fmt::format("net user {} /domain", someone.name) : fmts[k];
        Proc p = spawn(t + secs(5, 60), sh, kSys + images[k], args, session, {}, secs(1, 20), home);
        if (k == 0)
          spawn(t + secs(61, 62), p, kSys + "net1.exe",
                "C:\\Windows\\system32\\net1 user " + someone.name + " /domain", session, {}, kSec);
      }
      return;
    }
    default:
      if (rng_.chance(0.2)) {  // staff: an occasional harmless command
        Proc sh = spawn(t, explorer, kSys + "cmd.exe", "\"C:\\Windows\\system32\\cmd.exe\" ",
                        session, {}, secs(30, 300), home);
        spawn(t + secs(3, 20), sh, kSys + "ipconfig.exe", "ipconfig /flushdns", session, {}, kSec,
              home);
      } else {
        spawn(t, explorer, kOffice + "OUTLOOK.EXE", "\"" + kOffice + "OUTLOOK.EXE\" /recycle",
              session, {}, secs(10, 60));
      }
  }
}

void HostSim::workstation_day(std::uint64_t day0) {
  const int weekday =
      static_cast<int>((day0 - org_.start) / kTicksPerDay) % 7;  // day 0 is a Monday
  if (weekday >= 5 || h_.owner < 0) return;
  const User& u = org_.users[static_cast<std::size_t>(h_.owner)];
  std::uint64_t t = day0 + secs(7 * 3600 + 1800, 9 * 3600 + 1800);
  const int s = logon(t, h_.owner, 2, "127.0.0.1", h_.name, {});
  Proc userinit = spawn(t + secs(1, 3), winlogon_, kSys + "userinit.exe",
                        "C:\\Windows\\system32\\userinit.exe", s, {}, secs(20, 40));
  Proc explorer = spawn(t + secs(4, 6), userinit, "C:\\Windows\\explorer.exe",
                        "C:\\Windows\\Explorer.EXE", s, {}, 0);
  const std::string home = "C:\\Users\\" + u.name;
  spawn(t + secs(8, 20), explorer, home + "\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe",
        "\"" + home + "\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe\" /background", s, {},
        0);
  Proc teams = spawn(
      t + secs(8, 20), explorer, home + "\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe",
      "\"" + home + "\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe\" --system-initiated",
      s, {}, 0);
  spawn(t + secs(21, 30), teams, home + "\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe",
        "\"" + home + "\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe\" --type=gpu-process",
        s, {}, 0);
  const std::uint64_t end = day0 + secs(16 * 3600 + 1800, 19 * 3600);
  for (std::uint64_t a = t + 10 * kMin; a < end; a += 2 * kMin + jitter(12 * kMin)) {
    user_action(a, explorer, s, u.group, u.name);
  }
  exit(end, explorer, {});
  logoff(end + secs(1, 5), s, 2, {});
}

void HostSim::server_day(std::uint64_t day0) {
  switch (h_.role) {
    case HostRole::kWeb: {
      // ASP.NET compiles a page now and then: w3wp -> csc -> cvtres.
      const int n = static_cast<int>(rng_.below(3));
      for (int i = 0; i < n; ++i) {
        const std::uint64_t t = day0 + secs(8 * 3600, 18 * 3600);
        Proc csc =
            spawn(t, w3wp_, "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe",
                  "\"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe\" /noconfig "
                  "/fullpaths @\"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary "
                  "ASP.NET Files\\root\\a1b2c3\\x.cmdline\"",
                  3, {}, secs(1, 4));
        spawn(t + kSec, csc, "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\cvtres.exe",
              "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\cvtres.exe /NOLOGO /READONLY "
              "/MACHINE:IX86",
              3, {}, kSec);
      }
      break;
    }
    case HostRole::kSql: {
      // Nightly backup job under the SQL agent (a service account).
      const std::uint64_t t = day0 + secs(3600, 3 * 3600);
      console(
          t, sqlagent_, "sqlcmd -E -Q \"BACKUP DATABASE [erp] TO DISK='E:\\Backup\\erp.bak'\"",
          "C:\\Program Files\\Microsoft SQL Server\\Client SDK\\ODBC\\170\\Tools\\Binn\\SQLCMD.EXE",
          "SQLCMD.EXE -E -Q \"BACKUP DATABASE [erp] TO DISK='E:\\Backup\\erp.bak'\"", 2, {});
      break;
    }
    case HostRole::kFile: {
      int svc = -1;
      for (int i = 0; i < static_cast<int>(org_.users.size()); ++i) {
        if (org_.users[static_cast<std::size_t>(i)].group == UserGroup::kService) svc = i;
      }
      if (svc < 0) break;
      const std::uint64_t t = day0 + secs(3600, 3 * 3600);
      const int s = logon(t, svc, 5, "-", "-", {});
      Proc task = spawn(t + kSec, svchost_sched_, kSys + "taskhostw.exe", "taskhostw.exe", s, {},
                        40 * kMin);
      console(
          t + 2 * kSec, task,
          "robocopy D:\\Shares \\\\backup01\\shares /MIR /R:1 /W:1 /NP /LOG:D:\\logs\\robocopy.log",
          kSys + "Robocopy.exe",
          "robocopy  D:\\Shares \\\\backup01\\shares /MIR /R:1 /W:1 /NP "
          "/LOG:D:\\logs\\robocopy.log",
          s, {});
      logoff(t + 41 * kMin, s, 5, {});
      break;
    }
    case HostRole::kApp: {
      // A CI agent runs the same build steps many times a day.
      for (std::uint64_t t = day0 + 8 * kHour + jitter(kHour); t < day0 + 19 * kHour;
           t += 20 * kMin + jitter(60 * kMin)) {
        Proc sh = spawn(t, ci_agent_, kSys + "cmd.exe",
                        "cmd.exe /c call C:\\jenkins\\workspace\\erp\\ci\\build.cmd", 0, {},
                        4 * kMin, "C:\\jenkins\\workspace\\erp");
        static const char* steps[][2] = {
            {"C:\\Program Files\\Git\\cmd\\git.exe",
             "git fetch --tags --force --progress -- origin"},
            {"C:\\Windows\\System32\\whoami.exe", "whoami"},
            {"C:\\Windows\\System32\\HOSTNAME.EXE", "hostname"},
            {"C:\\Windows\\System32\\ipconfig.exe", "ipconfig"},
            {"C:\\Program Files\\dotnet\\dotnet.exe", "dotnet build -c Release"},
            {"C:\\Program Files\\dotnet\\dotnet.exe", "dotnet test --no-build"}};
        for (const auto& s : steps)
          spawn(t + secs(1, 200), sh, s[0], s[1], 0, {}, secs(1, 30),
                "C:\\jenkins\\workspace\\erp");
      }
      break;
    }
    case HostRole::kDomainController: {
      // A domain admin signs in over RDP on some days and runs the admin tools.
      if (!rng_.chance(0.4)) break;
      int adm = -1;
      for (int i = 0; i < static_cast<int>(org_.users.size()); ++i) {
        if (org_.users[static_cast<std::size_t>(i)].group == UserGroup::kDomainAdmin) adm = i;
      }
      if (adm < 0) break;
      const Host& from = org_.hosts.back();
      std::uint64_t t = day0 + secs(9 * 3600, 16 * 3600);
      const int s = logon(t, adm, 10, from.ip, from.name, {});
      Proc ui = spawn(t + kSec, winlogon_, kSys + "userinit.exe",
                      "C:\\Windows\\system32\\userinit.exe", s, {}, 30 * kSec);
      Proc ex = spawn(t + 5 * kSec, ui, "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", s,
                      {}, 40 * kMin);
      for (int i = 0; i < 4; ++i)
        user_action(t + secs(60, 2000), ex, s, UserGroup::kDomainAdmin,
                    org_.users[static_cast<std::size_t>(adm)].name);
      logoff(t + 41 * kMin, s, 10, {});
      break;
    }
    default:
      break;
  }
}

/// Where the attacker's commands come from on this host, and how each is started.
void HostSim::intrusion(const IntrusionPart& part, int index) {
  Tag implant_tag{index, "implant", -1};
  std::uint64_t t = part.start;
  int session = 0;
  Proc origin;  // the process that starts each command's cmd.exe
  enum class Style { kCmdC, kWmiExec, kShell } style = Style::kCmdC;
  Proc shell;
  if (part.parent.empty()) {
    switch (part.ancestry) {
      case Ancestry::kTempRat:
      case Ancestry::kGetSystem: {
        session = logon(t, part.user, 2, "127.0.0.1", h_.name, implant_tag);
        Proc ex = spawn(t + 5 * kSec, winlogon_, "C:\\Windows\\explorer.exe",
                        "C:\\Windows\\Explorer.EXE", session, implant_tag, 0);
        Proc ol = spawn(t + 20 * kSec, ex, kOffice + "OUTLOOK.EXE",
                        "\"" + kOffice + "OUTLOOK.EXE\"", session, implant_tag, 0);
        origin = spawn(t + 50 * kSec, ol, part.implant, "\"" + part.implant + "\" -k 4443", session,
                       implant_tag, 0, part.implant.substr(0, part.implant.rfind('\\')));
        if (part.ancestry == Ancestry::kGetSystem) {
          const std::string pipe = fmt::format("{:06x}", rng_.below(0xffffff));
          spawn(t + 55 * kSec, services_, kSys + "cmd.exe",
                "cmd.exe /c echo " + pipe + " > \\\\.\\pipe\\" + pipe, 0, {index, "getsystem", -1},
                200 * kMs);
          session = 0;  // the RAT now runs its commands as SYSTEM
        }
        break;
      }
      case Ancestry::kWebShell:
        origin = w3wp_;
        session = 3;
        break;
      case Ancestry::kPsExec: {
        session = logon(t, part.user, 3, "10.9.44.17", "KALI", implant_tag);
        Proc svc = spawn(t + 3 * kSec, services_, "C:\\Windows\\PSEXESVC.exe",
                         "C:\\Windows\\PSEXESVC.exe", 0, implant_tag, 0);
        shell = spawn(t + 4 * kSec, svc, kSys + "cmd.exe", "\"cmd.exe\" ", 0, implant_tag, 0);
        style = Style::kShell;
        break;
      }
      case Ancestry::kWmiExec:
        session = logon(t, part.user, 3, "10.9.44.17", "KALI", implant_tag);
        origin = wmiprvse_;
        style = Style::kWmiExec;
        break;
    }
  } else {
    // A target: the attacker's network logon, then the remote start of the copied implant.
    const Host& src = org_.hosts[static_cast<std::size_t>(part.source_host)];
    const int net = logon(t - 30 * kSec, part.user, 3, src.ip, src.name, {index, "logon", -1});
    (void)net;
    Proc starter;
    switch (part.via) {
      case Lateral::kAt:
      case Lateral::kSchtasks:
        starter = svchost_sched_;
        break;
      case Lateral::kWmic:
        starter = wmiprvse_;
        break;
      case Lateral::kSc:
        starter = services_;
        break;
      case Lateral::kPsExec:
        starter = spawn(t - 2 * kSec, services_, "C:\\Windows\\PSEXESVC.exe",
                        "C:\\Windows\\PSEXESVC.exe", 0, implant_tag, 0);
        break;
    }
    origin =
        spawn(t, starter, part.implant, part.implant, 0, implant_tag, 0, "C:\\Windows\\system32");
    session = 0;
  }
  std::uint64_t last = t;
  for (int i = 0; i < static_cast<int>(part.commands.size()); ++i) {
    const TypedCommand& c = part.commands[static_cast<std::size_t>(i)];
    const Tag tag{index, "command", i};
    last = std::max(last, c.at);
    switch (style) {
      case Style::kCmdC:
        console(c.at, origin, c.line, c.image, c.args, session, tag);
        break;
      case Style::kWmiExec:
        console(c.at, origin,
                fmt::format("cmd.exe /Q /c {} 1> \\\\127.0.0.1\\ADMIN$\\__{}.{} 2>&1", c.line,
                            (c.at / kSec) - 11644473600ULL, rng_.below(10000000)),
                c.image, c.args, session, tag, true);
        break;
      case Style::kShell:
        if (!c.image.empty()) {
          Proc p = spawn(c.at, shell, c.image, c.args, 0, tag, 500 * kMs + jitter(3 * kSec));
          if (lower(base_name(c.image)) == "net.exe" && c.args.find(" use") == std::string::npos &&
              c.args.find(" view") == std::string::npos) {
            spawn(c.at + 20 * kMs, p, kSys + "net1.exe",
                  "C:\\Windows\\system32\\net1" + c.args.substr(3), 0, tag, 400 * kMs);
          }
        }
        break;
    }
  }
  if (style == Style::kShell) exit(last + 30 * kSec, shell, implant_tag);
}

Result<HostResult> HostSim::run(const std::filesystem::path& out, bool evtx, bool jsonl, int days) {
  HostResult r;
  std::error_code ec;
  std::filesystem::create_directories(out / h_.name, ec);
  if (ec)
    return fail(ErrorCode::kIo,
                fmt::format("cannot create {}: {}", (out / h_.name).string(), ec.message()));
  LogFile sec(out / security_log(h_), evtx, jsonl);
  std::unique_ptr<LogFile> sys;
  if (h_.sysmon) sys = std::make_unique<LogFile>(out / sysmon_log(h_), evtx, jsonl);
  std::vector<std::pair<int, const IntrusionPart*>> parts;
  for (int i = 0; i < static_cast<int>(org_.parts.size()); ++i) {
    if (org_.parts[static_cast<std::size_t>(i)].host == host_)
      parts.emplace_back(i, &org_.parts[static_cast<std::size_t>(i)]);
  }
  for (int day = 0; day < days; ++day) {
    const std::uint64_t day0 = org_.start + static_cast<std::uint64_t>(day) * kTicksPerDay;
    pending_.clear();
    if (day == 0) boot(day0 + secs(1, 120));
    background(day0 + (day == 0 ? 10 * kMin : 0));
    if (h_.role == HostRole::kWorkstation) {
      workstation_day(day0);
    } else {
      server_day(day0);
    }
    for (const auto& [index, part] : parts) {
      if (part->start >= day0 && part->start < day0 + kTicksPerDay) intrusion(*part, index);
    }
    std::stable_sort(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) {
      return a.time != b.time ? a.time < b.time : a.seq < b.seq;
    });
    for (Pending& p : pending_) {
      LogFile& f = p.log == 0 ? sec : *sys;
      auto id = f.add(p.spec);
      if (!id) return fail(id.error().code, fmt::format("{}: {}", h_.name, id.error().message));
      if (p.tag.part >= 0) {
        r.labels.push_back(
            Label{p.tag.part, p.log, *id, p.spec.event_id, p.time, p.tag.role, p.tag.command});
      }
    }
  }
  for (LogFile* f : {&sec, sys.get()}) {
    if (f == nullptr) continue;
    if (auto ok = f->close(); !ok) return tl::unexpected(ok.error());
    r.records += f->records();
    r.evtx_bytes += f->evtx_bytes();
    r.jsonl_bytes += f->jsonl_bytes();
  }
  for (const std::string& log : {security_log(h_), h_.sysmon ? sysmon_log(h_) : std::string()}) {
    if (log.empty()) continue;
    if (evtx) r.files.push_back(log + ".evtx");
    if (jsonl) r.files.push_back(log + ".jsonl");
  }
  return r;
}

}  // namespace

Result<HostResult> simulate_host(const Org& org, int host, std::uint64_t seed,
                                 const std::filesystem::path& out, bool evtx, bool jsonl,
                                 int days) {
  HostSim sim(org, host, seed);
  return sim.run(out, evtx, jsonl, days);
}

}  // namespace cmdsentry::orgsim
