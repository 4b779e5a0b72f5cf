#include "orgsim/study_tables.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace cmdsentry::orgsim {

const char* to_string(Phase p) {
  switch (p) {
    case Phase::kRecon:
      return "recon";
    case Phase::kDiscovery:
      return "discovery";
    case Phase::kSpread:
      return "spread";
  }
  return "?";
}

namespace {
std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) {
    if (!cur.empty() || sep == ',') out.push_back(cur);
  }
  if (sep == ',' && !s.empty() && s.back() == ',') out.emplace_back();
  return out;
}
}  // namespace

Result<StudyTables> read_study_tables(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, fmt::format("cannot open {}", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return parse_study_tables(text.str(), path.string());
}

Result<StudyTables> parse_study_tables(std::string_view data, std::string_view name) {
  const std::string csv(name);
  std::istringstream in{std::string(data)};
  StudyTables t;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || n == 1) continue;  // header: scope,phase,rank,command,count,options
    const auto f = split(line, ',');
    if (f.size() != 6) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} line {}: expected 6 fields, got {}", csv, n, f.size()));
    }
    if (f[0] == "all") continue;
    Phase phase;
    if (f[1] == "recon") {
      phase = Phase::kRecon;
    } else if (f[1] == "discovery") {
      phase = Phase::kDiscovery;
    } else if (f[1] == "spread") {
      phase = Phase::kSpread;
    } else {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} line {}: unknown phase '{}'", csv, n, f[1]));
    }
    GroupTable* g = nullptr;
    for (auto& x : t.groups) {
      if (x.name == f[0]) g = &x;
    }
    if (g == nullptr) g = &t.groups.emplace_back(GroupTable{.name = f[0], .phases = {}});
    StudyCommand c;
    c.command = f[3];
    char* end = nullptr;
    c.count = std::strtod(f[4].c_str(), &end);
    if (f[4].empty() || end != f[4].c_str() + f[4].size() || !(c.count >= 0) || c.count > 1e9) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} line {}: count '{}' is not a number", csv, n, f[4]));
    }
    c.options = split(f[5], ' ');
    g->phases[static_cast<int>(phase)].push_back(std::move(c));
  }
  if (t.groups.empty()) {
    return fail(ErrorCode::kInvalidArgument, fmt::format("{}: no group rows", csv));
  }
  return t;
}

}  // namespace cmdsentry::orgsim
