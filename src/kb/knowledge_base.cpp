#include "kb/knowledge_base.h"

#include <algorithm>

#include "cmdline/text.h"

namespace cmdsentry::kb {
namespace {

using cmdline::AnalyzedCommand;
using cmdline::glob_match;

bool any_arg(const AnalyzedCommand& cmd, std::string_view pattern) {
  return std::any_of(cmd.args.begin(), cmd.args.end(),
                     [&](const std::string& a) { return glob_match(pattern, a); });
}

bool any_flag(const AnalyzedCommand& cmd, std::string_view pattern) {
  return std::any_of(cmd.flags.begin(), cmd.flags.end(),
                     [&](const cmdline::Flag& f) { return glob_match(pattern, f.name); });
}

// Argument text for contains_*: lower case, single spaces, switch dashes normalised to '/'.
std::string argument_text(const AnalyzedCommand& cmd) {
  std::string text;
  for (const std::string& a : cmd.args) {
    if (!text.empty()) text += ' ';
    const std::size_t dash = cmdline::dash_prefix(a);
    if (dash > 0) {
      text += '/';
      text += cmdline::to_lower(std::string_view(a).substr(dash));
    } else {
      text += cmdline::to_lower(a);
    }
  }
  return text;
}

bool subcommand_matches(const std::vector<std::string>& words, const AnalyzedCommand& cmd) {
  if (words.size() > cmd.subcommands.size()) return false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (!glob_match(words[i], cmd.subcommands[i])) return false;
  }
  return true;
}

}  // namespace

bool matches(const MatchSpec& spec, const AnalyzedCommand& cmd) {
  if (!spec.subcommands.empty() &&
      std::none_of(spec.subcommands.begin(), spec.subcommands.end(),
                   [&](const auto& words) { return subcommand_matches(words, cmd); })) {
    return false;
  }
  if (!spec.flags_any.empty() &&
      std::none_of(spec.flags_any.begin(), spec.flags_any.end(),
                   [&](const std::string& p) { return any_flag(cmd, p); })) {
    return false;
  }
  for (const std::string& p : spec.flags_all) {
    if (!any_flag(cmd, p)) return false;
  }
  if (!spec.args_any.empty() &&
      std::none_of(spec.args_any.begin(), spec.args_any.end(),
                   [&](const std::string& p) { return any_arg(cmd, p); })) {
    return false;
  }
  for (const std::string& p : spec.args_all) {
    if (!any_arg(cmd, p)) return false;
  }
  if (spec.contains_any.empty() && spec.contains_all.empty()) return true;
  const std::string text = argument_text(cmd);
  if (!spec.contains_any.empty() &&
      std::none_of(spec.contains_any.begin(), spec.contains_any.end(),
                   [&](const std::string& s) { return text.find(s) != std::string::npos; })) {
    return false;
  }
  return std::all_of(spec.contains_all.begin(), spec.contains_all.end(),
                     [&](const std::string& s) { return text.find(s) != std::string::npos; });
}

KnowledgeBase::KnowledgeBase(std::vector<Entry> entries) {
  for (Entry& e : entries) {
    auto same = std::find_if(entries_.begin(), entries_.end(),
                             [&](const Entry& x) { return x.name == e.name; });
    if (same != entries_.end()) {
      *same = std::move(e);
    } else {
      entries_.push_back(std::move(e));
    }
  }
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    for (const MatchSpec& m : entries_[i].match) {
      for (const std::string& p : m.programs) {
        auto& list = by_program_[p];
        if (list.empty() || list.back() != i) list.push_back(i);
      }
    }
  }
}

std::vector<const Entry*> KnowledgeBase::match_program(const AnalyzedCommand& cmd,
                                                       const std::string& program) const {
  std::vector<std::pair<int, const Entry*>> found;
  auto it = by_program_.find(program);
  if (it == by_program_.end()) return {};
  for (std::size_t index : it->second) {
    const Entry& e = entries_[index];
    int best = -1;
    for (const MatchSpec& m : e.match) {
      const bool program_ok =
          std::find(m.programs.begin(), m.programs.end(), program) != m.programs.end();
      if (program_ok && matches(m, cmd)) best = std::max(best, m.specificity());
    }
    if (best >= 0) found.emplace_back(best, &e);
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<const Entry*> out;
  out.reserve(found.size());
  for (const auto& f : found) out.push_back(f.second);
  return out;
}

std::vector<const Entry*> KnowledgeBase::match_all(const AnalyzedCommand& cmd) const {
  std::vector<const Entry*> out = match_program(cmd, cmd.program);
  // A renamed copy whose OriginalFileName names a program the knowledge base does not know
  // (a third-party build, a version resource we have no row for) is still what its image says.
  if (out.empty() && cmd.renamed && !cmd.image_program.empty()) {
    out = match_program(cmd, cmd.image_program);
  }
  return out;
}

const Entry* KnowledgeBase::match(const AnalyzedCommand& cmd) const {
  auto all = match_all(cmd);
  return all.empty() ? nullptr : all.front();
}

const Entry* KnowledgeBase::find(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (cmdline::iequals(e.name, name)) return &e;
  }
  return nullptr;
}

bool LoadedKnowledgeBase::ok() const {
  return std::none_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) {
    return d.severity == Diagnostic::Severity::kError;
  });
}

namespace {

// Appends a user file's entries, noting each override of an existing name.
void merge_user(ReadResult r, std::vector<Entry>& all, std::vector<Diagnostic>& diags) {
  for (Diagnostic& d : r.diagnostics) diags.push_back(std::move(d));
  for (Entry& e : r.entries) {
    const bool exists =
        std::any_of(all.begin(), all.end(), [&](const Entry& x) { return x.name == e.name; });
    if (exists) {
      diags.push_back({Diagnostic::Severity::kNote, DiagCode::kOverride,
                       "replaces the built-in entry of the same name", e.where, e.name});
    }
    all.push_back(std::move(e));
  }
}

std::vector<Entry> embedded_entries(std::vector<Diagnostic>& diags) {
  std::vector<Entry> all;
  for (const EmbeddedFile& f : embedded_rule_files()) {
    ReadResult r = read_kb(f.text, f.name);
    for (Diagnostic& d : r.diagnostics) diags.push_back(std::move(d));
    for (Entry& e : r.entries) all.push_back(std::move(e));
  }
  return all;
}

}  // namespace

LoadedKnowledgeBase load_knowledge_base(std::span<const std::filesystem::path> user_files) {
  LoadedKnowledgeBase out;
  std::vector<Entry> all = embedded_entries(out.diagnostics);
  for (const auto& path : user_files) merge_user(read_kb_file(path), all, out.diagnostics);
  out.kb = KnowledgeBase(std::move(all));
  return out;
}

LoadedKnowledgeBase load_knowledge_base_text(std::span<const EmbeddedFile> user_texts) {
  LoadedKnowledgeBase out;
  std::vector<Entry> all = embedded_entries(out.diagnostics);
  for (const EmbeddedFile& f : user_texts)
    merge_user(read_kb(f.text, f.name), all, out.diagnostics);
  out.kb = KnowledgeBase(std::move(all));
  return out;
}

}  // namespace cmdsentry::kb
