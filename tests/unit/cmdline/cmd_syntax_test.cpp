// cmd.exe syntax: switches, /c quote rule, chains, pipes, groups, redirections, carets.
#include "cmdline/cmd_syntax.h"

#include <gtest/gtest.h>

#include "cmdline/cmd_builtins.h"
#include "cmdline/text.h"
#include "core/limits.h"

namespace cmdsentry::cmdline {
namespace {

std::vector<std::string> texts(std::string_view line, ChainStats* st = nullptr) {
  std::vector<std::string> out;
  for (const auto& c : split_chain(line, st)) out.emplace_back(trim(c.text));
  return out;
}

TEST(CmdOptions, switches_before_c) {
  const CmdOptions o = parse_cmd_options("/Q /D /V:ON /c whoami /all");
  EXPECT_TRUE(o.runs_command);
  EXPECT_TRUE(o.quiet);
  EXPECT_TRUE(o.delayed);
  EXPECT_EQ(o.command, "whoami /all");
  EXPECT_TRUE(parse_cmd_options("/k dir").keep);
  EXPECT_EQ(parse_cmd_options("/r ver").command, "ver");
  EXPECT_FALSE(parse_cmd_options("").runs_command);
  EXPECT_FALSE(parse_cmd_options("/q").runs_command);
}

TEST(CmdOptions, glued_and_separators) {
  EXPECT_EQ(parse_cmd_options("/cwhoami").command, "whoami");
  const CmdOptions o = parse_cmd_options(",/c;net user");
  EXPECT_EQ(o.command, "net user");
  EXPECT_EQ(o.separators, 2);
}

TEST(CmdOptions, outer_quote_rule) {
  EXPECT_EQ(parse_cmd_options(R"(/c "net view /domain")").command, "net view /domain");
  EXPECT_EQ(parse_cmd_options(R"(/c ""C:\Program Files\a.bat" x")").command,
            R"("C:\Program Files\a.bat" x)");
  // Exactly one quoted program path with a blank: quotes kept (unless /s).
  EXPECT_EQ(parse_cmd_options(R"(/c "C:\Program Files\a.exe")").command,
            R"("C:\Program Files\a.exe")");
  EXPECT_EQ(parse_cmd_options(R"(/s /c "C:\Program Files\a.exe")").command,
            R"(C:\Program Files\a.exe)");
}

TEST(CmdChain, operators) {
  EXPECT_EQ(texts("ver & ipconfig /all && net view || echo x"),
            (std::vector<std::string>{"ver", "ipconfig /all", "net view", "echo x"}));
  const auto pipe = split_chain("tasklist /v | findstr /i lsass");
  ASSERT_EQ(pipe.size(), 2u);
  EXPECT_TRUE(pipe[0].piped);
  EXPECT_FALSE(pipe[1].piped);
}

TEST(CmdChain, quotes_protect_operators) {
  EXPECT_EQ(texts(R"(echo "a & b" & ver)"), (std::vector<std::string>{R"(echo "a & b")", "ver"}));
}

TEST(CmdChain, carets_escape_and_disappear) {
  ChainStats st;
  EXPECT_EQ(texts("n^e^t u^s^er & echo a^&b", &st),
            (std::vector<std::string>{"net user", "echo a&b"}));
  EXPECT_EQ(st.carets, 5);
  EXPECT_EQ(texts(R"(echo "^")"), (std::vector<std::string>{R"(echo "^")"}));  // literal in quotes
  EXPECT_EQ(texts("whoami^"), (std::vector<std::string>{"whoami"}));
}

TEST(CmdChain, groups_and_inline_parentheses) {
  EXPECT_EQ(texts("(whoami & (hostname)) & ver"),
            (std::vector<std::string>{"whoami", "hostname", "ver"}));
  EXPECT_EQ(texts("for /l %i in (1,1,3) do ping -n 1 10.0.0.%i"),
            (std::vector<std::string>{"for /l %i in (1,1,3) do ping -n 1 10.0.0.%i"}));
}

TEST(CmdChain, redirections) {
  const auto cmds = split_chain(R"(whoami /all 1> \\127.0.0.1\ADMIN$\__1 2>&1 & type a >> "b c")");
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(trim(cmds[0].text), "whoami /all");
  ASSERT_EQ(cmds[0].redirects.size(), 2u);
  EXPECT_EQ(cmds[0].redirects[0].op, "1>");
  EXPECT_EQ(cmds[0].redirects[0].target, R"(\\127.0.0.1\ADMIN$\__1)");
  EXPECT_EQ(cmds[0].redirects[1].op, "2>&1");
  EXPECT_EQ(cmds[1].redirects[0].op, ">>");
  EXPECT_EQ(cmds[1].redirects[0].target, R"("b c")");
}

TEST(CmdChain, line_break_ends_the_line) {
  EXPECT_EQ(texts("whoami\nnet user"), (std::vector<std::string>{"whoami"}));
}

TEST(CmdChain, caps_paren_depth) {
  ChainStats st;
  const std::string deep(static_cast<std::size_t>(limits::kMaxParenDepth) + 20, '(');
  (void)split_chain(deep + "whoami", &st);
  EXPECT_TRUE(st.paren_limit);
}

TEST(CmdChain, caps_command_count) {
  std::string line;
  for (std::size_t i = 0; i < limits::kMaxCommandsPerLine + 50; ++i) line += "ver&";
  ChainStats st;
  EXPECT_EQ(split_chain(line, &st).size(), limits::kMaxCommandsPerLine);
  EXPECT_TRUE(st.count_limit);
}

TEST(CommandWordSplit, ends_at_delimiters) {
  EXPECT_EQ(split_command_word("@net user").word, "net");
  EXPECT_EQ(split_command_word("cmd/c whoami").rest, "/c whoami");
  const CommandWord cw = split_command_word(R"(;"ne"t;user)");
  EXPECT_EQ(cw.word, "net");
  EXPECT_TRUE(cw.odd_quotes);
  EXPECT_EQ(cw.rest, "user");
  EXPECT_EQ(cw.separators, 2);
  EXPECT_FALSE(split_command_word(R"("C:\a b\x.exe" /y)").odd_quotes);
}

TEST(CmdBuiltins, if_for_start_set) {
  EXPECT_EQ(if_body("exist c:\\x.txt type c:\\x.txt"), "type c:\\x.txt");
  EXPECT_EQ(if_body("/i not %a%==b whoami"), "whoami");
  EXPECT_EQ(if_body("a == b whoami"), "whoami");
  EXPECT_EQ(if_body("1 EQU 1 ver"), "ver");
  auto loop = for_loop(R"(/f "tokens=*" %a in ('whoami /groups') do echo %a)");
  ASSERT_TRUE(loop.has_value());
  EXPECT_EQ(loop->set_command, "whoami /groups");
  EXPECT_EQ(loop->body, "echo %a");
  EXPECT_FALSE(for_loop("%a in (x)").has_value());
  EXPECT_EQ(start_target(R"(/b "" net view)"), "net view");
  EXPECT_EQ(start_target(R"("title" /min /d c:\ cmd /c x)"), "cmd /c x");
  auto s = parse_set(R"("x=net user")");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->name, "x");
  EXPECT_EQ(s->value, "net user");
  EXPECT_FALSE(parse_set("/a x=1+1").has_value());
  EXPECT_FALSE(parse_set("").has_value());
}

}  // namespace
}  // namespace cmdsentry::cmdline
