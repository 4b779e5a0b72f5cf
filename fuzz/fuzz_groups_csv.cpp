// Fuzzes the two readers of the `--groups` CSV (member,group[,group_sid]): `baseline learn`'s
// (baseline/groups.h) and `policy simulate`'s (policy/simulate.h). Hostile text must give an
// error or a mapping, never a crash, and what a mapping answers must hold to the format: the
// baseline resolves every user to at least one group, and the replay's token gets only SIDs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "baseline/groups.h"
#include "core/ascii.h"
#include "policy/simulate.h"

namespace {

/// The first field of each line: the members the mapping should know.
std::vector<std::string_view> first_fields(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty() && out.size() < 64) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    out.push_back(line.substr(0, line.find(',')));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cmdsentry;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string_view> keys = first_fields(text);

  if (auto members = baseline::parse_groups(text, "fuzz.csv")) {
    const baseline::Groups groups(*members);
    for (const baseline::GroupMember& m : *members) {
      if (m.member.empty() || m.group.empty()) __builtin_trap();
      if (to_lower(m.member) != m.member) __builtin_trap();  // stored lower case
      (void)groups.sid_of(m.group);
      (void)groups.member_sids(m.group);
    }
    for (std::string_view k : keys) {
      if (groups.of(k, k).empty()) __builtin_trap();  // never empty: a fallback group
      if (groups.of("", k).empty()) __builtin_trap();
    }
  } else if (members.error().message.empty()) {
    __builtin_trap();  // an error says which line
  }

  if (auto map = policy::GroupMap::parse(text)) {
    std::vector<std::string> sids;
    for (std::string_view k : keys) map->groups_of(k, sids);
    for (const std::string& s : sids) {
      if (!istarts_with(s, "S-")) __builtin_trap();
    }
  }
  return 0;
}
