#include "trend/trend_format.h"

#include <fmt/format.h>

#include "core/text_escape.h"
#include "core/utf.h"

namespace cmdsentry::trend {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::string coefficient(const std::optional<double>& v) {
  return v ? fmt::format("{:.3f}", *v) : std::string("n/a");
}

/// A weight (a sum of shares) for the text table.
std::string number(double v) { return fmt::format("{:.2f}", v); }

/// JSON number, or null.
std::string json_number(const std::optional<double>& v) {
  return v ? fmt::format("{:.6g}", *v) : std::string("null");
}

void json_strings(std::string& out, const std::vector<std::string>& v) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, v[i]);
  }
  out += ']';
}

void json_observed(std::string& out, const ObservedRow& r) {
  out += fmt::format("{{\"rank\":{},\"command\":", r.rank);
  append_json_string(out, r.command);
  out += fmt::format(",\"count\":{},\"weight\":{},\"units\":{},\"share\":{},\"options\":", r.count,
                     json_number(r.weight), r.units, json_number(r.share));
  json_strings(out, r.options);
  out += ",\"study_rank\":";
  out += r.study_rank > 0 ? std::to_string(r.study_rank) : "null";
  out += '}';
}

void json_correlation(std::string& out, const Correlation& c) {
  out += fmt::format("\"commands\":{},\"spearman\":{},\"kendall\":{}", c.commands,
                     json_number(c.spearman), json_number(c.kendall));
}

void csv_row(std::string& out, std::initializer_list<std::string_view> cells) {
  bool first = true;
  for (std::string_view c : cells) {
    if (!first) out += ',';
    first = false;
    append_csv_field(out, c);
  }
  out += "\r\n";
}

std::string opt_str(const std::optional<double>& v) {
  return v ? fmt::format("{:.6g}", *v) : std::string();
}

}  // namespace

void append_trend_table(std::string& out, const Trend& t, std::string_view study) {
  out += fmt::format(
      "Trend against the JPCERT/CC 2015 study ({}): {} finding{}, {} {}{}, weighted by {}\n",
      terminal_safe(study), t.findings, t.findings == 1 ? "" : "s", t.units,
      t.by == Weighting::kExecution ? "host" : to_string(t.by), t.units == 1 ? "" : "s",
      to_string(t.by));
  if (t.units_capped)
    out += fmt::format("  (more than {} units: the rest count as one)\n", kMaxTrendUnits);
  for (const PhaseTrend& p : t.phases) {
    out += fmt::format("\n{}: {} execution{}", p.phase, p.executions, p.executions == 1 ? "" : "s");
    if (t.by != Weighting::kExecution) out += fmt::format(", weight {}", number(p.weight));
    out += fmt::format("; Spearman {}, Kendall {} over {} commands; study's top {} cover {:.1f}%\n",
                       coefficient(p.similarity.spearman), coefficient(p.similarity.kendall),
                       p.similarity.commands, kStudyTop, 100 * p.study_top_share);
    out +=
        fmt::format("  {:>4}  {:<18} {:>6}   | {:>4}  {:<22} {:>8} {:>6}  {:<5} {}\n", "2015",
                    "command", "count", "now", "command",
                    t.by == Weighting::kExecution ? "count" : "weight", "share", "2015", "options");
    const std::size_t lines =
        std::max(std::min(p.observed.size(), kTableRows), std::min(p.study.size(), kTableRows));
    for (std::size_t i = 0; i < lines; ++i) {
      std::string left = fmt::format("  {:>4}  {:<18} {:>6}", "", "", "");
      if (i < p.study.size()) {
        left = fmt::format("  {:>4}  {:<18} {:>6}", p.study[i].rank, p.study[i].command,
                           p.study[i].count);
      }
      std::string right;
      if (i < p.observed.size()) {
        const ObservedRow& r = p.observed[i];
        right =
            fmt::format("{:>4}  {:<22} {:>8} {:>5.1f}%  {:<5} {}", r.rank, terminal_safe(r.command),
                        t.by == Weighting::kExecution ? std::to_string(r.count) : number(r.weight),
                        100 * r.share, r.study_rank > 0 ? std::to_string(r.study_rank) : "new",
                        terminal_safe(joined(r.options)));
      }
      out += left + "   | " + right + "\n";
    }
    if (p.observed.size() > kTableRows) {
      out += fmt::format("  ... {} more observed (--format json lists all)\n",
                         p.observed.size() - kTableRows);
    }
    std::string groups;
    for (const GroupSimilarity& g : p.groups) {
      groups +=
          fmt::format("{}{} {}/{}", groups.empty() ? "" : ", ", g.group,
                      coefficient(g.correlation.spearman), coefficient(g.correlation.kendall));
    }
    if (!groups.empty()) out += "  groups (Spearman/Kendall): " + groups + "\n";
    std::string gone;
    for (const kb::StudyRow& s : p.not_seen) gone += (gone.empty() ? "" : ", ") + s.command;
    out += "  study commands not seen: " + (gone.empty() ? std::string("none") : gone) + "\n";
  }
  out += "\nCommands the study did not list (heaviest per tactic):\n";
  if (t.new_commands.empty()) out += "  none\n";
  std::string tactic;
  for (const NewCommand& c : t.new_commands) {
    if (c.tactic != tactic) {
      tactic = c.tactic;
      out += fmt::format("  {}:\n", terminal_safe(tactic));
    }
    out += fmt::format(
        "    {:>3}  {:<32} {:>8} {:>5.1f}%  {}\n", c.row.rank, terminal_safe(c.row.command),
        t.by == Weighting::kExecution ? std::to_string(c.row.count) : number(c.row.weight),
        100 * c.row.share, terminal_safe(joined(c.row.options)));
  }
  out += "\nClosest study group (mean Spearman over the phases): ";
  if (t.closest_group.empty()) {
    out += "none (nothing comparable)\n";
  } else {
    std::string all;
    for (const GroupScore& g : t.groups) {
      all += fmt::format("{}{} {}", all.empty() ? "" : ", ", g.group, coefficient(g.spearman_mean));
    }
    out += terminal_safe(t.closest_group) + " (" + terminal_safe(all) + ")\n";
  }
}

void append_trend_json(std::string& out, const Trend& t, std::string_view study) {
  out += "{\"type\":\"trend\",\"by\":";
  append_json_string(out, to_string(t.by));
  out += ",\"study\":";
  append_json_string(out, study);
  out += fmt::format(",\"findings\":{},\"units\":{},\"units_capped\":{},\"phases\":[", t.findings,
                     t.units, t.units_capped ? "true" : "false");
  for (std::size_t i = 0; i < t.phases.size(); ++i) {
    const PhaseTrend& p = t.phases[i];
    if (i > 0) out += ',';
    out += "{\"phase\":";
    append_json_string(out, p.phase);
    out += fmt::format(",\"executions\":{},\"weight\":{},\"similarity\":{{", p.executions,
                       json_number(p.weight));
    json_correlation(out, p.similarity);
    out += fmt::format(",\"study_top_share\":{}}},\"groups\":[", json_number(p.study_top_share));
    for (std::size_t g = 0; g < p.groups.size(); ++g) {
      if (g > 0) out += ',';
      out += "{\"group\":";
      append_json_string(out, p.groups[g].group);
      out += ',';
      json_correlation(out, p.groups[g].correlation);
      out += '}';
    }
    out += "],\"study\":[";
    for (std::size_t s = 0; s < p.study.size(); ++s) {
      if (s > 0) out += ',';
      out += fmt::format("{{\"rank\":{},\"command\":", p.study[s].rank);
      append_json_string(out, p.study[s].command);
      out += fmt::format(",\"count\":{},\"options\":", p.study[s].count);
      json_strings(out, p.study[s].options);
      out += '}';
    }
    out += "],\"observed\":[";
    for (std::size_t o = 0; o < p.observed.size(); ++o) {
      if (o > 0) out += ',';
      json_observed(out, p.observed[o]);
    }
    out += "],\"not_seen\":[";
    for (std::size_t s = 0; s < p.not_seen.size(); ++s) {
      if (s > 0) out += ',';
      append_json_string(out, p.not_seen[s].command);
    }
    out += "]}";
  }
  out += "],\"new_commands\":[";
  for (std::size_t i = 0; i < t.new_commands.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"tactic\":";
    append_json_string(out, t.new_commands[i].tactic);
    out += ",\"row\":";
    json_observed(out, t.new_commands[i].row);
    out += '}';
  }
  out += "],\"groups\":[";
  for (std::size_t i = 0; i < t.groups.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"group\":";
    append_json_string(out, t.groups[i].group);
    out += fmt::format(",\"spearman_mean\":{},\"phases\":{}}}",
                       json_number(t.groups[i].spearman_mean), t.groups[i].phases);
  }
  out += "],\"closest_group\":";
  if (t.closest_group.empty()) {
    out += "null";
  } else {
    append_json_string(out, t.closest_group);
  }
  out += "}\n";
}

void append_trend_csv(std::string& out, const Trend& t) {
  csv_row(out, {"section", "phase", "rank", "command", "count", "weight", "units", "share",
                "options", "study_rank", "spearman", "kendall"});
  auto observed = [&](std::string_view section, std::string_view phase, const ObservedRow& r) {
    csv_row(out, {section, phase, std::to_string(r.rank), r.command, std::to_string(r.count),
                  opt_str(r.weight), std::to_string(r.units), opt_str(r.share), joined(r.options),
                  r.study_rank > 0 ? std::to_string(r.study_rank) : "", "", ""});
  };
  for (const PhaseTrend& p : t.phases) {
    csv_row(out, {"similarity", p.phase, "", "study", std::to_string(p.similarity.commands),
                  opt_str(p.weight), "", opt_str(p.study_top_share), "", "",
                  opt_str(p.similarity.spearman), opt_str(p.similarity.kendall)});
    for (const GroupSimilarity& g : p.groups) {
      csv_row(out, {"similarity", p.phase, "", "group " + g.group,
                    std::to_string(g.correlation.commands), "", "", "", "", "",
                    opt_str(g.correlation.spearman), opt_str(g.correlation.kendall)});
    }
    for (const kb::StudyRow& s : p.study) {
      csv_row(out, {"study", p.phase, std::to_string(s.rank), s.command, std::to_string(s.count),
                    "", "", "", joined(s.options), std::to_string(s.rank), "", ""});
    }
    for (const ObservedRow& r : p.observed) observed("observed", p.phase, r);
    for (const kb::StudyRow& s : p.not_seen) {
      csv_row(out, {"not_seen", p.phase, "", s.command, std::to_string(s.count), "", "", "", "",
                    std::to_string(s.rank), "", ""});
    }
  }
  for (const NewCommand& c : t.new_commands) observed("new", c.tactic, c.row);
  for (const GroupScore& g : t.groups) {
    csv_row(out, {g.group == t.closest_group ? "closest_group" : "group", "", "", g.group,
                  std::to_string(g.phases), "", "", "", "", "", opt_str(g.spearman_mean), ""});
  }
}

}  // namespace cmdsentry::trend
