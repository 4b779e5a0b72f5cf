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

/// Control bytes other than tab (0x01-0x1f, 0x7f) or the Unicode format characters that hide
/// or reorder text on screen: U+200B-U+200F (zero width, LRM/RLM), U+202A-U+202E (embeddings,
/// the right-to-left override), U+2066-U+2069 (isolates), U+FEFF. A line showing
/// `invoice<U+202E>fdp.exe` runs invoice...exe while reading "invoiceexe.pdf".
[[nodiscard]] bool has_control_chars(std::string_view text);

/// A PowerShell script that downloads and runs code: `IEX (New-Object Net.WebClient)
/// .DownloadString(...)`, `iwr ... | iex`, `Invoke-Expression (irm ...)`,
/// `.DownloadFile(...)`, `Start-BitsTransfer` (case-insensitive).
[[nodiscard]] bool is_download_cradle(std::string_view script);

/// Adds `reason` to the analysis once.
void add_reason(Analysis& analysis, Obfuscation reason);

/// Recomputes analysis.obfuscation_score from its reasons.
void compute_score(Analysis& analysis);

}  // namespace cmdsentry::cmdline
