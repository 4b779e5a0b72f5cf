// Program identity from paths, typed words and OriginalFileName.
#include "cmdline/program.h"

#include <gtest/gtest.h>

namespace cmdsentry::cmdline {
namespace {

TEST(Program, strips_directory_case_and_exe_com) {
  EXPECT_EQ(program_name(R"(C:\Windows\System32\NET1.EXE)").name, "net1");
  EXPECT_EQ(program_name("tree.com").name, "tree");
  EXPECT_EQ(program_name("tree.com").extension, ".com");
  EXPECT_EQ(program_name("chcp").name, "chcp");
  EXPECT_EQ(program_name(R"("C:\Windows\system32\whoami.exe")").name, "whoami");
  EXPECT_EQ(program_name("C:/Windows/System32/ipconfig.exe").name, "ipconfig");
}

TEST(Program, quotes_inside_and_trailing_dots) {
  EXPECT_EQ(program_name(R"(n"e"t.exe)").name, "net");
  EXPECT_EQ(program_name("net.exe.").name, "net");
  EXPECT_EQ(program_name("whoami.exe . ").name, "whoami");
}

TEST(Program, keeps_script_extensions) {
  const ProgramName p = program_name(R"(C:\x\run.bat)");
  EXPECT_EQ(p.name, "run.bat");
  EXPECT_EQ(p.extension, ".bat");
  EXPECT_EQ(p.file, "run.bat");
}

TEST(Program, original_file_name_quirks) {
  EXPECT_EQ(program_from_original_file_name("sysinfo.exe"), "systeminfo");
  EXPECT_EQ(program_from_original_file_name("nltestrk.exe"), "nltest");
  EXPECT_EQ(program_from_original_file_name("drvqry.exe"), "driverquery");
  EXPECT_EQ(program_from_original_file_name("pwsh.dll"), "pwsh");
  EXPECT_EQ(program_from_original_file_name("bsdtar"), "tar");
  EXPECT_EQ(program_from_original_file_name("Cmd.Exe"), "cmd");
  EXPECT_EQ(program_from_original_file_name("Cmd.Exe.MUI"), "cmd");
  EXPECT_EQ(program_from_original_file_name("PowerShell.EXE"), "powershell");
  EXPECT_EQ(program_from_original_file_name(""), "");
}

TEST(Program, builtins) {
  for (const char* b : {"dir", "type", "ver", "set", "time", "echo", "cd", "copy", "del", "call",
                        "start", "for", "if"}) {
    EXPECT_TRUE(is_cmd_builtin(b)) << b;
  }
  EXPECT_FALSE(is_cmd_builtin("net"));
  EXPECT_FALSE(is_cmd_builtin("tree"));
  EXPECT_TRUE(is_powershell("pwsh"));
}

}  // namespace
}  // namespace cmdsentry::cmdline
