#include "report/table_writer.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/fields.h"

namespace cmdsentry::report {
namespace {

constexpr std::size_t kFlushBytes = 1 << 16;
// Column widths (code points) before the last column, and the two-space gutter.
constexpr std::size_t kHost = 12, kUser = 16, kPhase = 17, kTactic = 17, kRule = 24, kNoise = 8,
                      kObf = 3, kGutter = 2, kMinArgs = 16;

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

/// ANSI SGR for a phase (study phases in the study's order of alarm) and a level.
std::string_view phase_color(std::string_view phase) {
  if (phase == "recon") return "\x1b[34m";
  if (phase == "discovery") return "\x1b[33m";
  if (phase == "spread") return "\x1b[31m";
  return phase.empty() ? "" : "\x1b[35m";
}
std::string_view level_color(std::string_view level) {
  if (level == "critical" || level == "high") return "\x1b[1;31m";
  if (level == "medium") return "\x1b[33m";
  if (level == "informational") return "\x1b[2m";
  return "";
}

}  // namespace

std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  if (width == 0) width = 1;
  while (code_points(text) > width) {
    // Byte offset after `width` code points, and the last break character before it.
    std::size_t i = 0, cols = 0, brk = 0;
    while (i < text.size() && cols < width) {
      std::size_t len = 1;
      while (i + len < text.size() && (static_cast<unsigned char>(text[i + len]) & 0xC0) == 0x80) {
        ++len;
      }
      const char c = text[i];
      i += len;
      ++cols;
      if (c == ' ' || c == '-' || c == '\\' || c == '.' || c == ',') brk = i;
    }
    const std::size_t cut = brk > 0 ? brk : i;
    std::string line(text.substr(0, cut));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    lines.push_back(std::move(line));
    text.remove_prefix(cut);
  }
  lines.emplace_back(text);
  return lines;
}

std::string short_host(std::string_view host) {
  const bool ip = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == ':';
  });
  return std::string(ip ? host : host.substr(0, host.find('.')));
}

void TableWriter::row(std::string_view time, std::string_view host, std::string_view user,
                      std::string_view phase, std::string_view tactic, std::string_view rule,
                      std::string_view noise, std::string_view obf, std::string_view args,
                      std::string_view level) {
  const std::size_t width = width_ > 0 ? static_cast<std::size_t>(width_) : 0;
  const bool paint = color_ && !level.empty();  // header rows have no level
  struct Column {
    std::string_view text;
    std::size_t width;
    bool shown;
    std::string_view color;
    bool right = false;
  };
  // 19 columns for "2026-03-02 13:12:05", 20 with a Z, 25 with an offset.
  const std::size_t time_width = !time_.iso ? 19 : time_.local ? 25 : 20;
  Column cols[] = {
      {time, time_width, true, ""}, {host, kHost, true, ""},
      {user, kUser, true, ""},      {phase, kPhase, true, paint ? phase_color(phase) : ""},
      {tactic, kTactic, true, ""},  {rule, kRule, true, paint ? level_color(level) : ""},
      {noise, kNoise, true, ""},    {obf, kObf, true, "", true}};
  auto fixed = [&] {
    std::size_t n = 0;
    for (const Column& c : cols) n += c.shown ? c.width + kGutter : 0;
    return n;
  };
  // Narrow terminal: leave out OBF, then NOISE, then TACTIC, before ARGS gets under kMinArgs.
  for (std::size_t drop : {7u, 6u, 4u}) {
    if (fixed() + kMinArgs <= width) break;
    cols[drop].shown = false;
  }
  const std::size_t rest = std::max(kMinArgs, width > fixed() ? width - fixed() : 0);
  std::vector<std::vector<std::string>> cells;
  std::size_t lines = 1;
  for (const Column& c : cols) {
    cells.push_back(c.shown ? wrap(terminal_text(c.text), c.width) : std::vector<std::string>{});
    lines = std::max(lines, cells.back().size());
  }
  const std::string gutter(kGutter, ' ');
  for (std::size_t l = 0; l < lines; ++l) {
    std::string line;
    for (std::size_t k = 0; k < std::size(cols); ++k) {
      const Column& c = cols[k];
      if (!c.shown) continue;
      const std::string value = l < cells[k].size() ? cells[k][l] : std::string();
      const std::size_t pad = c.width > code_points(value) ? c.width - code_points(value) : 0;
      if (c.right) line.append(pad, ' ');
      if (!c.color.empty() && !value.empty()) {
        line += c.color;
        line += value;
        line += "\x1b[0m";
      } else {
        line += value;
      }
      if (!c.right) line.append(pad, ' ');
      line += gutter;
    }
    if (l == 0) line += fit(terminal_text(args), rest, false);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    buf_ += line;
    buf_ += '\n';
  }
}

void TableWriter::begin() {
  row("TIME (" + zone_label(time_) + ")", "HOST", "USER", "PHASE", "TACTIC", "RULE", "NOISE", "OBF",
      "ARGS");
}

void TableWriter::write(const Finding& f) {
  const ProcessEvent& e = *f.process;
  const std::string time = display_time(e.time, time_);
  std::string args = f.args;
  if (!e.command_line_logged && args.empty()) args = "(command line not logged)";
  if (e.applocker->decision == AppLockerDecision::kBlocked) {
    args = "[blocked by AppLocker: did not run] " + args;
  } else if (e.applocker->decision == AppLockerDecision::kAudited) {
    args = "[AppLocker audit: would be blocked] " + args;
  }
  const Level level = headline_level(f);
  row(time, short_host(e.host()), user_of(e), f.phase(), f.tactic(), f.rule(),
      kb::to_string(f.noise()), std::to_string(f.obfuscation_score), args, to_string(level));
  if (const Match* m = f.first(MatchEngine::kCorrelation); m != nullptr && m->correlation) {
    // A Sigma correlation: what met its condition, over which window and group.
    const CorrelationInfo& c = *m->correlation;
    std::string line = fmt::format("    correlation \"{}\": {} = {:g} over {} match(es), {} .. {}",
                                   m->title, c.type, c.value, c.events,
                                   display_time(c.first, time_), display_time(c.last, time_));
    for (const MatchedField& g : m->fields) line += ", " + g.name + "=" + g.value;
    buf_ += terminal_text(line);
    buf_ += '\n';
  }
  ++rows_;
  if (buf_.size() >= kFlushBytes) {
    out_(buf_);
    buf_.clear();
  }
}

namespace {

/// Lines of an incident's evidence shown in a table block.
constexpr std::size_t kIncidentLines = 40;

std::string clock_of(std::uint64_t t, const TimeStyle& style) {
  return display_time(t, style).substr(11, 8);
}

std::string span_text(std::uint64_t start, std::uint64_t end) {
  const std::uint64_t secs = end > start ? (end - start) / 10'000'000 : 0;
  if (secs < 120) return std::to_string(secs) + " s";
  if (secs < 7200) return std::to_string(secs / 60) + " min";
  return std::to_string(secs / 3600) + " h " + std::to_string(secs / 60 % 60) + " min";
}

}  // namespace

void TableWriter::on_incident(const Incident& inc) {
  const std::size_t width = width_ > 40 ? static_cast<std::size_t>(width_) : 40;
  const std::string t0 = display_time(inc.start, time_);
  std::string head = "== INCIDENT " + inc.id + "  score " + std::to_string(inc.score) + "  " +
                     short_host(inc.host) + "  " + inc.user + "  " + t0 + " -> " +
                     clock_of(inc.end, time_) + " " + zone_label(time_) + " (" +
                     span_text(inc.start, inc.end) + ", " + std::to_string(inc.findings_total) +
                     " findings)";
  const std::string head_text = fit(terminal_text(head), width, false);
  buf_ += color_ ? "\n\x1b[1m" + head_text + "\x1b[0m\n" : "\n" + head_text + "\n";
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
      std::string line = "     " + clock_of(r.time, time_) + "  " + fit(r.command, 20) + "  " +
                         (r.command_line.empty() ? r.image : r.command_line);
      buf_ += fit(terminal_text(line), width, false) + "\n";
    }
  }
  if (inc.findings_total > shown) {
    buf_ +=
        "     ... " +
        std::to_string(inc.findings_total - std::min<std::uint64_t>(shown, inc.findings_total)) +
        " more (see the timeline, --format jsonl)\n";
  }
  buf_ += "\n";
  row("TIME (" + zone_label(time_) + ")", "HOST", "USER", "PHASE", "TACTIC", "RULE", "NOISE", "OBF",
      "ARGS");
}

void TableWriter::on_automation(const AutomationLine& a) {
  std::string line = "   " + a.pattern + ": " + std::to_string(a.count) + " finding(s) on " +
                     std::to_string(a.hosts) + " host(s) (" + join(a.commands, ' ') + "); " +
                     a.evidence;
  automation_ +=
      fit(terminal_text(line), width_ > 40 ? static_cast<std::size_t>(width_) : 40, false);
  automation_ += '\n';
}

void TableWriter::finish() {
  if (rows_ == 0) buf_ += "(no findings)\n";
  if (!automation_.empty()) {
    buf_ +=
        "\nKnown automation, kept out of incidents and of the timeline (--show-automation lists "
        "them):\n" +
        automation_;
  }
  if (!buf_.empty()) out_(buf_);
  buf_.clear();
}

}  // namespace cmdsentry::report
