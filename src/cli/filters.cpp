#include "cli/filters.h"

#include <chrono>

namespace cmdsentry::cli {

void add_filter_options(CLI::App* cmd, FilterArgs& a) {
  cmd->add_option("--from", a.from,
                  "write only findings at or after TIME: ISO 8601 (2026-03-02, "
                  "2026-03-02T13:00:00Z) or a span back from now (7d, 12h, 30m, 2w)");
  cmd->add_option("--to", a.to, "write only findings at or before TIME (as --from)");
  cmd->add_option("--host", a.hosts,
                  "write only findings of these hosts (comma-separated; the DNS name or its "
                  "first label, any case)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--user", a.users,
                  "write only findings of these users (comma-separated; DOMAIN\\name or name, "
                  "any case)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--phase", a.phases,
                  "write only findings of these phases (comma-separated: recon, discovery, "
                  "spread, or an ATT&CK tactic such as credential-access)")
      ->delimiter(',')
      ->allow_extra_args(false);
}

bool make_filter(const FilterArgs& a, report::FilterSpec& spec, std::string& error) {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto now = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count() * 10 +
      116'444'736'000'000'000LL);
  for (const auto& [text, bound, name] :
       {std::tuple{&a.from, &spec.from, "--from"}, std::tuple{&a.to, &spec.to, "--to"}}) {
    if (text->empty()) continue;
    *bound = report::parse_time_bound(*text, now);
    if (!*bound) {
      error = std::string(name) + " wants an ISO 8601 time (2026-03-02T13:00:00Z) or a span " +
              "like 7d, 12h, 30m, not '" + *text + "'";
      return false;
    }
  }
  if (spec.from && spec.to && *spec.from > *spec.to) {
    error = "--from is after --to";
    return false;
  }
  spec.hosts = a.hosts;
  spec.users = a.users;
  spec.phases = a.phases;
  return true;
}

}  // namespace cmdsentry::cli
