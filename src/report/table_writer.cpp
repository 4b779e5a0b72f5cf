#include "report/table_writer.h"

#include <algorithm>

#include "report/fields.h"

namespace cmdsentry::report {
namespace {

constexpr std::size_t kFlushBytes = 1 << 16;
// Column widths (code points) before the last column, and the two-space gutter. The USER column
// is dropped when keeping it would leave ARGS fewer than kMinArgs columns.
constexpr std::size_t kTime = 19, kHost = 12, kUser = 16, kPhase = 9, kTactic = 17, kRule = 24,
                      kNoise = 8, kObf = 3, kGutter = 2, kMinArgs = 16;
constexpr std::size_t kFixed =
    kTime + kHost + kUser + kPhase + kTactic + kRule + kNoise + kObf + 8 * kGutter;

}  // namespace

std::string short_host(std::string_view host) {
  const bool ip = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == ':';
  });
  return std::string(ip ? host : host.substr(0, host.find('.')));
}

void TableWriter::row(std::string_view time, std::string_view host, std::string_view user,
                      std::string_view phase, std::string_view tactic, std::string_view rule,
                      std::string_view noise, std::string_view obf, std::string_view args) {
  const std::size_t width = width_ > 0 ? static_cast<std::size_t>(width_) : 0;
  const bool with_user = width >= kFixed + kMinArgs;
  const std::size_t fixed = with_user ? kFixed : kFixed - kUser - kGutter;
  const std::size_t rest = std::max(kMinArgs, width > fixed ? width - fixed : 0);
  const std::string gutter(kGutter, ' ');
  std::string obf_text = fit(terminal_text(obf), kObf, false);
  obf_text.insert(0, kObf > obf_text.size() ? kObf - obf_text.size() : 0, ' ');  // right-align
  std::string line = fit(terminal_text(time), kTime) + gutter + fit(terminal_text(host), kHost);
  if (with_user) line += gutter + fit(terminal_text(user), kUser);
  line += gutter + fit(terminal_text(phase), kPhase) + gutter +
          fit(terminal_text(tactic), kTactic) + gutter + fit(terminal_text(rule), kRule) + gutter +
          fit(terminal_text(noise), kNoise) + gutter + obf_text + gutter +
          fit(terminal_text(args), rest, false);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  buf_ += line;
  buf_ += '\n';
}

void TableWriter::begin() {
  row("TIME (UTC)", "HOST", "USER", "PHASE", "TACTIC", "RULE", "NOISE", "OBF", "ARGS");
}

void TableWriter::write(const Finding& f) {
  const ProcessEvent& e = *f.process;
  std::string time = iso_time(e.time).substr(0, 19);
  if (time.size() > 10) time[10] = ' ';
  std::string args = f.args;
  if (!e.command_line_logged && args.empty()) args = "(command line not logged)";
  row(time, short_host(e.host()), user_of(e), f.phase(), f.tactic(), f.rule(),
      kb::to_string(f.noise()), std::to_string(f.obfuscation_score), args);
  ++rows_;
  if (buf_.size() >= kFlushBytes) {
    out_(buf_);
    buf_.clear();
  }
}

namespace {

/// Lines of an incident's evidence shown in a table block.
constexpr std::size_t kIncidentLines = 40;

std::string clock_of(std::uint64_t t) { return iso_time(t).substr(11, 8); }

std::string span_text(std::uint64_t start, std::uint64_t end) {
  const std::uint64_t secs = end > start ? (end - start) / 10'000'000 : 0;
  if (secs < 120) return std::to_string(secs) + " s";
  if (secs < 7200) return std::to_string(secs / 60) + " min";
  return std::to_string(secs / 3600) + " h " + std::to_string(secs / 60 % 60) + " min";
}

}  // namespace

void TableWriter::on_incident(const Incident& inc) {
  const std::size_t width = width_ > 40 ? static_cast<std::size_t>(width_) : 40;
  std::string t0 = iso_time(inc.start).substr(0, 19);
  if (t0.size() > 10) t0[10] = ' ';
  std::string head = "== INCIDENT " + inc.id + "  score " + std::to_string(inc.score) + "  " +
                     short_host(inc.host) + "  " + inc.user + "  " + t0 + " -> " +
                     clock_of(inc.end) + " UTC (" + span_text(inc.start, inc.end) + ", " +
                     std::to_string(inc.findings_total) + " findings)";
  buf_ += "\n" + fit(terminal_text(head), width, false) + "\n";
  std::string phases;
  for (const std::string& p : inc.phases) phases += (phases.empty() ? "" : " -> ") + p;
  if (!phases.empty()) buf_ += fit(terminal_text("   phases   " + phases), width, false) + "\n";
  if (!inc.targets.empty()) {
    buf_ += fit(terminal_text("   targets  " + join(inc.targets, ' ')), width, false) + "\n";
  }
  if (!inc.related.empty()) {
    buf_ += fit(terminal_text("   related  " + join(inc.related, ' ')), width, false) + "\n";
  }
  for (std::size_t i = 0; i < inc.reasons.size(); ++i) {
    buf_ += fit(terminal_text((i == 0 ? "   why      - " : "            - ") + inc.reasons[i]),
                width, false) +
            "\n";
  }
  // The chain as a tree: each ancestry once, the commands under it in time order.
  std::vector<std::string> groups;
  for (const EvidenceRef& r : inc.findings) {
    if (std::find(groups.begin(), groups.end(), r.ancestry) == groups.end()) {
      groups.push_back(r.ancestry);
    }
  }
  std::size_t shown = 0;
  for (const std::string& g : groups) {
    if (shown >= kIncidentLines) break;
    buf_ += fit(terminal_text("   under    " + (g.empty() ? std::string("(unknown parent)") : g)),
                width, false) +
            "\n";
    for (const EvidenceRef& r : inc.findings) {
      if (r.ancestry != g) continue;
      if (shown++ >= kIncidentLines) break;
      std::string line = "     " + clock_of(r.time) + "  " + fit(r.command, 20) + "  " +
                         (r.command_line.empty() ? r.image : r.command_line);
      buf_ += fit(terminal_text(line), width, false) + "\n";
    }
  }
  if (inc.findings_total > shown) {
    buf_ += "     ... " + std::to_string(inc.findings_total - std::min<std::uint64_t>(shown, inc.findings_total)) +
            " more (see the timeline, --format jsonl)\n";
  }
  buf_ += "\n";
  row("TIME (UTC)", "HOST", "USER", "PHASE", "TACTIC", "RULE", "NOISE", "OBF", "ARGS");
}

void TableWriter::on_automation(const AutomationLine& a) {
  std::string line = "   " + a.pattern + ": " + std::to_string(a.count) + " finding(s) on " +
                     std::to_string(a.hosts) + " host(s) (" + join(a.commands, ' ') + "); " +
                     a.evidence;
  automation_ += fit(terminal_text(line), width_ > 40 ? static_cast<std::size_t>(width_) : 40, false);
  automation_ += '\n';
}

void TableWriter::finish() {
  if (rows_ == 0) buf_ += "(no findings)\n";
  if (!automation_.empty()) {
    buf_ += "\nKnown automation, kept out of incidents and of the timeline (--show-automation lists "
            "them):\n" + automation_;
  }
  if (!buf_.empty()) out_(buf_);
  buf_.clear();
}

}  // namespace cmdsentry::report
