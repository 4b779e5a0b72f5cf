#pragma once
/// The knowledge base: entries indexed by program, matched against analysed commands.
///
/// Built once (default rules embedded in the library, then user files that add entries or
/// replace built-in ones by canonical name), immutable afterwards, safe to share between
/// threads. match() looks only at entries listing the command's program (or, for a renamed
/// copy, the program its OriginalFileName names) and returns the most specific one:
/// `reg save HKLM\SAM` matches both `reg` and `reg save`; `reg save` wins.

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cmdline/command.h"
#include "kb/entry.h"
#include "kb/reader.h"

namespace cmdsentry::kb {

/// One knowledge-base file compiled into the library (rules/*.yaml).
struct EmbeddedFile {
  std::string_view name;  ///< "rules/jpcert-2015-recon.yaml"
  std::string_view text;
};

/// The default rule files, embedded at build time.
[[nodiscard]] std::span<const EmbeddedFile> embedded_rule_files();

/// Entries indexed for matching.
class KnowledgeBase {
 public:
  KnowledgeBase() = default;
  /// Builds from entries; a later entry with an earlier entry's name replaces it in place.
  explicit KnowledgeBase(std::vector<Entry> entries);

  /// The most specific entry matching `cmd`, or nullptr.
  [[nodiscard]] const Entry* match(const cmdline::AnalyzedCommand& cmd) const;
  /// Every matching entry, most specific first. A renamed copy is looked up by the program its
  /// OriginalFileName names, and by its image name when no entry knows that program.
  [[nodiscard]] std::vector<const Entry*> match_all(const cmdline::AnalyzedCommand& cmd) const;
  /// Entry by canonical name (case-insensitive), or nullptr.
  [[nodiscard]] const Entry* find(std::string_view name) const;
  /// All entries in load order.
  [[nodiscard]] std::span<const Entry> entries() const { return entries_; }

 private:
  [[nodiscard]] std::vector<const Entry*> match_program(const cmdline::AnalyzedCommand& cmd,
                                                        const std::string& program) const;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_program_;
};

/// A knowledge base and everything its files reported.
struct LoadedKnowledgeBase {
  KnowledgeBase kb;
  std::vector<Diagnostic> diagnostics;

  /// True when no diagnostic is an error.
  [[nodiscard]] bool ok() const;
};

/// The embedded default rules plus `user_files` (same format; entries override by name).
[[nodiscard]] LoadedKnowledgeBase load_knowledge_base(
    std::span<const std::filesystem::path> user_files = {});

/// Same, with user rules given as text (name used in diagnostics), for tests and embedding.
[[nodiscard]] LoadedKnowledgeBase load_knowledge_base_text(
    std::span<const EmbeddedFile> user_texts);

/// True if `spec` accepts `cmd` (exposed for tests and the `validate` step).
[[nodiscard]] bool matches(const MatchSpec& spec, const cmdline::AnalyzedCommand& cmd);

}  // namespace cmdsentry::kb
