#pragma once
/// Sums of usage rows (executions, distinct users, hosts and days, first and last seen,
/// parents), shared by `baseline show` and `recommend`.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "baseline/store.h"

namespace cmdsentry::baseline {

struct Tally {
  std::int64_t executions = 0;
  std::set<std::string> users;  ///< SID, else DOMAIN\name
  std::set<std::string> hosts;
  std::set<std::int64_t> days;
  std::uint64_t first_seen = 0, last_seen = 0;
  std::map<std::string, std::int64_t> parents;
  std::set<std::string> path_classes;

  void add(const UsageRow& row);
  /// The most frequent parents, "name (count)", at most `n`.
  [[nodiscard]] std::vector<std::string> top_parents(std::size_t n) const;
};

/// The user key of a row: its SID when logged, else its name.
[[nodiscard]] const std::string& user_key(const UsageRow& row);

}  // namespace cmdsentry::baseline
