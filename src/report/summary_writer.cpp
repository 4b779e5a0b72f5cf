#include "report/summary_writer.h"

#include <fmt/format.h>

#include "events/event_json.h"
#include "report/fields.h"

namespace cmdsentry::report {
namespace {

std::string options_text(const std::vector<std::string>& options) { return join(options); }

/// "2026-03-02 13:12" (UTC), "-" when unknown.
std::string minute(std::uint64_t t) {
  std::string s = iso_time(t).substr(0, 16);
  if (s.size() > 10) s[10] = ' ';
  return s.empty() ? "-" : s;
}

void scope_text(std::string& out, const scan::SummaryScope& s) {
  if (s.phases.empty()) {
    out += "  (no findings)\n";
    return;
  }
  for (const scan::PhaseTable& t : s.phases) {
    out += terminal_text(t.phase);
    out += '\n';
    out +=
        "  Rank  Command                 Count  Hosts  Users  First seen (UTC)  Last seen (UTC)"
        "   Options\n";
    for (const scan::SummaryRow& r : t.rows) {
      std::string line =
          fmt::format("  {:>4}  {}  {:>5}  {:>5}  {:>5}  {:<16}  {:<16}  {}", r.rank,
                      fit(terminal_text(r.command), 22), r.count, r.hosts, r.users, minute(r.first),
                      minute(r.last), terminal_text(options_text(r.options)));
      while (line.back() == ' ') line.pop_back();
      out += line;
      out += '\n';
    }
  }
}

void scope_json(std::string& out, const scan::SummaryScope& s) {
  out += '{';
  if (!s.host.empty()) {
    out += "\"host\":";
    events::append_json_string(out, s.host);
    out += ',';
  }
  out += fmt::format("\"findings\":{},\"phases\":[", s.findings);
  for (std::size_t p = 0; p < s.phases.size(); ++p) {
    if (p > 0) out += ',';
    out += "{\"phase\":";
    events::append_json_string(out, s.phases[p].phase);
    out += ",\"rows\":[";
    for (std::size_t i = 0; i < s.phases[p].rows.size(); ++i) {
      const scan::SummaryRow& r = s.phases[p].rows[i];
      if (i > 0) out += ',';
      out += fmt::format("{{\"rank\":{},\"command\":", r.rank);
      events::append_json_string(out, r.command);
      out += fmt::format(",\"count\":{},\"options\":[", r.count);
      for (std::size_t k = 0; k < r.options.size(); ++k) {
        if (k > 0) out += ',';
        events::append_json_string(out, r.options[k]);
      }
      out += fmt::format("],\"first\":\"{}\",\"last\":\"{}\",\"hosts\":{},\"users\":{}}}",
                         iso_time(r.first), iso_time(r.last), r.hosts, r.users);
    }
    out += "]}";
  }
  out += "]}";
}

}  // namespace

void append_summary_text(std::string& out, const scan::Summary& s) {
  out +=
      fmt::format("Summary (JPCERT/CC 2015 form): {} finding{}, {} host{}\n\n", s.all.findings,
                  s.all.findings == 1 ? "" : "s", s.hosts.size(), s.hosts.size() == 1 ? "" : "s");
  // One host: its block is the whole run's, printed once.
  if (s.hosts.size() != 1) {
    out += "== All hosts ==\n";
    scope_text(out, s.all);
  }
  for (const scan::SummaryScope& h : s.hosts) {
    out += fmt::format("{}== Host {} ({} finding{}) ==\n", s.hosts.size() == 1 ? "" : "\n",
                       terminal_text(h.host), h.findings, h.findings == 1 ? "" : "s");
    scope_text(out, h);
  }
  if (s.applocker.any()) {
    out += fmt::format(
        "\nAppLocker (executions with an 8002-8004 record): {} allowed, {} audited (would have "
        "been blocked), {} blocked (did not run)\n",
        s.applocker.allowed, s.applocker.audited, s.applocker.blocked);
  }
}

void append_summary_json(std::string& out, const scan::Summary& s) {
  out += fmt::format("{{\"type\":\"summary\",\"findings\":{},\"all\":", s.all.findings);
  scope_json(out, s.all);
  out += ",\"hosts\":[";
  for (std::size_t i = 0; i < s.hosts.size(); ++i) {
    if (i > 0) out += ',';
    scope_json(out, s.hosts[i]);
  }
  out += ']';
  if (s.applocker.any()) {
    out += fmt::format(",\"applocker\":{{\"allowed\":{},\"audited\":{},\"blocked\":{}}}",
                       s.applocker.allowed, s.applocker.audited, s.applocker.blocked);
  }
  out += "}\n";
}

}  // namespace cmdsentry::report
