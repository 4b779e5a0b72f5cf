#include "baseline/study.h"

#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "baseline/sqlite.h"

namespace cmdsentry::baseline {

std::int64_t StudyCounts::total(std::string_view command) const {
  const auto it = by_command.find(std::string(command));
  if (it == by_command.end()) return 0;
  std::int64_t n = 0;
  for (const auto& [phase, count] : it->second) n += count;
  return n;
}

Result<StudyCounts> parse_study_counts(std::string_view text, std::string_view name) {
  StudyCounts all;
  StudyCounts groups;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line_no == 1) continue;  // header
    std::vector<std::string_view> f;
    for (std::size_t start = 0;;) {
      const std::size_t comma = line.find(',', start);
      f.push_back(line.substr(start, comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    std::int64_t count = 0;
    const bool numeric =
        f.size() >= 5 &&
        std::from_chars(f[4].data(), f[4].data() + f[4].size(), count).ec == std::errc();
    if (!numeric) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} line {}: expected scope,phase,rank,command,count,options", name,
                              line_no));
    }
    StudyCounts& into = f[0] == "all" ? all : groups;
    into.by_command[std::string(f[3])][std::string(f[1])] += count;
  }
  for (auto& [command, phases] : groups.by_command) {
    all.by_command.try_emplace(command, std::move(phases));
  }
  return all;
}

Result<StudyCounts> read_study_counts(const std::string& path) {
  auto text = detail::read_text(path, "the study tables");
  if (!text) return tl::unexpected(text.error());
  return parse_study_counts(*text, path);
}

}  // namespace cmdsentry::baseline
