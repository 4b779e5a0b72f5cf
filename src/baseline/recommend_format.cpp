// The recommendation as the contract JSON (the input of `policy generate`) and as terminal
// tables. The JSON keys and their order are fixed by docs/baseline.md.
#include <fmt/format.h>

#include "baseline/recommend.h"
#include "core/text_escape.h"
#include "core/utf.h"

namespace cmdsentry::baseline {
namespace {

void append_string_list(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, items[i]);
  }
  out += ']';
}

void append_key(std::string& out, std::string_view key, std::string_view value) {
  out += fmt::format(",\"{}\":", key);
  append_json_string(out, value);
}

/// `items` as a JSON array, one per line, each written by `one`.
template <class T, class F>
void append_array(std::string& out, const std::vector<T>& items, F one) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i > 0 ? ",\n" : "\n";
    one(items[i]);
  }
  out += "\n]";
}

std::string uses_text(const std::vector<GroupUse>& uses) {
  std::string out;
  for (const GroupUse& u : uses) {
    out += fmt::format("{}{} {}/{}/{}", out.empty() ? "" : "; ", terminal_safe(u.group),
                       u.executions, u.users, u.hosts);
  }
  return out.empty() ? "-" : out;
}

std::string attacks_text(const std::map<std::string, std::int64_t>& attacks) {
  std::string out;
  for (const auto& [phase, n] : attacks)
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", phase, n);
  return out.empty() ? "-" : out;
}

}  // namespace

std::string format_recommendation_json(const Recommendation& r) {
  std::string out = "{\"format\":\"cmdsentry-recommendation\",\"version\":1,\"restrictions\":";
  append_array(out, r.restrictions, [&](const Restriction& x) {
    out += "{\"executable\":";
    append_json_string(out, x.executable);
    append_key(out, "original_file_name", x.original_file_name);
    out += ",\"paths\":";
    append_string_list(out, x.paths);
    out += ",\"commands\":";
    append_string_list(out, x.commands);
    out += ",\"exempt_groups\":[";
    for (std::size_t g = 0; g < x.exempt_groups.size(); ++g) {
      out += g > 0 ? ",{\"name\":" : "{\"name\":";
      append_json_string(out, x.exempt_groups[g].name);
      append_key(out, "sid", x.exempt_groups[g].sid);
      out += '}';
    }
    out += fmt::format("],\"impact\":{{\"executions\":{},\"users\":{},\"hosts\":{}}}",
                       x.impact.executions, x.impact.users, x.impact.hosts);
    out += fmt::format(",\"attack_executions\":{}", x.attack_executions);
    append_key(out, "reason", x.reason);
    out += '}';
  });
  out += ",\"user_programs\":";
  append_array(out, r.user_programs, [&](const UserProgram& u) {
    out += "{\"user\":";
    append_json_string(out, u.user);
    append_key(out, "sid", u.sid);
    append_key(out, "path", u.path);
    out += ",\"executables\":";
    append_string_list(out, u.executables);
    out += fmt::format(",\"executions\":{},\"days\":{}}}", u.executions, u.days);
  });
  out += ",\"not_restrictable\":";
  append_array(out, r.not_restrictable, [&](const NotRestrictable& n) {
    out += "{\"command\":";
    append_json_string(out, n.command);
    append_key(out, "reason", n.reason);
    append_key(out, "detect_with", n.detect_with);
    out += '}';
  });
  out += "}\n";
  return out;
}

std::string format_recommendation_table(const Recommendation& r) {
  std::string out =
      "Knowledge-base commands: use in the organisation (group executions/users/hosts) next to "
      "the study's attackers\n";
  out +=
      fmt::format("{:<26} {:<18} {:<28} {}\n", "COMMAND", "PHASE", "ATTACKERS (STUDY)", "USED BY");
  for (const CommandView& c : r.commands) {
    out += fmt::format("{:<26} {:<18} {:<28} {}\n", c.command, c.phase, attacks_text(c.attacks),
                       uses_text(c.used_by));
  }
  out += "\nRestrict (AppLocker Exe rules; exempt groups keep them)\n";
  out += fmt::format("{:<14} {:>7} {:>7} {:<26} {}\n", "EXECUTABLE", "ATTACKS", "IMPACT", "EXEMPT",
                     "COMMANDS / REASON");
  for (const Restriction& x : r.restrictions) {
    std::string exempt;
    for (const NamedGroup& g : x.exempt_groups) {
      exempt += (exempt.empty() ? "" : ", ") + terminal_safe(g.name);
    }
    out += fmt::format("{:<14} {:>7} {:>7} {:<26} {}\n{:<58}{}\n", terminal_safe(x.executable),
                       x.attack_executions, x.impact.executions, exempt,
                       fmt::join(x.commands, ", "), "", terminal_safe(x.reason));
  }
  out += "\nKeep (ordinary users run them: detect instead)\n";
  for (const Kept& k : r.kept) {
    out +=
        fmt::format("{:<14} {:>7}  {}\n{:<24}{}\n", terminal_safe(k.executable),
                    k.attack_executions, fmt::join(k.commands, ", "), "", terminal_safe(k.reason));
  }
  out += "\nAllow per user (programs installed in the user's profile, outside the default rules)\n";
  for (const UserProgram& u : r.user_programs) {
    out += fmt::format("{:<24} {:>7} exec {:>3} days  {}\n{:<24} {}\n", terminal_safe(u.user),
                       u.executions, u.days, terminal_safe(u.path), "",
                       terminal_safe(fmt::format("{}", fmt::join(u.executables, ", "))));
  }
  out += "\nNot restrictable (AppLocker cannot stop them)\n";
  for (const NotRestrictable& n : r.not_restrictable) {
    out +=
        fmt::format("{:<26} {}\n{:<27}detect with: {}\n", n.command, n.reason, "", n.detect_with);
  }
  return out;
}

}  // namespace cmdsentry::baseline
