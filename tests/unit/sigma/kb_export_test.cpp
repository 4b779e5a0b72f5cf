// The knowledge base exported as Sigma (kb/sigma_export.h) loads in our Sigma engine, rule for
// rule, and each exported rule fires on its entry's positive examples as a process would log
// them (the program as Image, the example as CommandLine). A conformance test across two
// modules: the exporter's output is checked by the reader it must satisfy.
#include "kb/sigma_export.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "core/ascii.h"
#include "sigma_support.h"

namespace cmdsentry::sigma {
namespace {

const kb::SigmaExport& exported() {
  static const kb::LoadedKnowledgeBase kKb = kb::load_knowledge_base();
  static const kb::SigmaExport kOut = kb::export_sigma(kKb.kb, "2026-12-03");
  return kOut;
}

/// The program an example line starts (lower case, no directory, no .exe), or "".
std::string first_program(const std::string& line) {
  std::string tok;
  std::size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  if (i < line.size() && line[i] == '"') {
    const std::size_t q = line.find('"', i + 1);
    tok = line.substr(i + 1, q == std::string::npos ? std::string::npos : q - i - 1);
  } else {
    const std::size_t sp = line.find(' ', i);
    tok = line.substr(i, sp == std::string::npos ? std::string::npos : sp - i);
  }
  const std::size_t slash = tok.find_last_of("\\/");
  if (slash != std::string::npos) tok = tok.substr(slash + 1);
  tok = to_lower(tok);
  if (tok.ends_with(".exe")) tok.resize(tok.size() - 4);
  return tok;
}

}  // namespace

TEST(KbSigmaExport, every_rule_loads_with_a_stable_unique_id) {
  const kb::SigmaExport& out = exported();
  ASSERT_GT(out.rules.size(), 100u);
  std::set<std::string> ids, files;
  for (const auto& r : out.rules) {
    LoadResult loaded = load_text(r.yaml, r.file);
    EXPECT_EQ(loaded.rules.size(), 1u) << r.yaml;
    for (const Diagnostic& d : loaded.diagnostics) ADD_FAILURE() << r.file << ": " << d.message;
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    EXPECT_TRUE(files.insert(r.file).second) << r.file;
  }
  const kb::LoadedKnowledgeBase again = kb::load_knowledge_base();
  EXPECT_EQ(kb::export_sigma(again.kb, "2026-12-03").rules.front().yaml, out.rules.front().yaml);
  for (const std::string& s : out.skipped) EXPECT_NE(s.find("builtin"), std::string::npos) << s;
}

TEST(KbSigmaExport, rules_fire_on_their_entries_positive_examples) {
  static const kb::LoadedKnowledgeBase kKb = kb::load_knowledge_base();
  const kb::SigmaExport& out = exported();
  std::size_t tested = 0, negatives = 0, negatives_fired = 0;
  std::vector<std::string> missed;
  for (const auto& r : out.rules) {
    const kb::Entry* e = kKb.kb.find(r.entry);
    ASSERT_NE(e, nullptr) << r.entry;
    std::set<std::string> programs;
    for (const kb::MatchSpec& m : e->match) programs.insert(m.programs.begin(), m.programs.end());
    auto record = [](const std::string& program, const std::string& line) {
      return testkit::MapRecord{{"Image", "C:\\Windows\\System32\\" + program + ".exe"},
                                {"OriginalFileName", program + ".exe"},
                                {"CommandLine", line}};
    };
    for (const std::string& p : e->positive) {
      const std::string program = first_program(p);
      // Examples typed through a shell or a launcher (cmd /c ..., psexec ...) are the
      // analyser's business: Sigma sees the program's own process.
      if (programs.count(program) == 0) continue;
      ++tested;
      if (!testkit::fires(r.yaml, record(program, p))) missed.push_back(r.entry + " | " + p);
    }
    for (const std::string& n : e->negative) {
      const std::string program = first_program(n);
      if (programs.count(program) == 0) continue;
      ++negatives;
      negatives_fired += testkit::fires(r.yaml, record(program, n)) ? 1 : 0;
    }
  }
  std::printf(
      "[kb export] %zu positive examples tested, %zu missed; %zu of %zu negatives fire "
      "(substring matching is looser than the analyser)\n",
      tested, missed.size(), negatives_fired, negatives);
  EXPECT_GT(tested, 150u);
  for (const std::string& m : missed) ADD_FAILURE() << "exported rule misses: " << m;
}

}  // namespace cmdsentry::sigma
