#include "kb/study_tables.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace cmdsentry::kb {
namespace {

constexpr std::string_view kHeader = "scope,phase,rank,command,count,options";

tl::unexpected<Error> bad(std::string_view name, std::size_t line, std::string_view why) {
  return fail(ErrorCode::kCorrupt, fmt::format("{}:{}: {}", name, line, why));
}

bool parse_uint(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

}  // namespace

const StudyTable* StudyTables::table(std::string_view scope, std::string_view phase) const {
  const auto s = scopes.find(std::string(scope));
  if (s == scopes.end()) return nullptr;
  const auto p = s->second.find(std::string(phase));
  return p == s->second.end() ? nullptr : &p->second;
}

std::vector<std::string> StudyTables::groups() const {
  std::vector<std::string> out;
  for (const auto& [scope, phases] : scopes) {
    if (scope != "all") out.push_back(scope);
  }
  return out;
}

StudyTable StudyTables::overall(std::string_view phase) const {
  const std::vector<std::string> gs = groups();
  if (gs.empty()) {
    const StudyTable* t = table("all", phase);
    return t != nullptr ? *t : StudyTable{};
  }
  StudyTable sum;  // first-listed order: group by group, rank by rank
  for (const std::string& g : gs) {
    const StudyTable* t = table(g, phase);
    if (t == nullptr) continue;
    for (const StudyRow& r : *t) {
      auto it = std::find_if(sum.begin(), sum.end(),
                             [&](const StudyRow& s) { return s.command == r.command; });
      if (it == sum.end()) {
        sum.push_back({0, r.command, r.count, r.options});
      } else {
        it->count += r.count;
        for (const std::string& o : r.options) {
          if (std::find(it->options.begin(), it->options.end(), o) == it->options.end()) {
            it->options.push_back(o);
          }
        }
      }
    }
  }
  // The published overall table keeps its options; take them where it lists the command.
  if (const StudyTable* all = table("all", phase)) {
    for (StudyRow& r : sum) {
      auto it = std::find_if(all->begin(), all->end(),
                             [&](const StudyRow& a) { return a.command == r.command; });
      if (it != all->end() && !it->options.empty()) r.options = it->options;
    }
  }
  std::stable_sort(sum.begin(), sum.end(),
                   [](const StudyRow& a, const StudyRow& b) { return a.count > b.count; });
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i].rank = static_cast<int>(i) + 1;
  return sum;
}

bool StudyTables::lists(std::string_view command) const {
  for (const auto& [scope, phases] : scopes) {
    for (const auto& [phase, rows] : phases) {
      for (const StudyRow& r : rows) {
        if (r.command == command) return true;
      }
    }
  }
  return false;
}

Result<StudyTables> parse_study_tables(std::string_view text, std::string_view name) {
  if (text.size() > kMaxStudyTableBytes) {
    return fail(ErrorCode::kLimit,
                fmt::format("{}: larger than {} bytes", name, kMaxStudyTableBytes));
  }
  StudyTables out;
  std::set<std::pair<std::string, std::string>> seen;  // (scope/phase, command)
  std::size_t line_no = 0;
  std::size_t rows = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no == 1) {
      if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
      if (line != kHeader)
        return bad(name, line_no, fmt::format("expected the header '{}'", kHeader));
      continue;
    }
    if (line.empty()) continue;
    if (++rows > kMaxStudyRows) {
      return bad(name, line_no, fmt::format("more than {} rows", kMaxStudyRows));
    }
    std::vector<std::string_view> f;
    for (std::size_t start = 0;;) {
      const std::size_t comma = line.find(',', start);
      f.push_back(line.substr(start, comma - start));
      if (comma == std::string_view::npos || f.size() > 6) break;
      start = comma + 1;
    }
    if (f.size() != 6) {
      return bad(name, line_no, fmt::format("{} fields, expected 6 ({})", f.size(), kHeader));
    }
    for (std::string_view cell : f) {
      if (cell.size() > kMaxStudyFieldBytes) {
        return bad(name, line_no, fmt::format("a field longer than {} bytes", kMaxStudyFieldBytes));
      }
      if (cell.find('"') != std::string_view::npos) {
        return bad(name, line_no, "quoted fields are not part of the format");
      }
    }
    if (f[0].empty() || f[1].empty() || f[3].empty()) {
      return bad(name, line_no, "empty scope, phase or command");
    }
    std::uint64_t rank = 0;
    std::uint64_t count = 0;
    if (!parse_uint(f[2], rank) || rank == 0) {
      return bad(name, line_no, fmt::format("rank '{}' is not a positive integer", f[2]));
    }
    if (!parse_uint(f[4], count)) {
      return bad(name, line_no, fmt::format("count '{}' is not a non-negative integer", f[4]));
    }
    StudyTable& table = out.scopes[std::string(f[0])][std::string(f[1])];
    if (rank != table.size() + 1) {
      return bad(name, line_no,
                 fmt::format("rank {} of {} {} follows rank {}", rank, f[0], f[1], table.size()));
    }
    if (!table.empty() && count > table.back().count) {
      return bad(name, line_no,
                 fmt::format("count {} is above the count of rank {} ({})", count, table.size(),
                             table.back().count));
    }
    const std::string key = fmt::format("{}/{}", f[0], f[1]);
    if (!seen.emplace(key, std::string(f[3])).second) {
      return bad(name, line_no, fmt::format("'{}' is listed twice in {} {}", f[3], f[0], f[1]));
    }
    table.push_back({static_cast<int>(rank), std::string(f[3]), count, split_words(f[5])});
  }
  if (rows == 0) return fail(ErrorCode::kCorrupt, fmt::format("{}: no rows", name));
  return out;
}

Result<StudyTables> read_study_tables(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, fmt::format("{}: cannot open the study tables", path));
  std::string text(kMaxStudyTableBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return fail(ErrorCode::kIo, fmt::format("{}: read error", path));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_study_tables(text, path);
}

}  // namespace cmdsentry::kb
