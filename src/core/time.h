#pragma once
/// Event times. cmdsentry keeps every timestamp as FILETIME ticks (100 ns since 1601-01-01 UTC),
/// the resolution Windows records, and formats them as ISO-8601 UTC.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmdsentry {

/// 100 ns ticks between 1601-01-01 and 1970-01-01.
inline constexpr std::int64_t kFiletimeUnixEpoch = 116444736000000000LL;

/// Appends "YYYY-MM-DDTHH:MM:SS.ffffffZ" with `digits` fractional digits (0..7).
void append_filetime_iso(std::string& out, std::uint64_t filetime, int digits = 6);

/// FILETIME from civil UTC fields (year 1601..30827). Returns nullopt when out of range.
std::optional<std::uint64_t> filetime_from_civil(int year, int month, int day, int hour, int minute,
                                                 int second, std::uint32_t ticks100ns);

/// Parses ISO-8601 / RFC 3339 and the common log variants ("2019-05-14 12:00:00.123",
/// "2019-05-14T12:00:00.1234567Z", "+02:00" offsets) into FILETIME ticks (UTC).
std::optional<std::uint64_t> parse_iso_time(std::string_view text);

}  // namespace cmdsentry
