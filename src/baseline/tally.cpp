#include "baseline/tally.h"

#include <algorithm>

#include <fmt/format.h>

namespace cmdsentry::baseline {

const std::string& user_key(const UsageRow& row) {
  return row.user_sid.empty() ? row.user_name : row.user_sid;
}

void Tally::add(const UsageRow& row) {
  if (executions == 0 || row.first_seen < first_seen) first_seen = row.first_seen;
  last_seen = std::max(last_seen, row.last_seen);
  executions += row.executions;
  users.insert(user_key(row));
  hosts.insert(row.host);
  days.insert(row.days.begin(), row.days.end());
  for (const auto& [parent, n] : row.parents) parents[parent] += n;
  path_classes.insert(row.path_class);
}

std::vector<std::string> Tally::top_parents(std::size_t n) const {
  std::vector<std::pair<std::string, std::int64_t>> v(parents.begin(), parents.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size() && i < n; ++i) {
    out.push_back(fmt::format("{} ({})", v[i].first, v[i].second));
  }
  return out;
}

}  // namespace cmdsentry::baseline
