#pragma once
/// Obfuscation heuristics on raw command-line text, and the 0-100 score.
///
/// Each reason has a fixed weight (command.cpp); the score is their sum capped at 100, so one
/// trick alone stays below 50 and two or three tricks together approach 100. The detectors
/// here look at text; the analyzer adds the reasons only it can see (carets removed, variables
/// expanded, -EncodedCommand decoded, nested shells).

#include <string_view>
#include <vector>

#include "cmdline/command.h"

namespace cmdsentry::cmdline {

/// Lines longer than this many bytes count as "very long" (not a cap, a heuristic).
inline constexpr std::size_t kLongLineBytes = 1024;
/// A run of at least this many blanks counts as padding.
inline constexpr std::size_t kPaddingRun = 6;

/// Quotes inside a word: a '"' with a letter or digit on both sides (`"ne"t`, `w"h"o`), or an
/// empty pair `""` between two letters or digits (`n""et`).
[[nodiscard]] bool has_odd_quoting(std::string_view text);

/// A run of kPaddingRun or more spaces/tabs outside quotes.
[[nodiscard]] bool has_blank_padding(std::string_view text);

/// Case mixed within a word the way obfuscators do (NeT, uSeR, wHoAmI); plain Capitalised or
/// UPPER words do not count.
[[nodiscard]] bool is_mixed_case_word(std::string_view word);

/// Adds `reason` to the analysis once.
void add_reason(Analysis& analysis, Obfuscation reason);

/// Recomputes analysis.obfuscation_score from its reasons.
void compute_score(Analysis& analysis);

}  // namespace cmdsentry::cmdline
