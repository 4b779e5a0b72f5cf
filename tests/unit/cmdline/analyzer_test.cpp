// analyze(): program identity, chains, nested shells, obfuscation reasons, and every cap.
#include "cmdline/analyzer.h"

#include <gtest/gtest.h>

#include "cmdline/obfuscation.h"
#include "core/limits.h"

namespace cmdsentry::cmdline {
namespace {

std::vector<std::string> programs(const Analysis& a) {
  std::vector<std::string> out;
  for (const auto& c : a.commands) out.push_back(c.program);
  return out;
}

using Names = std::vector<std::string>;

TEST(Analyze, chain_yields_one_command_each_with_builtins) {
  const Analysis a =
      analyze({R"(C:\Windows\System32\cmd.exe)", "cmd.exe /c ver & ipconfig /all & net view", {}});
  EXPECT_EQ(programs(a), (Names{"cmd", "ver", "ipconfig", "net"}));
  EXPECT_TRUE(a.commands[1].cmd_builtin);
  EXPECT_TRUE(a.commands[1].via_cmd);
  EXPECT_FALSE(a.commands[2].cmd_builtin);
  EXPECT_TRUE(a.commands[2].via_cmd);
  EXPECT_EQ(a.commands[2].arg_string, "/all");
  EXPECT_EQ(a.commands[3].parent, 0);
  EXPECT_EQ(a.commands[3].depth, 1);
  EXPECT_EQ(a.obfuscation_score, 0);
}

TEST(Analyze, image_wins_over_argv0_and_ofn_reveals_renamed_copies) {
  Analysis a = analyze({R"(C:\Users\Public\svc.exe)", "svc.exe user /domain", "net.exe"});
  ASSERT_EQ(a.commands.size(), 1u);
  EXPECT_EQ(a.commands[0].program, "net");
  EXPECT_TRUE(a.commands[0].renamed);
  EXPECT_EQ(a.commands[0].image_name, "svc.exe");
  a = analyze({R"(C:\Windows\System32\systeminfo.exe)", "systeminfo", "sysinfo.exe"});
  EXPECT_FALSE(a.commands[0].renamed);
  a = analyze({R"(C:\Windows\System32\net1.exe)", R"(C:\Windows\system32\net1  user)", {}});
  EXPECT_EQ(a.commands[0].program, "net1");
  EXPECT_EQ(a.commands[0].subcommands[0], "user");
}

TEST(Analyze, glued_cmd_switch) {
  EXPECT_EQ(programs(analyze_command_line("cmd/c whoami")), (Names{"cmd", "whoami"}));
  EXPECT_EQ(programs(analyze({"C:\\Windows\\System32\\cmd.exe", "cmd.exe/c hostname", {}})),
            (Names{"cmd", "hostname"}));
}

TEST(Analyze, obfuscated_cmd_lines) {
  Analysis a = analyze_command_line("cmd /c n^e^t u^s^er /dom^ain");
  EXPECT_EQ(a.commands[1].program, "net");
  EXPECT_TRUE(a.commands[1].has_flag("/domain"));
  EXPECT_TRUE(a.has_reason(Obfuscation::kCaret));
  a = analyze_command_line("cmd /c %COMSPEC:~5,1%%COMSPEC:~15,1%%COMSPEC:~14,1% view");
  EXPECT_EQ(a.commands[1].program, "net");
  EXPECT_TRUE(a.has_reason(Obfuscation::kEnvSubstring));
  a = analyze_command_line(R"(cmd /c "w"h"o"a"m"i)");
  EXPECT_EQ(a.commands[1].program, "whoami");
  EXPECT_TRUE(a.has_reason(Obfuscation::kOddQuoting));
  a = analyze_command_line("%COMSPEC% /c whoami");
  EXPECT_EQ(programs(a), (Names{"cmd", "whoami"}));
  EXPECT_TRUE(a.has_reason(Obfuscation::kComspec));
  a = analyze_command_line("cmd /v:on /c \"set x=net user&&!x! /domain\"");
  EXPECT_EQ(programs(a), (Names{"cmd", "set", "net"}));
  EXPECT_TRUE(a.has_reason(Obfuscation::kDelayedExpansion));
  a = analyze_command_line("cmd /c \"set a=ne&&set b=t&&call %a%%b% user\"");
  EXPECT_EQ(a.commands.back().program, "net");
  EXPECT_TRUE(a.has_reason(Obfuscation::kIndirection));
  a = analyze_command_line("cmd,/c;net;user");
  EXPECT_EQ(programs(a), (Names{"cmd", "net"}));
  EXPECT_TRUE(a.has_reason(Obfuscation::kPadding));
  EXPECT_GT(a.obfuscation_score, 0);
}

TEST(Analyze, nested_shells_and_launchers) {
  Analysis a = analyze_command_line(R"(cmd /c "cmd /c "whoami /all"")");
  EXPECT_EQ(programs(a), (Names{"cmd", "cmd", "whoami"}));
  EXPECT_TRUE(a.has_reason(Obfuscation::kNestedShell));
  EXPECT_EQ(a.commands[2].depth, 2);
  a = analyze_command_line(
      R"(wmic /node:dc01 process call create "cmd.exe /c ntdsutil ""ac i ntds"" ifm q q")");
  EXPECT_EQ(programs(a), (Names{"wmic", "cmd", "ntdsutil"}));
  EXPECT_EQ(a.commands[1].origin, Origin::kWmiCreate);
  EXPECT_EQ(a.commands[0].targets, (std::vector<std::string>{"dc01"}));
  a = analyze_command_line(
      "powershell -nop -w hidden -enc "
      "dwBoAG8AYQBtAGkAIAAvAGEAbABsADsAIABuAGUAdAAgAHUAcwBlAHIAIAAvAGQAbwBtAGEAaQBuAA==");
  EXPECT_EQ(programs(a), (Names{"powershell", "whoami", "net"}));
  EXPECT_EQ(a.commands[0].decoded_script, "whoami /all; net user /domain");
  EXPECT_EQ(a.commands[2].origin, Origin::kPowerShell);
  EXPECT_TRUE(a.has_reason(Obfuscation::kEncodedCommand));
  a = analyze_command_line("cmd /c for /f %a in ('whoami') do start /b \"\" net view \\\\fs01");
  EXPECT_EQ(programs(a), (Names{"cmd", "for", "whoami", "start", "net"}));
  EXPECT_EQ(a.commands.back().targets, (std::vector<std::string>{"fs01"}));
}

// PsExec (and PAExec) run their command: options and their values are skipped, the rest is a
// nested command on the host of the host list, not shell nesting for obfuscation.
TEST(Analyze, psexec_runs_its_command_as_a_nested_one) {
  Analysis a = analyze({R"(C:\Tools\PsExec.exe)",
                        R"(PsExec.exe -accepteula -s reg save HKLM\security\policy\secrets s.hiv)",
                        "psexec.c"});
  EXPECT_EQ(programs(a), (Names{"psexec", "reg"}));
  EXPECT_EQ(a.commands[1].origin, Origin::kRemoteExec);
  EXPECT_EQ(a.commands[1].parent, 0);
  EXPECT_EQ(a.commands[1].arg_string, R"(save HKLM\security\policy\secrets s.hiv)");
  a = analyze_command_line(
      R"(psexec \\dc01 -u corp\adm -p "pass word" -w C:\t -i 2 -d cmd /c "ipconfig /all")");
  EXPECT_EQ(programs(a), (Names{"psexec", "cmd", "ipconfig"}));
  EXPECT_EQ(a.commands[1].targets, (std::vector<std::string>{"dc01"}));
  EXPECT_EQ(a.commands[2].targets, (std::vector<std::string>{"dc01"}));
  EXPECT_FALSE(a.has_reason(Obfuscation::kNestedShell));
  // Options only: nothing nested.
  a = analyze_command_line("psexec -accepteula -nobanner");
  EXPECT_EQ(programs(a), (Names{"psexec"}));
}

TEST(Analyze, redirect_to_share_is_a_target) {
  const Analysis a = analyze_command_line(R"(cmd /c type c:\x.txt > \\fs01\s\x.txt)");
  ASSERT_EQ(a.commands.size(), 2u);
  EXPECT_EQ(a.commands[1].targets, (std::vector<std::string>{"fs01"}));
}

TEST(Analyze, garbage_never_crashes) {
  for (const char* s : {"",
                        " ",
                        "\"",
                        "\"\"",
                        "^",
                        "%",
                        "%%%",
                        "!",
                        "(((",
                        ")))",
                        "&&&",
                        "|",
                        "cmd /c",
                        "cmd /c \"",
                        "cmd /c ^",
                        "powershell -enc",
                        "wmic call create",
                        "\xff\xfe\x00",
                        "cmd /c for",
                        "cmd /c if",
                        "cmd /c start"}) {
    const Analysis a = analyze_command_line(std::string_view(s));
    EXPECT_LE(a.obfuscation_score, 100);
  }
}

TEST(Analyze, obfuscation_helpers) {
  EXPECT_TRUE(has_odd_quoting(R"(n""et)"));
  EXPECT_FALSE(has_odd_quoting(R"("C:\a b\x.exe" /y)"));
  EXPECT_TRUE(has_blank_padding("net        user"));
  EXPECT_FALSE(has_blank_padding("cmd.exe  /c x"));
  EXPECT_TRUE(is_mixed_case_word("NeT"));
  EXPECT_TRUE(is_mixed_case_word("uSeR"));
  EXPECT_FALSE(is_mixed_case_word("Net"));
  EXPECT_FALSE(is_mixed_case_word("PowerShell"));
  EXPECT_FALSE(is_mixed_case_word("NET"));
}

// ---- caps (core/limits.h) ----

TEST(AnalyzeLimits, command_line_bytes) {
  std::string line = "cmd /c whoami & ";
  line.append(limits::kMaxCommandLineBytes, 'a');
  const Analysis a = analyze_command_line(line);
  EXPECT_TRUE(a.truncated);
  EXPECT_TRUE(a.has_reason(Obfuscation::kLongLine));
  EXPECT_EQ(a.commands[1].program, "whoami");
}

TEST(AnalyzeLimits, shell_depth) {
  std::string line;
  for (int i = 0; i < limits::kMaxShellDepth + 5; ++i) line += "cmd /c ";
  line += "whoami";
  const Analysis a = analyze_command_line(line);
  EXPECT_TRUE(a.truncated);
  EXPECT_LE(a.commands.size(), static_cast<std::size_t>(limits::kMaxShellDepth) + 1);
  for (const auto& c : a.commands) EXPECT_LE(c.depth, limits::kMaxShellDepth);
}

TEST(AnalyzeLimits, commands_per_line) {
  std::string line = "cmd /c ";
  for (std::size_t i = 0; i < limits::kMaxCommandsPerLine * 2; ++i) line += "ver&";
  const Analysis a = analyze_command_line(line);
  EXPECT_TRUE(a.truncated);
  EXPECT_EQ(a.commands.size(), limits::kMaxCommandsPerLine);
}

TEST(AnalyzeLimits, args_per_command) {
  std::string line = "net user";
  for (std::size_t i = 0; i < limits::kMaxArgsPerCommand + 5; ++i) line += " x";
  const Analysis a = analyze_command_line(line);
  EXPECT_TRUE(a.truncated);
  EXPECT_EQ(a.commands[0].args.size(), limits::kMaxArgsPerCommand);
}

TEST(AnalyzeLimits, expansion_output) {
  std::string line = "cmd /c echo ";
  for (int i = 0; i < 10000; ++i) line += "%PATH%";
  const Analysis a = analyze_command_line(line);
  EXPECT_TRUE(a.truncated);
  EXPECT_LE(a.commands[1].arg_string.size(), limits::kMaxExpandedBytes);
}

TEST(AnalyzeLimits, set_variables_note) {
  std::string line = "cmd /c ";
  for (std::size_t i = 0; i <= limits::kMaxSetVariables; ++i) {
    line += "set v" + std::to_string(i) + "=1&";
  }
  const Analysis a = analyze_command_line(line);
  EXPECT_TRUE(a.truncated);
}

TEST(AnalyzeLimits, nested_powershell_depth) {
  // powershell -c powershell -c ... is bounded like cmd nesting.
  std::string line;
  for (int i = 0; i < limits::kMaxShellDepth + 4; ++i) line += "powershell -c ";
  line += "whoami";
  const Analysis a = analyze_command_line(line);
  EXPECT_TRUE(a.truncated);
}

TEST(AnalyzeLimits, long_lines_stay_linear) {
  // 100 KiB of carets, quotes and percents: must finish quickly (no quadratic rescans).
  std::string line = "cmd /c ";
  for (int i = 0; i < 20000; ++i) line += "^\"%a";
  const Analysis a = analyze_command_line(line);
  EXPECT_GE(a.commands.size(), 1u);
}

}  // namespace
}  // namespace cmdsentry::cmdline
