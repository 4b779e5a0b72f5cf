#include "baseline/groups.h"

#include <algorithm>

#include <fmt/format.h>

#include "baseline/sqlite.h"
#include "core/ascii.h"

namespace cmdsentry::baseline {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',') {
      out.push_back(trim(line.substr(start, i - start)));
      start = i + 1;
    }
  }
  return out;
}

/// "S-1-5-21-a-b-c-1104" -> "S-1-5-21-a-b-c" (the domain part of an account SID).
std::string domain_of(std::string_view sid) {
  if (!sid.starts_with("S-1-5-21-")) return {};
  const std::size_t last = sid.rfind('-');
  return std::string(sid.substr(0, last));
}

}  // namespace

Result<std::vector<GroupMember>> parse_groups(std::string_view text, std::string_view name) {
  std::vector<GroupMember> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    const auto f = split(line);
    if (line_no == 1 || out.empty()) {
      const std::string first = to_lower(f.front());
      if (first == "member" || first == "user" || first == "sid") continue;
    }
    if (f.size() < 2 || f.size() > 3 || f[0].empty() || f[1].empty()) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} line {}: expected member,group[,group_sid]", name, line_no));
    }
    out.push_back({to_lower(f[0]), std::string(f[1]), f.size() == 3 ? std::string(f[2]) : ""});
  }
  return out;
}

Result<std::vector<GroupMember>> read_groups(const std::string& path) {
  auto text = detail::read_text(path, "the groups file");
  if (!text) return tl::unexpected(text.error());
  return parse_groups(*text, path);
}

Groups::Groups(const std::vector<GroupMember>& members) {
  for (const GroupMember& m : members) {
    by_member_.emplace(m.member, m.group);
    const std::string g = to_lower(m.group);
    if (!m.group_sid.empty()) group_sid_[g] = m.group_sid;
    if (domain_sid_.empty() && m.member.starts_with("s-1-5-21-")) {
      domain_sid_ = domain_of("S" + m.member.substr(1));
    }
  }
}

std::vector<std::string> Groups::of(std::string_view user_sid, std::string_view user_name) const {
  std::vector<std::string> out;
  const std::string name = to_lower(user_name);
  const std::size_t slash = name.rfind('\\');
  const std::string keys[] = {to_lower(user_sid), name,
                              slash == std::string::npos ? std::string() : name.substr(slash + 1)};
  for (const std::string& k : keys) {
    if (k.empty()) continue;
    auto [a, b] = by_member_.equal_range(k);
    for (auto it = a; it != b; ++it) {
      if (std::find(out.begin(), out.end(), it->second) == out.end()) out.push_back(it->second);
    }
  }
  if (!out.empty()) return out;
  // SYSTEM appears as the machine account (CORP\WS01$) in 4688's subject and in some Sysmon
  // exports, and as NT AUTHORITY\SYSTEM in others.
  if (user_sid == "S-1-5-18" || name == "nt authority\\system" ||
      (user_sid.empty() && name.ends_with('$'))) {
    return {"SYSTEM"};
  }
  if (user_sid == "S-1-5-19" || name == "nt authority\\local service") return {"LOCAL SERVICE"};
  if (user_sid == "S-1-5-20" || name == "nt authority\\network service") {
    return {"NETWORK SERVICE"};
  }
  if (name.starts_with("iis apppool\\") || user_sid.starts_with("S-1-5-82-")) {
    return {"IIS APPPOOL"};
  }
  return {std::string(kUnmappedGroup)};
}

std::vector<std::string> Groups::member_sids(std::string_view group) const {
  std::vector<std::string> out;
  const std::string g = to_lower(group);
  for (const auto& [member, of] : by_member_) {
    if (to_lower(of) != g || !member.starts_with("s-1-")) continue;
    std::string sid = member;
    for (char& c : sid) c = c == 's' ? 'S' : c;
    out.push_back(std::move(sid));
  }
  return out;
}

std::string Groups::sid_of(std::string_view group) const {
  const std::string g = to_lower(group);
  if (auto it = group_sid_.find(g); it != group_sid_.end()) return it->second;
  if (g == "administrators" || g == "builtin\\administrators") return "S-1-5-32-544";
  if (g == "system") return "S-1-5-18";
  if (g == "local service") return "S-1-5-19";
  if (g == "network service") return "S-1-5-20";
  // Domain groups with fixed RIDs: the domain part comes from any member's account SID.
  static constexpr std::pair<std::string_view, std::string_view> kDomainRids[] = {
      {"domain admins", "-512"}, {"enterprise admins", "-519"}, {"schema admins", "-518"}};
  for (const auto& [name, rid] : kDomainRids) {
    if (g == name && !domain_sid_.empty()) return domain_sid_ + std::string(rid);
  }
  return {};
}

}  // namespace cmdsentry::baseline
