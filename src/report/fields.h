#pragma once
/// Finding fields as text, shared by the writers so every format shows the same values.

#include <cstdint>
#include <string>

#include "cmdsentry/finding.h"
#include "core/raw_event.h"

namespace cmdsentry::report {

/// "2026-03-02T13:12:05.123000Z".
[[nodiscard]] std::string iso_time(std::uint64_t filetime);
/// "DOMAIN\name", else the name, else the SID; empty when none was logged.
[[nodiscard]] std::string user_of(const ProcessEvent& e);
/// The record number to cite: EventRecordID when the event has one, else its line (element
/// index for XML / JSON arrays); 0 when neither is known.
[[nodiscard]] std::uint64_t record_of(const SourceRef& s);
/// The source of a finding's event (empty SourceRef when unknown).
[[nodiscard]] const SourceRef& source_of(const ProcessEvent& e);
/// Techniques joined with ' '.
[[nodiscard]] std::string join(const std::vector<std::string>& items, char sep = ' ');
/// Obfuscation reasons joined with ' ' ("caret odd-quoting").
[[nodiscard]] std::string reasons_text(const Finding& f);
/// How the table shows times: UTC (default) or the process's local time zone (the CLI sets TZ
/// for --tz), plain ("2026-03-02 13:12:05") or ISO 8601 ("2026-03-02T13:12:05Z",
/// "2026-03-02T22:12:05+09:00").
struct TimeStyle {
  bool local = false;
  bool iso = false;
  std::string zone;  ///< label for headers when local ("Asia/Tokyo", "local")
};
/// `filetime` in `style` (seconds precision); empty for 0.
[[nodiscard]] std::string display_time(std::uint64_t filetime, const TimeStyle& style);
/// "UTC", or the zone label.
[[nodiscard]] std::string zone_label(const TimeStyle& style);

/// The finding's level: the highest of its matches' (the knowledge base's follows its noise).
[[nodiscard]] Level headline_level(const Finding& f);
/// One line for a timeline (Timesketch's `message`): "[recon] tasklist: tasklist /v (WS01,
/// CORP\alice)". Raw text: each writer escapes it.
[[nodiscard]] std::string timeline_message(const Finding& f);
/// "0x5c3a1f", empty for 0.
[[nodiscard]] std::string hex_id(std::uint64_t v);

}  // namespace cmdsentry::report

namespace cmdsentry::report {

/// Text safe to print on a terminal: terminal_safe() (C0/C1 controls, ESC, DEL made visible) plus
/// Unicode bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069, U+200E/F), which
/// can make a command line read differently than it is, written as \u{...}.
[[nodiscard]] std::string terminal_text(std::string_view text);

/// Cuts or pads `text` to exactly `width` code points ("…" marks a cut). Assumes one column per
/// code point (wide CJK characters take two on most terminals and will overrun).
[[nodiscard]] std::string fit(std::string_view text, std::size_t width, bool pad = true);

}  // namespace cmdsentry::report
