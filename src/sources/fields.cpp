#include "sources/fields.h"

#include <array>
#include <charconv>
#include <cstdio>

#include "core/number.h"

namespace cmdsentry::sources {

std::optional<std::uint64_t> parse_keywords(std::string_view s) {
  if (!s.empty() && s.front() == '-') {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return static_cast<std::uint64_t>(v);
  }
  return parse_number(s);
}

void canonicalize_channel(RawEvent& event) {
  const std::string_view channel = event.channel();
  static constexpr std::array<std::string_view, 10> kKnown = {
      "Security",
      "System",
      "Application",
      "Microsoft-Windows-Sysmon/Operational",
      "Microsoft-Windows-AppLocker/EXE and DLL",
      "Microsoft-Windows-AppLocker/MSI and Script",
      "Microsoft-Windows-AppLocker/Packaged app-Execution",
      "Microsoft-Windows-AppLocker/Packaged app-Deployment",
      "Microsoft-Windows-PowerShell/Operational",
      "Windows PowerShell",
  };
  for (std::string_view k : kKnown) {
    if (channel.size() != k.size()) continue;
    if (same_bytes(channel.data(), k.data(), k.size())) return;  // already canonical
    if (iequals(channel, k)) {
      event.set_channel(k);
      return;
    }
  }
}

void add_field(RawEvent& event, std::string_view name, std::string_view value) {
  event.add_field(name, value);
}

void add_unnamed_field(RawEvent& event, std::string_view value, int& unnamed_count) {
  if (unnamed_count == 0) {
    event.add_field("Data", value);
  } else {
    char name[24];
    const int n = std::snprintf(name, sizeof name, "Data_%d", unnamed_count);
    event.add_field(std::string_view(name, static_cast<std::size_t>(n)), value);
  }
  ++unnamed_count;
}

}  // namespace cmdsentry::sources
