#include "report/jsonl_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "events/event_json.h"
#include "report/fields.h"

namespace cmdsentry::report {
namespace {

constexpr std::size_t kFlushBytes = 1 << 16;

/// Minimal JSON object builder over a string.
class Obj {
 public:
  explicit Obj(std::string& out) : out_(out) { out_ += '{'; }
  void str(std::string_view k, std::string_view v) {
    key(k);
    events::append_json_string(out_, v);
  }
  void opt_str(std::string_view k, std::string_view v) {
    if (!v.empty()) str(k, v);
  }
  void num(std::string_view k, std::uint64_t v) {
    key(k);
    out_ += std::to_string(v);
  }
  void boolean(std::string_view k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
  }
  void list(std::string_view k, const std::vector<std::string>& items) {
    key(k);
    out_ += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out_ += ',';
      events::append_json_string(out_, items[i]);
    }
    out_ += ']';
  }
  void key(std::string_view k) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += k;
    out_ += "\":";
  }
  void close() { out_ += '}'; }
  [[nodiscard]] std::string& buffer() { return out_; }

 private:
  std::string& out_;
  bool first_ = true;
};

/// `"key":[{"field":..,"value":..}, ...]`.
void field_list(Obj& a, std::string_view key, const std::vector<MatchedField>& fields) {
  std::string& out = a.buffer();
  a.key(key);
  out += '[';
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    Obj fo(out);
    fo.str("field", fields[i].name);
    fo.str("value", fields[i].value);
    fo.close();
  }
  out += ']';
}

/// A Sigma correlation's match: its group-by values, the value that met the condition, the
/// window and the base matches' records.
void write_correlation(Obj& a, const Match& m) {
  const CorrelationInfo& c = *m.correlation;
  std::string& out = a.buffer();
  a.str("rule_title", m.title);
  a.list("tags", m.tags);
  a.str("correlation_type", c.type);
  field_list(a, "group", m.fields);
  a.key("value");
  out += fmt::format("{}", std::isfinite(c.value) ? c.value : 0.0);
  a.num("events", c.events);
  a.str("first", iso_time(c.first));
  a.str("last", iso_time(c.last));
  a.num("timespan_seconds", c.timespan / 10'000'000);
  a.key("records");
  out += '[';
  for (std::size_t i = 0; i < c.records.size(); ++i) {
    if (i > 0) out += ',';
    Obj r(out);
    r.str("source", c.records[i].source);
    r.num("record", c.records[i].record);
    r.str("time", iso_time(c.records[i].time));
    r.close();
  }
  out += ']';
}

/// Timesketch's three required fields, first in each record of the timesketch profile.
void timesketch_fields(Obj& o, std::string_view message, std::uint64_t time,
                       std::string_view desc) {
  o.str("message", message);
  o.str("datetime", iso_time(time));
  o.str("timestamp_desc", desc);
}

/// The fields every profile starts a finding with (after Timesketch's).
void finding_head(Obj& o, std::string& out, const Finding& f) {
  const ProcessEvent& e = *f.process;
  o.str("type", "finding");
  o.key("incident");
  if (f.incident.empty()) {
    out += "null";
  } else {
    events::append_json_string(out, f.incident);
  }
  o.str("timestamp", iso_time(e.time));
  o.str("host", e.host());
  o.str("user", user_of(e));
  o.str("phase", f.phase());
  o.str("command", f.command());
  o.str("rule", f.rule());
}

void append_minimal_json(std::string& out, const Finding& f) {
  const ProcessEvent& e = *f.process;
  const SourceRef& src = source_of(e);
  Obj o(out);
  finding_head(o, out, f);
  o.str("level", to_string(headline_level(f)));
  o.str("command_line", e.command_line());
  o.str("source", src.file);
  o.num("record", record_of(src));
  o.close();
  out += '\n';
}

}  // namespace

void append_finding_json(std::string& out, const Finding& f, Profile profile) {
  if (profile == Profile::kMinimal) {
    append_minimal_json(out, f);
    return;
  }
  const ProcessEvent& e = *f.process;
  const SourceRef& src = source_of(e);
  Obj o(out);
  if (profile == Profile::kTimesketch) {
    timesketch_fields(o, timeline_message(f), e.time,
                      f.execution ? "Process creation" : "Event logged");
  }
  finding_head(o, out, f);
  o.str("tactic", f.tactic());
  o.list("technique", f.techniques());
  if (f.kb() != nullptr) o.str("noise", kb::to_string(f.noise()));
  o.boolean("study", f.study());
  o.boolean("builtin", f.builtin());
  if (f.kb() != nullptr && f.kb()->renamed) {
    o.boolean("renamed", true);
    o.str("original_file_name", e.original_file_name());
  }
  o.str("args", f.args);
  if (!f.targets.empty()) o.list("targets", f.targets);
  o.str("image", e.image());
  o.str("command_line", e.command_line());
  if (!e.command_line_logged) o.boolean("command_line_logged", false);
  if (e.applocker->decision != AppLockerDecision::kNone) {
    // What AppLocker decided; blocked: the program did not run.
    const AppLockerInfo& a = *e.applocker;
    o.key("applocker");
    Obj ao(out);
    ao.str("decision", to_string(a.decision));
    if (a.decision == AppLockerDecision::kBlocked) ao.boolean("ran", false);
    ao.str("policy", a.policy);
    ao.str("rule_name", a.rule_name);
    ao.str("rule_id", a.rule_id);
    ao.close();
  }
  o.str("parent_image", e.parent_image());
  o.opt_str("parent_command_line", e.parent_command_line());
  if (e.pid != 0) o.num("process_id", e.pid);
  if (e.parent_pid) o.num("parent_process_id", *e.parent_pid);
  o.opt_str("user_sid", e.user_sid());
  o.opt_str("logon_id", hex_id(e.logon_id));
  o.opt_str("ancestry", f.ancestry);
  o.opt_str("automation", f.automation);
  o.str("origin", cmdline::to_string(f.origin));
  o.boolean("via_cmd", f.via_cmd);
  if (f.via) {
    const ProcessEvent& v = *f.via;
    const SourceRef& vs = source_of(v);
    o.key("via");
    Obj vo(out);
    vo.str("timestamp", iso_time(v.time));
    if (v.pid != 0) vo.num("process_id", v.pid);
    vo.str("image", v.image());
    vo.str("command_line", v.command_line());
    vo.opt_str("parent_image", v.parent_image());
    vo.opt_str("parent_command_line", v.parent_command_line());
    vo.str("source", vs.file);
    vo.num("record", record_of(vs));
    vo.close();
  }
  o.key("obfuscation");
  {
    Obj ob(out);
    ob.num("score", static_cast<std::uint64_t>(f.obfuscation_score));
    std::vector<std::string> reasons;
    for (auto r : f.obfuscation) reasons.emplace_back(cmdline::to_string(r));
    ob.list("reasons", reasons);
    ob.close();
  }
  o.opt_str("decoded", f.decoded);
  o.str("source", src.file);
  o.num("record", record_of(src));
  if (src.line != 0 && src.record_id != 0) o.num("line", src.line);
  if (src.has_evtx_position()) {
    o.num("chunk", static_cast<std::uint64_t>(src.chunk));
    o.num("offset", src.offset);
  }
  if (src.carved) o.boolean("carved", true);
  if (src.hidden) o.boolean("hidden", true);
  if (!f.execution && !e.evidence.empty()) {
    // A finding on a logged event that is not an execution: which one.
    o.str("channel", e.evidence.front()->channel());
    o.num("event_id", e.evidence.front()->event_id);
  }
  if (profile == Profile::kVerbose) {
    o.str("level", to_string(headline_level(f)));
    o.opt_str("process_guid", e.process_guid());
    o.opt_str("parent_process_guid", e.parent_process_guid());
    o.opt_str("current_directory", e.current_directory());
    // A renamed copy's original_file_name is written above already.
    if (f.kb() == nullptr || !f.kb()->renamed) {
      o.opt_str("original_file_name", e.original_file_name());
    }
  }
  // The knowledge base's match is the headline fields above; other detectors' matches
  // (Sigma, baseline, policy, correlation) are listed.
  if (f.matches.size() > 1 || (f.matches.size() == 1 && f.kb() == nullptr)) {
    o.key("matches");
    out += '[';
    bool first = true;
    for (const Match& m : f.matches) {
      if (m.engine == MatchEngine::kKb) continue;
      if (!first) out += ',';
      first = false;
      Obj a(out);
      a.str("engine", to_string(m.engine));
      a.str("rule_id", m.rule_id);
      a.str("title", m.title);
      a.str("level", to_string(m.level));
      a.opt_str("phase", m.phase);
      a.opt_str("tactic", m.tactic);
      if (!m.techniques.empty()) a.list("technique", m.techniques);
      if (m.engine == MatchEngine::kSigma) {
        // The Sigma names of the same facts, and why the rule matched.
        a.str("rule_title", m.title);
        a.list("tags", m.tags);
        field_list(a, "matched", m.fields);
      }
      if (m.correlation) write_correlation(a, m);
      a.close();
    }
    out += ']';
  }
  o.close();
  out += '\n';
}

void JsonlWriter::write(const Finding& f) {
  append_finding_json(buf_, f, profile_);
  if (buf_.size() >= kFlushBytes) {
    out_(buf_);
    buf_.clear();
  }
}

namespace {

void evidence_json(std::string& out, const EvidenceRef& r, bool full) {
  Obj o(out);
  o.str("source", r.source);
  o.num("record", r.record);
  if (full) {
    o.str("timestamp", iso_time(r.time));
    o.str("command", r.command);
    o.opt_str("phase", r.phase);
    o.str("image", r.image);
    o.str("command_line", r.command_line);
    o.opt_str("ancestry", r.ancestry);
  }
  o.close();
}

}  // namespace

void append_incident_json(std::string& out, const Incident& inc, Profile profile) {
  Obj o(out);
  if (profile == Profile::kTimesketch) {
    std::string phases;
    for (const std::string& p : inc.phases) phases += (phases.empty() ? "" : " -> ") + p;
    timesketch_fields(o,
                      "incident " + inc.id + " score " + std::to_string(inc.score) + " on " +
                          inc.host + " (" + inc.user + ")" + (phases.empty() ? "" : ": " + phases),
                      inc.start, "Incident start");
  }
  o.str("type", "incident");
  o.str("id", inc.id);
  o.str("host", inc.host);
  o.str("user", inc.user);
  o.str("start", iso_time(inc.start));
  o.str("end", iso_time(inc.end));
  o.list("phases", inc.phases);
  o.num("score", static_cast<std::uint64_t>(std::max(0, inc.score)));
  o.list("reasons", inc.reasons);
  o.num("findings_total", inc.findings_total);
  o.key("findings");
  out += '[';
  for (std::size_t i = 0; i < inc.findings.size(); ++i) {
    if (i > 0) out += ',';
    evidence_json(out, inc.findings[i], true);
  }
  out += ']';
  o.list("targets", inc.targets);
  o.list("related", inc.related);
  o.close();
  out += '\n';
}

void append_automation_json(std::string& out, const AutomationLine& a, Profile profile) {
  Obj o(out);
  if (profile == Profile::kTimesketch) {
    timesketch_fields(o,
                      "known automation " + a.pattern + ": " + std::to_string(a.count) +
                          " finding(s) on " + std::to_string(a.hosts) + " host(s)",
                      a.first, "Automation first seen");
  }
  o.str("type", "automation");
  o.str("pattern", a.pattern);
  o.str("evidence", a.evidence);
  o.num("count", a.count);
  o.num("hosts", a.hosts);
  o.list("host_examples", a.host_examples);
  o.list("commands", a.commands);
  o.str("first", iso_time(a.first));
  o.str("last", iso_time(a.last));
  o.key("example");
  evidence_json(out, a.example, true);
  o.close();
  out += '\n';
}

void JsonlWriter::on_incident(const Incident& incident) {
  append_incident_json(buf_, incident, profile_);
  if (buf_.size() >= kFlushBytes) flush();
}

void JsonlWriter::on_automation(const AutomationLine& line) {
  append_automation_json(buf_, line, profile_);
}

void JsonlWriter::finish() {
  if (!buf_.empty()) out_(buf_);
  buf_.clear();
}

}  // namespace cmdsentry::report
