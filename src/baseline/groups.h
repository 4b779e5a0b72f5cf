#pragma once
/// Who belongs to which group: read from a --groups CSV, stored in the baseline, resolved for a
/// user when the baseline is shown or turned into recommendations.
///
/// CSV format (one mapping a line; `#` comments and blank lines ignored; an optional header
/// whose first field is "member", "user" or "sid"):
///
///   member,group[,group_sid]
///   S-1-5-21-...-1104,Domain Admins,S-1-5-21-...-512
///   CORP\jmori,Staff
///   jmori,Staff
///
/// `member` is a SID or a user name (with or without its domain), compared case-insensitively.
/// Users no line names fall back to what the logs say: the built-in service accounts (SYSTEM,
/// also as a machine account "CORP\WS01$" without SID; LOCAL SERVICE, NETWORK SERVICE), IIS
/// application pools, else "(unmapped)".

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "baseline/store.h"
#include "core/error.h"

namespace cmdsentry::baseline {

/// The group of users no mapping names.
inline constexpr std::string_view kUnmappedGroup = "(unmapped)";

/// Parses CSV text (`name` for messages: "FILE line N: ...").
[[nodiscard]] Result<std::vector<GroupMember>> parse_groups(std::string_view text,
                                                            std::string_view name);
/// Reads a CSV file.
[[nodiscard]] Result<std::vector<GroupMember>> read_groups(const std::string& path);

/// Resolves users to groups.
class Groups {
 public:
  explicit Groups(const std::vector<GroupMember>& members);
  /// The groups of a user (never empty: a fallback group when no mapping names it).
  [[nodiscard]] std::vector<std::string> of(std::string_view user_sid,
                                            std::string_view user_name) const;
  /// The SID of a group: from the mapping, else a well-known one (Administrators, Domain Admins
  /// derived from a member's domain SID, ...); empty when unknown.
  [[nodiscard]] std::string sid_of(std::string_view group) const;
  /// The account SIDs the mapping names as members of a group ("S-1-5-21-...-1107"), for a
  /// group whose own SID is unknown: rules can name its members instead.
  [[nodiscard]] std::vector<std::string> member_sids(std::string_view group) const;

 private:
  std::multimap<std::string, std::string> by_member_;  ///< lower-case member -> group
  std::map<std::string, std::string> group_sid_;       ///< lower-case group -> SID
  std::string domain_sid_;  ///< the domain part of the first account SID the mapping names
};

}  // namespace cmdsentry::baseline
