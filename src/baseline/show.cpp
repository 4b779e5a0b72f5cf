#include "baseline/show.h"

#include <map>
#include <tuple>

#include <fmt/format.h>

#include "baseline/groups.h"
#include "core/ascii.h"
#include "core/text_escape.h"
#include "core/time.h"
#include "core/utf.h"

namespace cmdsentry::baseline {

std::string day_text(std::uint64_t filetime) {
  std::string s;
  append_filetime_iso(s, filetime, 0);
  return s.substr(0, 10);
}

std::vector<ShowRow> summarize(const Baseline& baseline, const std::optional<std::string>& group) {
  const Groups groups(baseline.members);
  std::map<std::tuple<std::string, std::string, std::string>, ShowRow> by_key;
  for (const UsageRow& r : baseline.usage) {
    for (const std::string& g : groups.of(r.user_sid, r.user_name)) {
      if (group && !iequals(*group, g)) continue;
      ShowRow& row = by_key[{g, r.command, r.executable}];
      if (row.tally.executions == 0) row = {g, r.command, r.phase, r.executable, {}};
      row.tally.add(r);
    }
  }
  std::vector<ShowRow> out;
  for (auto& [key, row] : by_key) out.push_back(std::move(row));
  return out;
}

std::string format_show_table(const Baseline& baseline, const std::vector<ShowRow>& rows) {
  std::string out =
      fmt::format("Baseline: {} learn run(s), {} executions learned, {} duplicates ignored\n\n",
                  baseline.runs, baseline.totals.executions, baseline.totals.duplicates);
  out += fmt::format("{:<20} {:<22} {:<26} {:>8} {:>5} {:>5} {:>4}  {:<10} {:<10} {}\n", "GROUP",
                     "COMMAND", "EXECUTABLE", "EXECS", "USERS", "HOSTS", "DAYS", "FIRST", "LAST",
                     "PARENTS");
  for (const ShowRow& r : rows) {
    std::string parents;
    for (const std::string& p : r.tally.top_parents(3)) {
      parents += (parents.empty() ? "" : ", ") + p;
    }
    out += fmt::format("{:<20} {:<22} {:<26} {:>8} {:>5} {:>5} {:>4}  {:<10} {:<10} {}\n",
                       terminal_safe(r.group), r.command.empty() ? "-" : r.command,
                       terminal_safe(r.executable), r.tally.executions, r.tally.users.size(),
                       r.tally.hosts.size(), r.tally.days.size(), day_text(r.tally.first_seen),
                       day_text(r.tally.last_seen), terminal_safe(parents));
  }
  return out;
}

std::string format_show_json(const Baseline& baseline, const std::vector<ShowRow>& rows) {
  std::string out = fmt::format(
      "{{\"format\":\"cmdsentry-baseline-show\",\"version\":1,\"learned\":{{\"runs\":{},"
      "\"executions\":{},\"duplicates\":{}}},\"rows\":[",
      baseline.runs, baseline.totals.executions, baseline.totals.duplicates);
  bool first_row = true;
  for (const ShowRow& r : rows) {
    out += first_row ? "\n" : ",\n";
    first_row = false;
    out += "{\"group\":";
    append_json_string(out, r.group);
    out += ",\"command\":";
    append_json_string(out, r.command);
    out += ",\"phase\":";
    append_json_string(out, r.phase);
    out += ",\"executable\":";
    append_json_string(out, r.executable);
    out += ",\"path_classes\":[";
    bool first = true;
    for (const std::string& c : r.tally.path_classes) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, c);
    }
    out +=
        fmt::format("],\"executions\":{},\"users\":{},\"hosts\":{},\"days\":{}", r.tally.executions,
                    r.tally.users.size(), r.tally.hosts.size(), r.tally.days.size());
    out += ",\"first_seen\":";
    std::string t;
    append_filetime_iso(t, r.tally.first_seen);
    append_json_string(out, t);
    out += ",\"last_seen\":";
    t.clear();
    append_filetime_iso(t, r.tally.last_seen);
    append_json_string(out, t);
    out += ",\"parents\":{";
    first = true;
    for (const auto& [parent, n] : r.tally.parents) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, parent);
      out += fmt::format(":{}", n);
    }
    out += "}}";
  }
  out += "\n]}\n";
  return out;
}

}  // namespace cmdsentry::baseline
