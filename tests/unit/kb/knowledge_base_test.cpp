// The shipped knowledge base: loads cleanly, covers the JPCERT study, matches, overrides.
#include "kb/knowledge_base.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "cmdline/analyzer.h"
#include "testing.h"

namespace cmdsentry::kb {
namespace {

const KnowledgeBase& shipped() {
  static const LoadedKnowledgeBase loaded = load_knowledge_base();
  return loaded.kb;
}

std::string name_of(std::string_view line) {
  const auto a = cmdline::analyze_command_line(line);
  const Entry* e = a.commands.empty() ? nullptr : shipped().match(a.commands.back());
  return e ? e->name : "?";
}

TEST(KnowledgeBase, embedded_rules_load_without_diagnostics) {
  const LoadedKnowledgeBase loaded = load_knowledge_base();
  for (const auto& d : loaded.diagnostics) ADD_FAILURE() << d.describe();
  EXPECT_GE(loaded.kb.entries().size(), 90u);
  EXPECT_GE(embedded_rule_files().size(), 3u);
  for (const Entry& e : loaded.kb.entries()) {
    EXPECT_FALSE(e.sources.empty()) << e.name;
    EXPECT_FALSE(e.techniques.empty()) << e.name;
    EXPECT_FALSE(e.tactic.empty()) << e.name;
  }
}

TEST(KnowledgeBase, every_jpcert_2015_command_with_its_phase) {
  const auto ref = testing::shared_reference();
  if (ref.empty()) GTEST_SKIP() << "../shared/reference is absent";
  std::ifstream in(ref / "jpcert-2015-tables.csv");
  ASSERT_TRUE(in) << "jpcert-2015-tables.csv missing";
  std::string line;
  std::getline(in, line);  // header: scope,phase,rank,command,count,options
  std::set<std::string> seen;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cols.push_back(c);
    ASSERT_GE(cols.size(), 4u) << line;
    const std::string& phase = cols[1];
    const std::string& command = cols[3];
    seen.insert(command);
    const Entry* e = shipped().find(command);
    ASSERT_NE(e, nullptr) << "missing study command: " << command;
    EXPECT_EQ(e->phase, phase) << command;
    EXPECT_TRUE(e->study) << command;
  }
  EXPECT_EQ(seen.size(), 41u);
  std::size_t study = 0;
  for (const Entry& e : shipped().entries()) study += e.study;
  EXPECT_EQ(study, 41u);
}

TEST(KnowledgeBase, canonical_names) {
  EXPECT_EQ(name_of("tasklist /v"), "tasklist");
  EXPECT_EQ(name_of("net1 view /domain"), "net view");
  EXPECT_EQ(name_of("net time \\\\dc01"), "net time");
  EXPECT_EQ(name_of("quser /server:ts01"), "query");
  EXPECT_EQ(name_of("query user"), "query");
  EXPECT_EQ(name_of("query session"), "qwinsta");
  EXPECT_EQ(name_of("query process *"), "qprocess");
  EXPECT_EQ(name_of("netsh advfirewall firewall add rule name=x dir=in action=allow"),
            "netsh advfirewall");
  EXPECT_EQ(name_of("netsh advfirewall set allprofiles state off"), "netsh advfirewall disable");
  EXPECT_EQ(name_of("cmd /c dir /s /b c:\\users"), "dir");
  EXPECT_EQ(name_of("tree.com /F /A"), "tree");
  EXPECT_EQ(name_of("chcp.com 65001"), "chcp");
  EXPECT_EQ(name_of("reg save HKLM\\SAM c:\\x"), "reg save");
  EXPECT_EQ(name_of("reg query HKLM\\software"), "reg");
  EXPECT_EQ(name_of("rundll32 comsvcs.dll #24 624 c:\\t\\l.dmp full"), "rundll32 comsvcs minidump");
  EXPECT_EQ(name_of("rundll32 shell32.dll,Control_RunDLL x.cpl"), "rundll32");
  EXPECT_EQ(name_of("nltest /domain_trusts /all_trusts"), "nltest /domain_trusts");
  EXPECT_EQ(name_of("nltest /dclist:corp"), "nltest");
  EXPECT_EQ(name_of("netsh int portproxy add v4tov4 listenport=1 connectaddress=2"),
            "netsh interface portproxy");
  EXPECT_EQ(name_of("notepad.exe"), "?");
}

TEST(KnowledgeBase, renamed_copy_matches_by_original_file_name) {
  const auto a = cmdline::analyze({R"(C:\Users\Public\svc.exe)", "svc.exe view", "net.exe"});
  const Entry* e = shipped().match(a.commands[0]);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "net view");
}

// Issue 14: version resources whose OriginalFileName is not the file name must not lose the
// execution; an OriginalFileName nobody knows falls back to the image name.
TEST(KnowledgeBase, original_file_name_quirks_and_unknown_names_never_drop_an_execution) {
  struct Row {
    const char* image;
    const char* line;
    const char* ofn;
    const char* entry;
    bool renamed;
  };
  const Row rows[] = {
      {R"(C:\Windows\System32\gpresult.exe)", "gpresult /z", "gprslt.exe", "gpresult", false},
      {R"(C:\Windows\System32\nbtstat.exe)", "nbtstat -n", "nbtinfo.exe", "nbtstat", false},
      {R"(C:\Tools\PsExec.exe)",
       R"(PsExec.exe -accepteula -s reg save HKLM\security\policy\secrets)", "psexec.c", "psexec",
       false},
      {R"(C:\Tools\PsExec64.exe)", R"(PsExec64.exe \\dc01 cmd)", "psexec.c", "psexec", false},
      {R"(C:\Windows\System32\whoami.exe)", "whoami /all", "-", "whoami", false},
      {R"(C:\Windows\System32\whoami.exe)", "whoami /all", "?", "whoami", false},
      {R"(C:\Windows\System32\whoami.exe)", "whoami /all", "whoami-custom.exe", "whoami", true},
      {R"(C:\Users\Public\svc.exe)", "svc.exe view", "net.exe", "net view", true},
  };
  for (const Row& r : rows) {
    const auto a = cmdline::analyze({r.image, r.line, r.ofn});
    ASSERT_FALSE(a.commands.empty()) << r.line;
    const Entry* e = shipped().match(a.commands[0]);
    ASSERT_NE(e, nullptr) << r.line << " / " << r.ofn;
    EXPECT_EQ(e->name, r.entry) << r.line;
    EXPECT_EQ(a.commands[0].renamed, r.renamed) << r.line << " / " << r.ofn;
  }
}

TEST(KnowledgeBase, match_all_orders_by_specificity) {
  const auto a = cmdline::analyze_command_line("reg save HKLM\\SYSTEM x");
  const auto all = shipped().match_all(a.commands[0]);
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(all[0]->name, "reg save");
  EXPECT_EQ(all.back()->name, "reg");
}

TEST(KnowledgeBase, user_file_overrides_by_name_and_adds) {
  const EmbeddedFile user{"user.yaml", R"(entries:
  - name: ipconfig
    phase: recon
    noise: low
    match: {programs: [ipconfig]}
    sources: [local policy]
  - name: mimikatz
    phase: credential-access
    techniques: [T1003.001]
    match: {programs: [mimikatz, mimi]}
    sources: [local]
)"};
  const LoadedKnowledgeBase loaded = load_knowledge_base_text(std::span(&user, 1));
  EXPECT_TRUE(loaded.ok());
  const Entry* ip = loaded.kb.find("ipconfig");
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(ip->noise, Noise::kLow);
  EXPECT_EQ(ip->sources, (std::vector<std::string>{"local policy"}));
  std::size_t count = 0;
  for (const Entry& e : loaded.kb.entries()) count += e.name == "ipconfig";
  EXPECT_EQ(count, 1u);
  bool noted = false;
  for (const auto& d : loaded.diagnostics) noted |= d.code == DiagCode::kOverride;
  EXPECT_TRUE(noted);
  const auto a = cmdline::analyze_command_line("mimi.exe sekurlsa::logonpasswords");
  const Entry* m = loaded.kb.match(a.commands[0]);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->tactic, "credential-access");
}

TEST(KnowledgeBase, bad_user_file_keeps_the_defaults) {
  const EmbeddedFile user{"broken.yaml", "entries: [\n"};
  const LoadedKnowledgeBase loaded = load_knowledge_base_text(std::span(&user, 1));
  EXPECT_FALSE(loaded.ok());
  EXPECT_NE(loaded.kb.find("tasklist"), nullptr);
}

TEST(KnowledgeBase, user_file_from_disk) {
  const auto path = std::filesystem::temp_directory_path() / "cmdsentry_kb_user_test.yaml";
  {
    std::ofstream out(path);
    out << "entries:\n  - name: whoami\n    phase: recon\n    noise: high\n"
           "    match: {programs: [whoami]}\n    sources: [me]\n";
  }
  const std::filesystem::path files[] = {path};
  const LoadedKnowledgeBase loaded = load_knowledge_base(files);
  std::filesystem::remove(path);
  ASSERT_NE(loaded.kb.find("whoami"), nullptr);
  EXPECT_EQ(loaded.kb.find("whoami")->noise, Noise::kHigh);
}

}  // namespace
}  // namespace cmdsentry::kb
