// Switches, subcommands and targets.
#include "cmdline/switches.h"

#include <gtest/gtest.h>

#include "cmdline/argv.h"
#include "cmdline/text.h"

namespace cmdsentry::cmdline {
namespace {

AnalyzedCommand classify(std::string program, std::string_view args, bool* unusual = nullptr) {
  AnalyzedCommand c;
  c.program = std::move(program);
  c.args = split_args(args);
  const bool u = classify_arguments(c);
  if (unusual) *unusual = u;
  return c;
}

TEST(Switches, dash_characters_are_normalised) {
  bool unusual = false;
  auto c = classify("net",
                    "user \xE2\x80\x93"
                    "domain",
                    &unusual);  // en dash
  EXPECT_TRUE(c.has_flag("/domain"));
  EXPECT_TRUE(unusual);
  for (const char* dash : {"-", "/", "\xE2\x80\x94", "\xE2\x80\x95", "\xE2\x88\x92"}) {
    auto d = classify("whoami", std::string(dash) + "ALL");
    EXPECT_TRUE(d.has_flag("/all")) << dash;
  }
  EXPECT_FALSE(is_unusual_dash("-x"));
}

TEST(Switches, glued_values) {
  auto c = classify("wmic", R"(/node:"dc01","fs02" /user:admin process call create "x")");
  ASSERT_EQ(c.flags.size(), 2u);
  EXPECT_EQ(c.flags[0].name, "/node");
  EXPECT_EQ(c.targets, (std::vector<std::string>{"dc01", "fs02"}));
  EXPECT_EQ(c.subcommands, (std::vector<std::string>{"process", "call", "create", "x"}));
}

TEST(Switches, unc_hosts_are_targets_not_subcommands) {
  auto c = classify("net", R"(use \\FS01\IPC$ /user:corp\admin pw)");
  EXPECT_EQ(c.targets, (std::vector<std::string>{"FS01"}));
  EXPECT_EQ(c.subcommands[0], "use");
  auto s = classify("sc", R"(\\srv create svc binPath= "cmd /c x")");
  EXPECT_EQ(s.subcommands[0], "create");
  EXPECT_EQ(s.targets, (std::vector<std::string>{"srv"}));
  EXPECT_TRUE(classify("cmd", R"(/c copy \\?\GLOBALROOT\x y)").targets.empty());
  EXPECT_TRUE(unc_host(R"(\\.\pipe\x)").empty());
}

TEST(Switches, value_switches_name_hosts) {
  EXPECT_EQ(classify("schtasks", "/create /s dc01 /tn x /tr y").targets,
            (std::vector<std::string>{"dc01"}));
  EXPECT_EQ(classify("tasklist", "/s 10.0.0.5 /v").targets, (std::vector<std::string>{"10.0.0.5"}));
  EXPECT_TRUE(classify("dir", "/s /b").targets.empty());  // /s = subdirectories here
  EXPECT_EQ(classify("qwinsta", "/server:ts01").targets, (std::vector<std::string>{"ts01"}));
  EXPECT_EQ(classify("netsh", "-r fw01 advfirewall show allprofiles").subcommands[0],
            "advfirewall");
  EXPECT_EQ(classify("pwsh", "Invoke-Command -ComputerName web01 {x}").targets,
            (std::vector<std::string>{"web01"}));
  EXPECT_EQ(classify("psexec", R"(\\web01 -s cmd)").targets, (std::vector<std::string>{"web01"}));
}

TEST(Switches, cmd_flags_stop_at_c) {
  auto c = classify("cmd", "/q /c whoami /all");
  ASSERT_EQ(c.flags.size(), 2u);
  EXPECT_EQ(c.flags[1].name, "/c");
  EXPECT_TRUE(c.subcommands.empty());
}

TEST(Switches, subcommands_are_capped) {
  auto c = classify("netsh", "advfirewall firewall add rule name=x dir=in action=allow");
  EXPECT_EQ(c.subcommands.size(), kMaxSubcommands);
}

TEST(Text, glob) {
  EXPECT_TRUE(glob_match("/dom*", "/domain"));
  EXPECT_TRUE(glob_match("*COMSVCS*", "c:\\windows\\comsvcs.dll,"));
  EXPECT_TRUE(glob_match("int?rface", "INTERFACE"));
  EXPECT_FALSE(glob_match("a*b", "acd"));
  EXPECT_TRUE(glob_match("*", ""));
  std::string hostile(10000, 'a');
  EXPECT_FALSE(glob_match("*a*a*a*a*b", hostile));
}

}  // namespace
}  // namespace cmdsentry::cmdline
