// CommandLineToArgvW rules: the first-argument rule, backslashes before quotes, quote runs.
#include "cmdline/argv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/limits.h"

namespace cmdsentry::cmdline {
namespace {

using Args = std::vector<std::string>;

TEST(Argv, splits_on_blanks) {
  EXPECT_EQ(split_argv("net  user\t/domain"), (Args{"net", "user", "/domain"}));
}

TEST(Argv, first_argument_ends_at_next_quote_without_escapes) {
  // Backslashes are literal in argv[0], even before its closing quote.
  EXPECT_EQ(split_argv(R"("C:\Program Files\x\" a)"), (Args{R"(C:\Program Files\x\)", "a"}));
  EXPECT_EQ(split_argv(R"(C:\a\"b c)"), (Args{R"(C:\a\"b)", "c"}));
}

TEST(Argv, text_glued_after_quoted_program_is_next_argument) {
  EXPECT_EQ(split_argv(R"("cmd.exe"/c whoami)"), (Args{"cmd.exe", "/c", "whoami"}));
}

TEST(Argv, backslashes_before_quote) {
  EXPECT_EQ(split_args(R"(a\\"b c" d)"), (Args{R"(a\b c)", "d"}));  // 2n: n, quote toggles
  EXPECT_EQ(split_args(R"(a\"b c)"), (Args{R"(a"b)", "c"}));        // 2n+1: literal quote
  EXPECT_EQ(split_args(R"(a\\\"b)"), (Args{R"(a\"b)"}));
  EXPECT_EQ(split_args(R"(C:\dir\ x)"), (Args{R"(C:\dir\)", "x"}));  // not before a quote
}

TEST(Argv, doubled_quotes) {
  EXPECT_EQ(split_args(R"("a""b")"), (Args{R"(a"b)"}));
  EXPECT_EQ(split_args(R"("""x""")"), (Args{R"("x")"}));
  EXPECT_EQ(split_args(R"("" x)"), (Args{"", "x"}));
  EXPECT_EQ(split_args(R"(n""et user)"), (Args{"net", "user"}));
}

TEST(Argv, quotes_join_words_and_unterminated_quote_runs_to_end) {
  EXPECT_EQ(split_args(R"("ne"t us"er x)"), (Args{"net", "user x"}));
}

TEST(Argv, empty_and_blank_lines) {
  EXPECT_TRUE(split_args("").empty());
  EXPECT_TRUE(split_args("   \t ").empty());
  EXPECT_EQ(split_argv(""), (Args{""}));
}

TEST(Argv, program_token_and_rest) {
  const ProgramToken t = split_program(R"("C:\Windows\System32\cmd.exe"  /c "net view")");
  EXPECT_EQ(t.program, R"(C:\Windows\System32\cmd.exe)");
  EXPECT_EQ(t.rest, R"(/c "net view")");
}

TEST(Argv, caps_argument_count) {
  std::string line;
  for (std::size_t i = 0; i < limits::kMaxArgsPerCommand + 10; ++i) line += "a ";
  bool cut = false;
  const Args args = split_args(line, &cut);
  EXPECT_TRUE(cut);
  EXPECT_EQ(args.size(), limits::kMaxArgsPerCommand);
}

}  // namespace
}  // namespace cmdsentry::cmdline
