// Correlation through the engine: ancestry matches, remote-execution shapes, known automation,
// clusters closed by event time, incidents with their reasons, targets and links, and the
// time order of what goes downstream.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "cmdsentry/engine.h"
#include "correlate/correlator.h"
#include "kb/detector.h"
#include "kb/knowledge_base.h"

namespace cmdsentry::correlate {
namespace {

/// A Security 4688 record as a JSON line (the Winlogbeat-flat shape the readers accept).
struct Proc {
  std::string time;  // "10:00:00"
  std::string host = "WS01.corp.example";
  std::string user = "alice";
  std::string domain = "CORP";
  unsigned pid = 0;
  unsigned ppid = 0;
  std::string image;
  std::string command_line;
  std::string parent_image;
  std::string day = "2024-05-01";
};

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '\\' || c == '"') o += '\\';
    o += c;
  }
  return o;
}

std::string line(const Proc& p, unsigned record) {
  return fmt::format(
      R"({{"Channel":"Security","EventID":4688,"Computer":"{}","TimeCreated":"{}T{}.000Z",)"
      R"("EventRecordID":{},"SubjectUserSid":"S-1-5-21-1-2-3-1104","SubjectUserName":"{}",)"
      R"("SubjectDomainName":"{}","SubjectLogonId":"0x5c3a1f","NewProcessId":"0x{:x}",)"
      R"("ProcessId":"0x{:x}","NewProcessName":"{}","CommandLine":"{}","ParentProcessName":"{}"}})",
      p.host, p.day, p.time, record, p.user, p.domain, p.pid, p.ppid, json_escape(p.image),
      json_escape(p.command_line), json_escape(p.parent_image));
}

/// Everything the stage sends downstream, in order.
class Record final : public Sink {
 public:
  void on_finding(const Finding& f) override {
    findings.push_back(f);
    order.push_back("finding " + std::string(f.command()) + " " + f.incident);
  }
  void on_incident(const Incident& i) override {
    incidents.push_back(i);
    order.push_back("incident " + i.id);
  }
  void on_automation(const AutomationLine& a) override { automation.push_back(a); }
  std::vector<Finding> findings;
  std::vector<Incident> incidents;
  std::vector<AutomationLine> automation;
  std::vector<std::string> order;
};

struct Outcome {
  Record out;
  RunReport report;
};

Outcome run(const std::vector<Proc>& procs, const CorrelateOptions& options = {}) {
  static const kb::LoadedKnowledgeBase kb = kb::load_knowledge_base({});
  std::string data;
  unsigned record = 100;
  for (const Proc& p : procs) data += line(p, ++record) + "\n";
  Outcome r;
  EngineOptions eo;
  eo.threads = 1;
  Engine engine(eo);
  kb::KbDetector kbd(kb.kb);
  Correlator correlator({&r.out}, options);
  engine.add_detector(kbd);
  engine.add_detector(correlator);
  engine.add_sink(correlator.sink());
  r.report = engine.run(std::vector<BufferInput>{{"test.jsonl", data}});
  return r;
}

constexpr const char* kSys = "C:\\Windows\\System32\\";
const std::string kCmd = std::string(kSys) + "cmd.exe";

/// cmd.exe /c LINE started by `parent` (pid ppid), and the command's own process.
void typed(std::vector<Proc>& v, const std::string& time, unsigned& pid, unsigned ppid,
           const std::string& parent, const std::string& program, const std::string& args,
           const std::string& host = "WS01.corp.example", const std::string& user = "alice") {
  const unsigned shell = pid += 4;
  v.push_back(
      {time, host, user, "CORP", shell, ppid, kCmd, "cmd.exe /c " + program + " " + args, parent});
  v.push_back({time, host, user, "CORP", pid += 4, shell, std::string(kSys) + program + ".exe",
               program + " " + args, kCmd});
}

bool has_match(const Finding& f, std::string_view rule) {
  for (const Match& m : f.matches) {
    if (m.engine == MatchEngine::kCorrelation && m.rule_id == rule) return true;
  }
  return false;
}

TEST(Correlator, WebShellWhoamiIsAnIncidentWithItsAncestry) {
  std::vector<Proc> v;
  unsigned pid = 0x2000;
  const std::string w3wp = std::string(kSys) + "inetsrv\\w3wp.exe";
  v.push_back({"09:00:00", "WEB01", "DefaultAppPool", "IIS APPPOOL", 0x1500, 0x400, w3wp,
               "w3wp.exe -ap DefaultAppPool", std::string(kSys) + "svchost.exe"});
  typed(v, "10:00:00", pid, 0x1500, w3wp, "whoami", "", "WEB01", "DefaultAppPool");
  const Outcome r = run(v);
  ASSERT_EQ(r.out.incidents.size(), 1U);
  const Incident& inc = r.out.incidents[0];
  EXPECT_EQ(inc.host, "WEB01");
  EXPECT_EQ(inc.phases, std::vector<std::string>{"recon"});
  EXPECT_GE(inc.score, 5);
  bool web = false;
  for (const std::string& why : inc.reasons)
    web = web || why.find("web or database server") != std::string::npos;
  EXPECT_TRUE(web);
  ASSERT_EQ(r.out.findings.size(), 1U);
  EXPECT_EQ(r.out.findings[0].incident, inc.id);
  EXPECT_TRUE(has_match(r.out.findings[0], "ancestry.web-server"));
  EXPECT_EQ(r.out.findings[0].ancestry, "cmd.exe < w3wp.exe < svchost.exe");
  // The incident is written before its finding.
  EXPECT_EQ(r.out.order.front(), "incident " + inc.id);
}

TEST(Correlator, TheSameCommandUnderExplorerIsNotAnIncident) {
  std::vector<Proc> v;
  unsigned pid = 0x2000;
  typed(v, "10:00:00", pid, 0x900, "C:\\Windows\\explorer.exe", "whoami", "");
  const Outcome r = run(v);
  EXPECT_TRUE(r.out.incidents.empty());
  ASSERT_EQ(r.out.findings.size(), 1U);
  EXPECT_TRUE(r.out.findings[0].incident.empty());
  EXPECT_FALSE(has_match(r.out.findings[0], "ancestry.web-server"));
}

TEST(Correlator, WmiexecOutputRedirectionIsAShape) {
  std::vector<Proc> v;
  v.push_back({"10:00:00", "FS01", "admin", "CORP", 0x3000, 0x700, kCmd,
               "cmd.exe /Q /c whoami 1> \\\\127.0.0.1\\ADMIN$\\__1616161616.12 2>&1",
               std::string(kSys) + "wbem\\WmiPrvSE.exe"});
  v.push_back({"10:00:00", "FS01", "admin", "CORP", 0x3004, 0x3000,
               std::string(kSys) + "whoami.exe", "whoami", kCmd});
  const Outcome r = run(v);
  ASSERT_EQ(r.out.findings.size(), 1U);
  EXPECT_TRUE(has_match(r.out.findings[0], "shape.admin-share-output"));
  ASSERT_EQ(r.out.incidents.size(), 1U);
}

TEST(Correlator, KnownAutomationIsCollapsedNotDropped) {
  std::vector<Proc> v;
  const std::string cscript = std::string(kSys) + "cscript.exe";
  v.push_back({"10:00:00", "WS01.corp.example", "SYSTEM", "NT AUTHORITY", 0x4000, 0x600, cscript,
               "cscript.exe -nologo C:\\Windows\\system32\\gatherNetworkInfo.vbs",
               std::string(kSys) + "svchost.exe"});
  for (int i = 0; i < 3; ++i) {
    v.push_back({fmt::format("10:00:0{}", i + 1), "WS01.corp.example", "SYSTEM", "NT AUTHORITY",
                 0x4004u + 4u * static_cast<unsigned>(i), 0x4000,
                 std::string(kSys) + "ipconfig.exe", "ipconfig /all", cscript});
  }
  Outcome r = run(v);
  EXPECT_TRUE(r.out.findings.empty());
  EXPECT_TRUE(r.out.incidents.empty());
  ASSERT_EQ(r.out.automation.size(), 1U);
  EXPECT_EQ(r.out.automation[0].pattern, "gather-network-info");
  EXPECT_EQ(r.out.automation[0].count, 3U);
  EXPECT_EQ(r.out.automation[0].hosts, 1U);
  // Listed one by one on request.
  CorrelateOptions show;
  show.show_automation = true;
  r = run(v, show);
  ASSERT_EQ(r.out.findings.size(), 3U);
  EXPECT_EQ(r.out.findings[0].automation, "gather-network-info");
  // And ordinary activity once the pattern is off.
  CorrelateOptions off;
  off.automation_off = {"gather-network-info"};
  r = run(v, off);
  EXPECT_EQ(r.out.findings.size(), 3U);
  EXPECT_TRUE(r.out.automation.empty());
}

TEST(Correlator, AutomationInAUserWritablePathIsNotTrusted) {
  std::vector<Proc> v;
  unsigned pid = 0x2000;
  const std::string fake = "C:\\Users\\Public\\WindowsAzure\\WaAppAgent.exe";
  typed(v, "10:00:00", pid, 0x900, fake, "whoami", "");
  const Outcome r = run(v);
  EXPECT_TRUE(r.out.automation.empty());
  ASSERT_EQ(r.out.findings.size(), 1U);
  EXPECT_TRUE(has_match(r.out.findings[0], "ancestry.user-writable"));
}

/// A RAT in Temp on WS01 runs the study's phases, then `at \\FS01`; on FS01 the implant starts
/// under the task scheduler and runs its own discovery.
std::vector<Proc> intrusion() {
  std::vector<Proc> v;
  unsigned pid = 0x2000;
  const std::string rat = "C:\\Users\\alice\\AppData\\Local\\Temp\\upd.exe";
  v.push_back({"09:59:00", "WS01.corp.example", "alice", "CORP", 0x1900, 0x900, rat, rat,
               "C:\\Windows\\explorer.exe"});
  typed(v, "10:00:00", pid, 0x1900, rat, "tasklist", "/v");
  typed(v, "10:01:00", pid, 0x1900, rat, "ipconfig", "/all");
  typed(v, "10:02:00", pid, 0x1900, rat, "systeminfo", "");
  typed(v, "10:05:00", pid, 0x1900, rat, "net", "view");
  typed(v, "10:06:00", pid, 0x1900, rat, "net", "use \\\\FS01\\c$");
  typed(v, "10:10:00", pid, 0x1900, rat, "at", "\\\\FS01 10:30 C:\\Windows\\Temp\\upd.exe");
  const std::string implant = "C:\\Windows\\Temp\\upd.exe";
  v.push_back({"10:30:00", "FS01.corp.example", "SYSTEM", "NT AUTHORITY", 0x5000, 0x300, implant,
               implant, std::string(kSys) + "svchost.exe"});
  typed(v, "10:31:00", pid, 0x5000, implant, "whoami", "", "FS01.corp.example", "SYSTEM");
  typed(v, "10:32:00", pid, 0x5000, implant, "net", "user", "FS01.corp.example", "SYSTEM");
  // Someone else's ordinary command much later on WS01: not part of it.
  typed(v, "15:00:00", pid, 0x900, "C:\\Windows\\explorer.exe", "ping", "intranet",
        "WS01.corp.example", "bob");
  return v;
}

TEST(Correlator, PhaseChainSpreadAndLinkedTarget) {
  const Outcome r = run(intrusion());
  ASSERT_EQ(r.out.incidents.size(), 2U);
  const Incident& src =
      r.out.incidents[0].host == "WS01.corp.example" ? r.out.incidents[0] : r.out.incidents[1];
  const Incident& dst = &src == &r.out.incidents[0] ? r.out.incidents[1] : r.out.incidents[0];
  EXPECT_EQ(src.phases, (std::vector<std::string>{"recon", "discovery", "spread"}));
  EXPECT_EQ(src.targets, (std::vector<std::string>{"FS01"}));
  EXPECT_EQ(src.findings.size(), 6U);
  EXPECT_EQ(dst.host, "FS01.corp.example");
  // Linked by the remote execution: the target lists the source.
  EXPECT_EQ(dst.related, std::vector<std::string>{src.id});
  bool reached = false;
  for (const std::string& why : dst.reasons)
    reached = reached || why.find("reached by remote execution from ws01") != std::string::npos;
  EXPECT_TRUE(reached);
  // bob's ping is a finding outside any incident, written last (time order).
  ASSERT_FALSE(r.out.findings.empty());
  EXPECT_EQ(r.out.findings.back().command(), "ping");
  EXPECT_TRUE(r.out.findings.back().incident.empty());
  for (std::size_t i = 1; i < r.out.findings.size(); ++i) {
    EXPECT_LE(r.out.findings[i - 1].time(), r.out.findings[i].time()) << i;
  }
}

TEST(Correlator, AQuietHourSplitsClusters) {
  std::vector<Proc> v;
  unsigned pid = 0x2000;
  const std::string rat = "C:\\Users\\alice\\AppData\\Local\\Temp\\upd.exe";
  typed(v, "10:00:00", pid, 0x1900, rat, "tasklist", "/v");
  typed(v, "12:00:00", pid, 0x1900, rat, "whoami", "");
  const Outcome r = run(v);
  EXPECT_EQ(r.out.incidents.size(), 2U);  // each carries the implant ancestry on its own
  EXPECT_NE(r.out.findings[0].incident, r.out.findings[1].incident);
}

TEST(Correlator, ThresholdIsAnOption) {
  CorrelateOptions strict;
  strict.weights.threshold = 1000;
  const Outcome r = run(intrusion(), strict);
  EXPECT_TRUE(r.out.incidents.empty());
  EXPECT_FALSE(r.out.findings.empty());
  CorrelateOptions only;
  only.incidents_only = true;
  only.weights.threshold = 1000;
  EXPECT_TRUE(run(intrusion(), only).out.findings.empty());
}

TEST(Correlator, ParentCreatedAfterTheChildIsNotItsAncestor) {
  // PID 0x1900 is reused: the process created at 11:00 cannot be the parent of one at 10:00.
  std::vector<Proc> v;
  v.push_back({"11:00:00", "WS01.corp.example", "alice", "CORP", 0x1900, 0x900,
               std::string(kSys) + "inetsrv\\w3wp.exe", "w3wp.exe",
               std::string(kSys) + "svchost.exe"});
  v.push_back({"10:00:00", "WS01.corp.example", "alice", "CORP", 0x2000, 0x1900,
               std::string(kSys) + "whoami.exe", "whoami", ""});
  const Outcome r = run(v);
  ASSERT_EQ(r.out.findings.size(), 1U);
  EXPECT_TRUE(r.out.findings[0].ancestry.empty());
  EXPECT_TRUE(r.out.incidents.empty());
}

TEST(Score, WeightsAddUpAsDocumented) {
  ScoreWeights w;
  ClusterFacts f;
  f.commands.push_back({"tasklist", "recon", kb::Noise::kLow, true, Level::kMedium, 0});
  f.commands.push_back({"net view", "discovery", kb::Noise::kLow, true, Level::kMedium, 0});
  f.commands.push_back({"at", "spread", kb::Noise::kLow, true, Level::kMedium, 0});
  // 1 + 1 + 2 points, chain bonus 3.
  ClusterScore s = score_cluster(f, w);
  EXPECT_EQ(s.score, 7);
  EXPECT_EQ(s.phases, (std::vector<std::string>{"recon", "discovery", "spread"}));
  f.kinds = kKindWebServer | kKindUserWritable;
  f.shapes = {"psexec-service"};
  s = score_cluster(f, w);
  EXPECT_EQ(s.score, 7 + 4 + 4 + 5);
  // Noisy commands count little and make no chain.
  ClusterFacts noisy;
  noisy.commands.push_back({"ipconfig", "recon", kb::Noise::kHigh, true, Level::kLow, 0});
  noisy.commands.push_back({"ping", "discovery", kb::Noise::kHigh, true, Level::kLow, 0});
  noisy.commands.push_back({"net use", "discovery", kb::Noise::kMedium, true, Level::kLow, 0});
  EXPECT_LT(score_cluster(noisy, w).score, w.threshold);
}

TEST(Score, BurstCountsDistinctCommandsInTheWindow) {
  ScoreWeights w;
  ClusterFacts f;
  const char* names[] = {"tasklist", "ver", "ipconfig", "systeminfo", "net time"};
  for (std::size_t i = 0; i < 5; ++i) {
    f.commands.push_back({names[i], "recon", kb::Noise::kHigh, true, Level::kLow, 0});
    f.probes.emplace_back(i * 60ULL * 10'000'000, i);
  }
  ClusterScore s = score_cluster(f, w);
  bool burst = false;
  for (const std::string& why : s.reasons)
    burst = burst || why.find("burst of 5") != std::string::npos;
  EXPECT_TRUE(burst);
  // Spread over an hour: no burst.
  for (std::size_t i = 0; i < 5; ++i) f.probes[i].first = i * 900ULL * 10'000'000;
  s = score_cluster(f, w);
  for (const std::string& why : s.reasons) EXPECT_EQ(why.find("burst"), std::string::npos);
}

}  // namespace
}  // namespace cmdsentry::correlate
