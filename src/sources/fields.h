#pragma once
/// Small text helpers shared by the source readers: numbers as Windows renders them, channel
/// names in their canonical spelling, and the data-field builder that reuses storage.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ascii.h"
#include "core/number.h"
#include "core/raw_event.h"

namespace cmdsentry::sources {

/// Parses "123" or "0x7b" (any case, blanks around allowed); nullopt on anything else or overflow.
[[nodiscard]] inline std::optional<std::uint64_t> parse_number(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  const bool hex = has_hex_prefix(s);
  if (hex) s.remove_prefix(2);
  const ParsedDigits d = parse_digits(s, hex);
  if (d.used == 0 || d.used != s.size() || d.overflow) return std::nullopt;
  return d.value;
}

/// Parses a possibly negative decimal (NXLog writes Keywords as a signed 64-bit integer) or hex
/// value as the unsigned 64-bit pattern.
[[nodiscard]] std::optional<std::uint64_t> parse_keywords(std::string_view text);

/// Replaces a known channel name with its canonical spelling ("security" -> "Security").
void canonicalize_channel(RawEvent& event);

using cmdsentry::iequals;  // core/ascii.h

/// Adds a data field; unnamed values are called "Data", "Data_1", ... like evtx_dump.
void add_field(RawEvent& event, std::string_view name, std::string_view value);
void add_unnamed_field(RawEvent& event, std::string_view value, int& unnamed_count);

/// Value of a data field by exact name, or nullopt.
[[nodiscard]] inline std::optional<std::string_view> find_field(const RawEvent& event,
                                                                std::string_view name) {
  return event.find_exact(name);
}

}  // namespace cmdsentry::sources
