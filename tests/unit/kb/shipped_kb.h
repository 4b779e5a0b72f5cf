#pragma once
/// Helpers the knowledge-base coverage tests share: the shipped knowledge base, loaded once,
/// and whether an entry lists a program.
#include <algorithm>
#include <string_view>

#include "kb/knowledge_base.h"

namespace cmdsentry::kb::testing_kb {

/// The embedded rules/*.yaml, loaded once per test binary.
inline const KnowledgeBase& shipped() {
  static const LoadedKnowledgeBase kb = load_knowledge_base();
  return kb.kb;
}

/// True if some alternative of `e` names `program` in its `programs`.
inline bool lists_program(const Entry& e, std::string_view program) {
  return std::any_of(e.match.begin(), e.match.end(), [&](const MatchSpec& m) {
    return std::find(m.programs.begin(), m.programs.end(), program) != m.programs.end();
  });
}

/// True if some shipped entry lists `program`.
inline bool known_program(std::string_view program) {
  const auto& all = shipped().entries();
  return std::any_of(all.begin(), all.end(),
                     [&](const Entry& e) { return lists_program(e, program); });
}

}  // namespace cmdsentry::kb::testing_kb
