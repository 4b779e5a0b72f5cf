// %VAR% expansion: defaults, unknown names, substrings, replacements, set variables, caps.
#include "cmdline/env.h"

#include <gtest/gtest.h>

#include "core/limits.h"

namespace cmdsentry::cmdline {
namespace {

std::string expand(std::string_view s, ExpandStats* st = nullptr) {
  return expand_variables(s, Environment{}, '%', st);
}

TEST(Env, expands_default_variables_case_insensitively) {
  EXPECT_EQ(expand("%ComSpec% /c x"), R"(C:\Windows\system32\cmd.exe /c x)");
  EXPECT_EQ(expand(R"(%SystemRoot%\system32\net.exe)"), R"(C:\Windows\system32\net.exe)");
  EXPECT_EQ(expand("%windir%%public%"), R"(C:\WindowsC:\Users\Public)");
}

TEST(Env, unknown_names_stay_as_written) {
  EXPECT_EQ(expand("%nope% and %random%"), "%nope% and %random%");
  EXPECT_EQ(expand("100%"), "100%");
  EXPECT_EQ(expand("%%windir%%"), R"(%C:\Windows%)");
}

TEST(Env, substrings) {
  ExpandStats st;
  // C:\Windows\system32\cmd.exe: index 5 'n', 15 'e', 14 't'.
  EXPECT_EQ(expand("%COMSPEC:~5,1%%COMSPEC:~15,1%%COMSPEC:~14,1%", &st), "net");
  EXPECT_EQ(st.substrings, 3);
  EXPECT_EQ(expand("%COMSPEC:~-7%"), "cmd.exe");
  EXPECT_EQ(expand("%COMSPEC:~-7,3%"), "cmd");
  EXPECT_EQ(expand("%COMSPEC:~0,-7%"), R"(C:\Windows\system32\)");
  EXPECT_EQ(expand("%COMSPEC:~100,5%"), "");
  EXPECT_EQ(expand("%COMSPEC:~x,1%"), "%COMSPEC:~x,1%");  // malformed: left alone
}

TEST(Env, replacements) {
  ExpandStats st;
  EXPECT_EQ(expand("%COMSPEC:system32=SysWOW64%", &st), R"(C:\Windows\SysWOW64\cmd.exe)");
  EXPECT_EQ(st.replacements, 1);
  EXPECT_EQ(expand(R"(%COMSPEC:*\system32\=%)"), "cmd.exe");
  EXPECT_EQ(expand("%OS:_NT=%"), "Windows");
}

TEST(Env, set_variables_and_delayed_delimiter) {
  Environment env;
  ASSERT_TRUE(env.set("x", "net user"));
  EXPECT_EQ(expand_variables("!x! /domain", env, '!'), "net user /domain");
  EXPECT_EQ(expand_variables("%X%", env, '%'), "net user");
  env.unset("x");
  EXPECT_EQ(env.find("x"), nullptr);
}

TEST(Env, caps_set_variables) {
  Environment env;
  for (std::size_t i = 0; i < limits::kMaxSetVariables; ++i) {
    ASSERT_TRUE(env.set("v" + std::to_string(i), "1"));
  }
  EXPECT_FALSE(env.set("one_more", "1"));
  EXPECT_TRUE(env.set("v0", "2"));  // existing names can still change
}

TEST(Env, caps_expanded_size) {
  std::string line;
  for (int i = 0; i < 20000; ++i) line += "%PATH%";
  ExpandStats st;
  const std::string out = expand(line, &st);
  EXPECT_TRUE(st.truncated);
  EXPECT_LE(out.size(), limits::kMaxExpandedBytes);
}

}  // namespace
}  // namespace cmdsentry::cmdline
