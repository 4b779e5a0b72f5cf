// Counting rules of scan_inputs(): chain commands paired with their child processes, helpers,
// containers, windows and PID reuse. Inputs are flat Security 4688 JSON lines.
#include <gtest/gtest.h>

#include "testing.h"

#include <string>

#include "kb/knowledge_base.h"
#include "scan/scanner.h"
#include "scan/summary.h"

namespace cmdsentry::scan {
namespace {

std::string esc(const std::string& s) { return testing::json_text(s); }

/// One 4688 record. `at` is "HH:MM:SS.mmm" on 2024-05-01.
std::string ev(const std::string& at, unsigned pid, unsigned ppid, const std::string& image,
               const std::string& line, const std::string& host = "WS01") {
  static unsigned record = 0;
  return "{\"Channel\":\"Security\",\"EventID\":4688,\"Computer\":\"" + host +
         "\",\"TimeCreated\":\"2024-05-01T" + at +
         "Z\",\"EventRecordID\":" + std::to_string(++record) +
         ",\"SubjectUserName\":\"alice\",\"NewProcessId\":\"" + std::to_string(pid) +
         "\",\"ProcessId\":\"" + std::to_string(ppid) + "\",\"NewProcessName\":\"" + esc(image) +
         "\",\"CommandLine\":\"" + esc(line) + "\"}\n";
}

const std::string kCmd = "C:\\Windows\\System32\\cmd.exe";
std::string sys(const std::string& exe) { return "C:\\Windows\\System32\\" + exe; }

ScanResult run(const std::string& jsonl) {
  static const auto kKb = kb::load_knowledge_base();
  return scan_inputs(
      std::vector<BufferInput>{{"t.jsonl", jsonl}}, kKb.kb, {},
      [](const Diagnostic& d) { ADD_FAILURE() << d.where.line << ": " << d.message; });
}

/// "command@pid(via pid)" per finding, for compact expectations.
std::string shape(const ScanResult& r) {
  std::string out;
  for (const Finding& f : r.findings) {
    if (!out.empty()) out += ' ';
    out += std::string(f.command()) + "@" + std::to_string(f.process->pid);
    if (f.via) out += "<" + std::to_string(f.via->pid);
  }
  return out;
}

TEST(Scanner, chain_commands_pair_with_their_children) {
  const auto r = run(ev("10:00:00.000", 100, 9, kCmd, "cmd /c ver & ipconfig /all & net view") +
                     ev("10:00:00.050", 104, 100, sys("ipconfig.exe"), "ipconfig  /all") +
                     ev("10:00:01.000", 108, 100, sys("net.exe"), "net  view"));
  EXPECT_EQ(shape(r), "ver@100 ipconfig@104<100 net view@108<100");
  EXPECT_EQ(r.stats.paired, 2u);
  EXPECT_EQ(r.stats.on_shell, 1u);
  EXPECT_EQ(r.stats.shells, 1u);
}

TEST(Scanner, unlogged_children_are_reported_on_the_shell) {
  const auto r = run(ev("10:00:00.000", 100, 9, kCmd, "cmd /c ipconfig /all & net view"));
  EXPECT_EQ(shape(r), "ipconfig@100 net view@100");
  EXPECT_EQ(r.findings[0].origin, cmdline::Origin::kCmdChain);
  EXPECT_TRUE(r.findings[0].via_cmd);
}

TEST(Scanner, exact_arguments_win_over_order) {
  const auto r = run(ev("10:00:00.000", 100, 9, kCmd, "cmd /c whoami /all & whoami /priv") +
                     ev("10:00:00.500", 104, 100, sys("whoami.exe"), "whoami  /priv"));
  ASSERT_EQ(shape(r), "whoami@100 whoami@104<100");
  EXPECT_EQ(r.findings[0].args, "/all");
  EXPECT_EQ(r.findings[1].args, "/priv");
}

TEST(Scanner, same_program_pairs_when_arguments_differ) {
  // cmd.exe expanded %TEMP% with the real profile; the analysis uses a default table.
  const auto r = run(ev("10:00:00.000", 100, 9, kCmd, "cmd /c certutil -decode %TEMP%\\a b") +
                     ev("10:00:00.100", 104, 100, sys("certutil.exe"),
                        "certutil  -decode C:\\Users\\bob\\AppData\\Local\\Temp\\a b"));
  EXPECT_EQ(shape(r), "certutil decode@104<100");
}

TEST(Scanner, children_outside_the_window_or_of_a_reused_pid_stay_apart) {
  const auto late = run(ev("10:00:00.000", 100, 9, kCmd, "cmd /c whoami") +
                        ev("10:30:00.000", 104, 100, sys("whoami.exe"), "whoami"));
  EXPECT_EQ(shape(late), "whoami@100 whoami@104");
  // PID 100 is reused by a second shell: its child belongs to the second one.
  const auto reused = run(ev("10:00:00.000", 100, 9, kCmd, "cmd /c whoami") +
                          ev("10:01:00.000", 100, 9, kCmd, "cmd /c whoami") +
                          ev("10:01:00.100", 104, 100, sys("whoami.exe"), "whoami"));
  EXPECT_EQ(shape(reused), "whoami@100 whoami@104<100");
  EXPECT_EQ(reused.findings[1].via->time, reused.findings[1].process->time - 1'000'000);
}

TEST(Scanner, other_hosts_do_not_pair) {
  const auto r = run(ev("10:00:00.000", 100, 9, kCmd, "cmd /c whoami", "WS01") +
                     ev("10:00:00.100", 104, 100, sys("whoami.exe"), "whoami", "WS02"));
  EXPECT_EQ(shape(r), "whoami@100 whoami@104");
}

TEST(Scanner, nested_shells_report_once) {
  const auto r = run(ev("10:00:00.000", 100, 9, kCmd, "cmd /c cmd /c whoami /groups") +
                     ev("10:00:00.100", 104, 100, kCmd, "cmd  /c whoami /groups") +
                     ev("10:00:00.200", 108, 104, sys("whoami.exe"), "whoami  /groups"));
  EXPECT_EQ(shape(r), "whoami@108<104");
  // The inner shell not logged: the command stays on the outer record.
  const auto outer = run(ev("10:00:00.000", 100, 9, kCmd, "cmd /c cmd /c whoami /groups"));
  EXPECT_EQ(shape(outer), "whoami@100");
}

// Issue 14: `start` is a cmd builtin, but the program it starts is cmd.exe's own child: the
// child's record carries the command, the shell's line does not count it a second time.
TEST(Scanner, start_from_a_chain_reports_once) {
  const std::string enc =
      "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA";
  const std::string ps = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
  const auto r = run(ev("10:00:00.000", 100, 9, kCmd, "cmd /C start /b powershell -enc " + enc) +
                     ev("10:00:00.100", 104, 100, ps, "powershell  -enc " + enc));
  EXPECT_EQ(shape(r), "powershell -encodedcommand@104<100");
  const auto unlogged =
      run(ev("10:00:00.000", 100, 9, kCmd, "cmd /C start /b powershell -enc " + enc));
  EXPECT_EQ(shape(unlogged), "powershell -encodedcommand@100");
}

// Issue 14: what PsExec runs is analysed on the psexec line; when PSEXESVC's child (on the
// target host, or locally for -s without a host) is logged, the child carries it, once.
TEST(Scanner, psexec_command_pairs_with_the_service_child) {
  const auto child_of_psexesvc = [](std::string line) {
    line.insert(line.size() - 2, R"(,"ParentProcessName":"C:\\Windows\\PSEXESVC.exe")");
    return line;
  };
  const std::string psexec = "C:\\Tools\\PsExec.exe";
  const auto local =
      run(ev("10:00:00.000", 100, 9, psexec, "PsExec.exe -accepteula -s reg save HKLM\\sam s") +
          child_of_psexesvc(ev("10:00:01.000", 204, 200, sys("reg.exe"), "reg  save HKLM\\sam s")));
  EXPECT_EQ(shape(local), "psexec@100 reg@204<100");
  const auto remote = run(
      ev("10:00:00.000", 100, 9, psexec, "psexec \\\\DC01 -s whoami /all", "WS01") +
      child_of_psexesvc(ev("10:00:01.000", 304, 300, sys("whoami.exe"), "whoami /all", "DC01")));
  EXPECT_EQ(shape(remote), "psexec@100 whoami@304<100");
  const auto unlogged = run(ev("10:00:00.000", 100, 9, psexec, "psexec \\\\DC01 -s whoami /all"));
  EXPECT_EQ(shape(unlogged), "psexec@100 whoami@100");
}

// Issue 14: the most specific entry's name and tactic label the finding; the study phase
// stays; an idiom is not counted as the study's command.
TEST(Scanner, labels_come_from_the_most_specific_entry) {
  const auto r =
      run(ev("10:00:00.000", 100, 9, sys("rundll32.exe"),
             "rundll32.exe C:\\windows\\System32\\comsvcs.dll, MiniDump 624 C:\\t\\l.dmp full") +
          ev("10:00:01.000", 104, 9, sys("wevtutil.exe"), "wevtutil cl Security") +
          ev("10:00:02.000", 108, 9, sys("PING.EXE"), "ping -n 2 127.0.0.1"));
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.findings[0].rule(), "rundll32 comsvcs minidump");
  EXPECT_EQ(r.findings[0].tactic(), "credential-access");
  EXPECT_EQ(r.findings[0].phase(), "spread");
  EXPECT_EQ(r.findings[1].rule(), "wevtutil cl");
  EXPECT_EQ(r.findings[1].tactic(), "defense-evasion");
  EXPECT_EQ(r.findings[1].phase(), "discovery");
  EXPECT_EQ(r.findings[2].command(), "ping delay");
  EXPECT_EQ(r.findings[2].tactic(), "defense-evasion");
  EXPECT_FALSE(r.findings[2].study());
}

TEST(Scanner, helpers_are_not_commands) {
  const auto r = run(ev("10:00:00.000", 100, 9, sys("query.exe"), "query user") +
                     ev("10:00:00.050", 104, 100, sys("quser.exe"), "quser") +
                     ev("10:00:01.000", 108, 9, sys("conhost.exe"),
                        "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1") +
                     ev("10:00:02.000", 112, 9, sys("net1.exe"), "net1 user"));
  // net1.exe started by cmd.exe (not by net.exe) is the attacker's own command.
  EXPECT_EQ(shape(r), "query@100 net user@112");
  EXPECT_EQ(r.stats.helpers, 2u);
}

TEST(Scanner, study_name_and_phase_with_the_finer_entry_as_rule) {
  const auto r = run(ev("10:00:00.000", 100, 9, sys("reg.exe"), "reg save HKLM\\SAM s.hiv"));
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.command(), "reg");
  EXPECT_EQ(f.rule(), "reg save");
  EXPECT_EQ(f.phase(), "spread");
  EXPECT_EQ(f.tactic(), "credential-access");
  EXPECT_TRUE(f.study());
  EXPECT_EQ(f.noise(), kb::Noise::kVeryLow);
  EXPECT_EQ(f.techniques().front().substr(0, 5), "T1003");
  EXPECT_NE(std::find(f.techniques().begin(), f.techniques().end(), "T1112"), f.techniques().end());
}

TEST(Scanner, arguments_only_command_line) {
  // CreateProcess(lpApplicationName = cmd.exe, lpCommandLine = "/c whoami").
  const auto r = run(ev("10:00:00.000", 100, 9, kCmd, "/c whoami") +
                     ev("10:00:00.100", 104, 100, sys("whoami.exe"), "whoami"));
  EXPECT_EQ(shape(r), "whoami@104<100");
}

TEST(Scanner, args_drop_the_words_of_the_name) {
  const auto r = run(ev("10:00:00.000", 100, 9, sys("net.exe"), "net  VIEW \\\\fs01 /all") +
                     ev("10:00:01.000", 104, 9, sys("netsh.exe"),
                        "netsh advfirewall firewall show rule name=all"));
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].args, "\\\\fs01 /all");
  EXPECT_EQ(r.findings[1].args, "firewall show rule name=all");
}

TEST(Scanner, threads_do_not_change_the_result) {
  std::string in;
  for (unsigned i = 0; i < 300; ++i) {
    in += ev("10:00:" + std::string(i % 60 < 10 ? "0" : "") + std::to_string(i % 60) + ".000",
             1000 + 8 * i, 9, kCmd, "cmd /c whoami /all & tasklist /v & ver");
  }
  static const auto kKb = kb::load_knowledge_base();
  const std::vector<BufferInput> input{{"t.jsonl", in}};
  const ScanResult one = scan_inputs(input, kKb.kb, {.threads = 1});
  const ScanResult four = scan_inputs(input, kKb.kb, {.threads = 4});
  EXPECT_EQ(shape(one), shape(four));
  EXPECT_EQ(one.findings.size(), 900u);
}

TEST(Summary, ranks_by_count_then_first_seen_and_lists_options) {
  const auto r = run(ev("10:00:00.000", 100, 9, sys("reg.exe"), "reg query HKLM\\x") +
                     ev("10:00:01.000", 104, 9, sys("sc.exe"), "sc \\\\dc01 create x binPath= y") +
                     ev("10:00:02.000", 108, 9, sys("reg.exe"), "reg add HKCU\\x /v a /d b /f") +
                     ev("10:00:03.000", 112, 9, sys("sc.exe"), "sc \\\\dc01 start x") +
                     ev("10:00:04.000", 116, 9, sys("at.exe"), "at \\\\dc01 12:00 x.exe") +
                     ev("10:00:05.000", 120, 9, sys("fsutil.exe"), "fsutil fsinfo drives"));
  const Summary s = summarize(r.findings);
  ASSERT_EQ(s.all.phases.size(), 2u);
  const PhaseTable& spread = s.all.phases[1];
  ASSERT_EQ(spread.phase, "spread");
  ASSERT_EQ(spread.rows.size(), 3u);
  EXPECT_EQ(spread.rows[0].command, "reg");  // 2, seen first
  EXPECT_EQ(spread.rows[1].command, "sc");   // 2
  EXPECT_EQ(spread.rows[2].command, "at");
  EXPECT_EQ(spread.rows[2].rank, 3);
  EXPECT_EQ(spread.rows[0].options, (std::vector<std::string>{"query", "add", "/v"}));
  EXPECT_EQ(spread.rows[1].options, (std::vector<std::string>{"create", "start"}));
  EXPECT_EQ(s.all.phases[0].rows[0].options, (std::vector<std::string>{"fsinfo drives"}));
  ASSERT_EQ(s.hosts.size(), 1u);
  EXPECT_EQ(s.hosts[0].host, "WS01");
}

}  // namespace
}  // namespace cmdsentry::scan
