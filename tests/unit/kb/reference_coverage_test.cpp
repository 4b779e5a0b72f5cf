// The knowledge base against the team's reference tables of attacker commands
// (../shared/reference/attacker-commands.md sections 1-4: the study's phases, then discovery,
// credential access, execution and lateral movement, ingress and proxy execution, defense
// evasion and impact, tunnelling and staging; skipped when absent). Every executable the
// tables name in their first two columns (Command, Executable(s); code spans, which are
// example command lines, aside) is a program of some entry,
// or listed below with the reason it is not one. And every ATT&CK tactic issue 14 names has
// entries that carry it.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "cmdline/text.h"
#include "kb/knowledge_base.h"
#include "shipped_kb.h"
#include "testing.h"

namespace cmdsentry::kb {
namespace {

using testing_kb::known_program;
using testing_kb::lists_program;
using testing_kb::shipped;

// Names in the tables that are not programs an entry should list, with the reason.
const std::map<std::string, std::string>& not_programs() {
  static const std::map<std::string, std::string> kNot = {
      {"sysinfo", "OriginalFileName of systeminfo.exe (src/cmdline/program.cpp maps it)"},
      {"nltestrk", "OriginalFileName of nltest.exe (mapped)"},
      {"drvqry", "OriginalFileName of driverquery.exe (mapped)"},
      {"psexesvc",
       "PsExec's service on the target: a process tree shape (correlate: "
       "psexec-service), its children are the commands"},
      {"wmiprvse", "WMI provider host, the parent of wmiexec commands (correlate ancestry)"},
      {"wsmprovhost", "WinRM plugin host, the parent of Invoke-Command work (correlate ancestry)"},
  };
  return kNot;
}

std::set<std::string> table_programs(const std::string& text) {
  std::set<std::string> out;
  const std::size_t begin = text.find("## 1. ");
  const std::size_t end = text.find("## 5. ");
  if (begin == std::string::npos || end == std::string::npos) return out;
  std::istringstream in(text.substr(begin, end - begin));
  static const std::regex kExe(R"(([A-Za-z0-9_.-]+)\.(exe|com)\b)");
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("| ")) continue;
    // First two cells only: the later ones hold arguments and sources.
    std::size_t cut = 0;
    for (int bars = 0; cut < line.size() && bars < 3; ++cut) {
      if (line[cut] == '|') ++bars;
    }
    // Code spans are example command lines (`copy ... C:\Users\Public\svc.exe`), not programs.
    static const std::regex kCode("`[^`]*`");
    const std::string cells = std::regex_replace(line.substr(0, cut), kCode, " ");
    for (auto it = std::sregex_iterator(cells.begin(), cells.end(), kExe);
         it != std::sregex_iterator(); ++it) {
      out.insert(cmdline::to_lower((*it)[1].str()));
    }
  }
  return out;
}

TEST(ReferenceCoverage, every_executable_of_the_reference_tables_is_known) {
  const auto ref = testing::shared_reference();
  if (ref.empty()) GTEST_SKIP() << "../shared/reference is absent";
  const std::set<std::string> names = table_programs(testing::slurp(ref / "attacker-commands.md"));
  ASSERT_GT(names.size(), 40u) << "attacker-commands.md tables not found";
  for (const std::string& n : names) {
    const bool excluded = not_programs().count(n) != 0;
    EXPECT_TRUE(known_program(n) || excluded)
        << n << ".exe is in attacker-commands.md but in no knowledge-base entry";
    EXPECT_FALSE(known_program(n) && excluded) << n << " is known now: drop its exclusion";
  }
}

TEST(ReferenceCoverage, every_tactic_of_issue_14_has_entries) {
  std::map<std::string, int> per_tactic;
  for (const Entry& e : shipped().entries()) ++per_tactic[e.tactic];
  for (const char* t : {"discovery", "credential-access", "defense-evasion", "lateral-movement",
                        "persistence", "execution"}) {
    EXPECT_GE(per_tactic[t], 3) << "tactic " << t << " has fewer than 3 entries";
  }
}

}  // namespace
}  // namespace cmdsentry::kb
