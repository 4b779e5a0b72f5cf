#include "report/run_reader.h"

#include <simdjson.h>

#include <algorithm>

#include "core/limits.h"
#include "core/time.h"
#include "kb/detector.h"

namespace cmdsentry::report {
namespace {

using simdjson::dom::element;

std::string_view str(element e, std::string_view key) {
  std::string_view v;
  if (e[key].get(v) != simdjson::SUCCESS) return {};
  return v;
}

std::uint64_t num(element e, std::string_view key) {
  std::uint64_t v = 0;
  if (e[key].get(v) != simdjson::SUCCESS) return 0;
  return v;
}

std::string joined(element e, std::string_view key) {
  std::string out;
  simdjson::dom::array a;
  if (e[key].get(a) != simdjson::SUCCESS) return out;
  for (element item : a) {
    std::string_view v;
    if (item.get(v) != simdjson::SUCCESS) continue;
    if (!out.empty()) out += ' ';
    out.append(v);
  }
  return out;
}

int level_rank(std::string_view name) {
  for (Level l :
       {Level::kInformational, Level::kLow, Level::kMedium, Level::kHigh, Level::kCritical}) {
    if (to_string(l) == name) return static_cast<int>(l);
  }
  return -1;
}

void to_report(element e, ReportFinding& r) {
  r.time = parse_iso_time(str(e, "timestamp")).value_or(0);
  r.host = str(e, "host");
  r.user = str(e, "user");
  r.phase = str(e, "phase");
  r.command = str(e, "command");
  r.rule = str(e, "rule");
  r.tactic = str(e, "tactic");
  r.technique = joined(e, "technique");
  r.noise = str(e, "noise");
  r.args = str(e, "args");
  r.command_line = str(e, "command_line");
  r.image = str(e, "image");
  r.parent_image = str(e, "parent_image");
  r.source = str(e, "source");
  r.record = num(e, "record");
  r.incident = str(e, "incident");
  r.ancestry = str(e, "ancestry");
  r.origin = str(e, "origin");
  element obf;
  if (e["obfuscation"].get(obf) == simdjson::SUCCESS) {
    r.obfuscation = static_cast<int>(std::min<std::uint64_t>(num(obf, "score"), 100));
  }
  // The headline level: the knowledge base's (from its noise, as kb::KbDetector sets it) or the
  // highest of the other detectors' matches.
  int level = -1;
  for (kb::Noise n : {kb::Noise::kVeryLow, kb::Noise::kLow, kb::Noise::kMedium, kb::Noise::kHigh}) {
    if (kb::to_string(n) == r.noise) level = static_cast<int>(kb::level_of(n));
  }
  simdjson::dom::array matches;
  if (e["matches"].get(matches) == simdjson::SUCCESS) {
    for (element m : matches) level = std::max(level, level_rank(str(m, "level")));
  }
  r.level = level < 0 ? "" : to_string(static_cast<Level>(level));
}

class LineParser {
 public:
  /// The record's type, or empty when `line` is not a JSON object with a string "type".
  std::string_view parse(std::string_view line, element& root, std::string& why) {
    const simdjson::padded_string padded(line);
    if (auto err = parser_.parse(padded).get(root); err != simdjson::SUCCESS) {
      why = simdjson::error_message(err);
      return {};
    }
    if (!root.is_object()) {
      why = "not a JSON object";
      return {};
    }
    std::string_view type = str(root, "type");
    if (type.empty()) why = "no \"type\"";
    return type;
  }

 private:
  simdjson::dom::parser parser_;
};

}  // namespace

bool parse_finding_json(std::string_view json, ReportFinding& out) {
  LineParser p;
  element root;
  std::string why;
  if (p.parse(json, root, why) != "finding") return false;
  to_report(root, out);
  return true;
}

namespace {

/// The fields of an incident record a filter looks at.
Incident incident_for_filter(element e) {
  Incident inc;
  inc.host = str(e, "host");
  inc.user = str(e, "user");
  inc.start = parse_iso_time(str(e, "start")).value_or(0);
  inc.end = parse_iso_time(str(e, "end")).value_or(0);
  simdjson::dom::array a;
  if (e["phases"].get(a) == simdjson::SUCCESS) {
    for (element p : a) {
      std::string_view v;
      if (p.get(v) == simdjson::SUCCESS) inc.phases.emplace_back(v);
    }
  }
  if (e["findings"].get(a) == simdjson::SUCCESS) {
    for (element f : a) {
      EvidenceRef r;
      r.phase = str(f, "phase");
      inc.findings.push_back(std::move(r));
    }
  }
  return inc;
}

}  // namespace

RunReadStats read_run(std::istream& in, HtmlWriter& writer, const FilterSpec* filter) {
  RunReadStats stats;
  LineParser parser;
  std::string line;
  std::uint64_t number = 0;
  bool too_long = false;
  auto problem = [&](std::string why) {
    ++stats.skipped;
    if (stats.problems.size() < RunReadStats::kMaxProblems) {
      stats.problems.push_back("line " + std::to_string(number) + ": " + why);
    }
  };
  auto handle = [&] {
    ++number;
    if (too_long) {
      ++stats.lines;
      problem("longer than " + std::to_string(limits::kMaxLineBytes) + " bytes");
      return;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) return;
    ++stats.lines;
    element root;
    std::string why;
    const std::string_view type = parser.parse(line, root, why);
    if (type == "finding") {
      ReportFinding r;
      to_report(root, r);
      if (filter != nullptr && !filter->keep(r.time, r.host, r.user, r.phase)) {
        ++stats.filtered;
        return;
      }
      writer.add(r);
      ++stats.findings;
    } else if (type == "incident" && filter != nullptr &&
               !filter->keep(incident_for_filter(root))) {
      ++stats.filtered;
    } else if (type == "incident" || type == "automation") {
      // Written again from the parsed value: valid, minified JSON whatever the line held.
      const std::string json = simdjson::minify(root);
      if (type == "incident") {
        writer.add_incident_json(json);
        ++stats.incidents;
      } else {
        writer.add_automation_json(json);
        ++stats.automation;
      }
    } else if (!type.empty()) {
      ++stats.other;
    } else {
      problem(why);
    }
  };
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    const std::size_t got = static_cast<std::size_t>(in.gcount());
    std::size_t start = 0;
    for (std::size_t i = 0; i < got; ++i) {
      if (buf[i] != '\n') continue;
      if (!too_long) line.append(buf + start, i - start);
      handle();
      line.clear();
      too_long = false;
      start = i + 1;
    }
    if (!too_long) line.append(buf + start, got - start);
    if (line.size() > limits::kMaxLineBytes) {
      too_long = true;
      line.clear();
    }
  }
  if (!line.empty() || too_long) handle();
  return stats;
}

}  // namespace cmdsentry::report
