// Table-driven corpus: tests/golden/cmdline/corpus.txt holds command lines with the expected
// analysis. Format (one case per block, blocks separated by blank lines, '#' = comment):
//   line: <command line, verbatim to the end of the line>
//   line-esc: <same, with \xNN \n \t \\ escapes, for control bytes>
//   image: <Image path>            (optional)
//   ofn: <OriginalFileName>        (optional)
//   expect: name:phase | name:phase ...   every analysed command in order: the knowledge-base
//                                  canonical name (or ?program when none matches) and the
//                                  entry's phase (- when none); builtins are checked against
//                                  the entry's `builtin`
//   targets: h1 h2                 remote hosts over all commands, lower case, sorted
//   flags: /a /b                   switch names over all commands, sorted
//   obf: reason reason             obfuscation reasons, sorted
//   truncated: yes                 a cap was hit
// Absent keys mean "none". Setting CMDSENTRY_UPDATE_CORPUS=<file> writes the actual results in
// this format (for reviewing a change, never for blind acceptance).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cmdline/analyzer.h"
#include "cmdline/text.h"
#include "kb/knowledge_base.h"
#include "testing.h"

namespace cmdsentry::kb {
namespace {

struct Case {
  int line_no = 0;
  std::vector<std::string> comments;
  std::string raw_line_key;  // "line" or "line-esc"
  std::string raw_line;
  std::string line, image, ofn;
  std::map<std::string, std::string> expect;
};

std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    if (c == 'n')
      out += '\n';
    else if (c == 't')
      out += '\t';
    else if (c == 'x' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else
      out += c;
  }
  return out;
}

std::vector<Case> read_corpus(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<Case> out;
  Case cur;
  std::vector<std::string> pending_comments;
  bool open = false;
  int n = 0;
  for (std::string l; std::getline(in, l);) {
    ++n;
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (l.empty()) {
      if (open) out.push_back(std::move(cur));
      cur = Case{};
      open = false;
      continue;
    }
    if (l[0] == '#') {
      pending_comments.push_back(l);
      continue;
    }
    const std::size_t colon = l.find(": ");
    const std::string key =
        colon == std::string::npos ? l.substr(0, l.size() - 1) : l.substr(0, colon);
    const std::string value = colon == std::string::npos ? "" : l.substr(colon + 2);
    if (key == "line" || key == "line-esc") {
      if (open) out.push_back(std::move(cur));
      cur = Case{};
      cur.line_no = n;
      cur.comments = std::move(pending_comments);
      pending_comments.clear();
      cur.raw_line_key = key;
      cur.raw_line = value;
      cur.line = key == "line" ? value : unescape(value);
      open = true;
    } else if (key == "image") {
      cur.image = value;
    } else if (key == "ofn") {
      cur.ofn = value;
    } else {
      cur.expect[key] = value;
    }
  }
  if (open) out.push_back(std::move(cur));
  return out;
}

// The actual results of one case, keyed like the file.
std::map<std::string, std::string> actual(const Case& c, const KnowledgeBase& kb,
                                          std::vector<std::string>& problems) {
  const cmdline::Analysis a = cmdline::analyze({c.image, c.line, c.ofn});
  std::map<std::string, std::string> out;
  std::string expect;
  std::set<std::string> targets, flags, reasons;
  for (const auto& cmd : a.commands) {
    const Entry* e = kb.match(cmd);
    if (!expect.empty()) expect += " | ";
    expect += e ? e->name + ":" + e->phase : "?" + cmd.program + ":-";
    if (e && e->builtin != cmd.cmd_builtin) {
      problems.push_back("builtin mismatch for " + cmd.program);
    }
    for (const auto& t : cmd.targets) targets.insert(cmdline::to_lower(t));
    for (const auto& f : cmd.flags) flags.insert(f.name);
  }
  for (auto r : a.reasons) reasons.insert(std::string(cmdline::to_string(r)));
  auto join = [](const std::set<std::string>& s) {
    std::string j;
    for (const auto& x : s) j += (j.empty() ? "" : " ") + x;
    return j;
  };
  if (!expect.empty()) out["expect"] = expect;
  if (!targets.empty()) out["targets"] = join(targets);
  if (!flags.empty()) out["flags"] = join(flags);
  if (!reasons.empty()) out["obf"] = join(reasons);
  if (a.truncated) out["truncated"] = "yes";
  return out;
}

std::filesystem::path corpus_path() {
  return testing::source_dir() / "tests" / "golden" / "cmdline" / "corpus.txt";
}

TEST(Corpus, has_at_least_300_cases) { EXPECT_GE(read_corpus(corpus_path()).size(), 300u); }

TEST(Corpus, every_case_matches) {
  const LoadedKnowledgeBase loaded = load_knowledge_base();
  ASSERT_TRUE(loaded.ok());
  const std::vector<Case> cases = read_corpus(corpus_path());
  ASSERT_FALSE(cases.empty());
  std::ofstream update;
  if (const char* p = std::getenv("CMDSENTRY_UPDATE_CORPUS")) update.open(p);
  for (const Case& c : cases) {
    std::vector<std::string> problems;
    const auto got = actual(c, loaded.kb, problems);
    for (const auto& p : problems) ADD_FAILURE() << "corpus.txt:" << c.line_no << ": " << p;
    for (const char* key : {"expect", "targets", "flags", "obf", "truncated"}) {
      const auto e = c.expect.find(key);
      const auto g = got.find(key);
      const std::string want = e == c.expect.end() ? "" : e->second;
      const std::string have = g == got.end() ? "" : g->second;
      EXPECT_EQ(want, have) << "corpus.txt:" << c.line_no << " [" << key << "] line: " << c.line;
    }
    if (update.is_open()) {
      for (const auto& cm : c.comments) update << cm << "\n";
      update << c.raw_line_key << ": " << c.raw_line << "\n";
      if (!c.image.empty()) update << "image: " << c.image << "\n";
      if (!c.ofn.empty()) update << "ofn: " << c.ofn << "\n";
      for (const auto& [k, v] : got) update << k << ": " << v << "\n";
      update << "\n";
    }
  }
}

}  // namespace
}  // namespace cmdsentry::kb
