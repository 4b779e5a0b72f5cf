#include "events/event_json.h"

#include <charconv>
#include <cstring>
#include <span>

#include "core/number.h"
#include "core/time.h"
#include "core/utf.h"

namespace cmdsentry::events {
namespace {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) { out_ += '{'; }
  void key(std::string_view k) {
    // Keys are this file's own ASCII names: `,"name":` in one append.
    char buf[48];
    std::size_t n = 0;
    if (!first_) buf[n++] = ',';
    first_ = false;
    if (k.size() + 4 > sizeof buf) {
      out_.append(buf, n);
      out_ += '"';
      out_ += k;
      out_ += "\":";
      return;
    }
    buf[n++] = '"';
    std::memcpy(buf + n, k.data(), k.size());
    n += k.size();
    buf[n++] = '"';
    buf[n++] = ':';
    out_.append(buf, n);
  }
  void str(std::string_view k, std::string_view v) {
    if (v.empty()) return;
    key(k);
    append_json_string(out_, v);
  }
  void num(std::string_view k, std::uint64_t v) {
    key(k);
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  void hex(std::string_view k, std::uint64_t v) {
    char buf[20];
    key(k);
    out_ += '"';
    out_ += format_hex(v, buf);
    out_ += '"';
  }
  void boolean(std::string_view k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
  }
  void time(std::string_view k, std::uint64_t ft) {
    if (ft == 0) return;
    key(k);
    out_ += '"';
    append_filetime_iso(out_, ft, 6);
    out_ += '"';
  }
  void raw(std::string_view k, std::string_view json) {
    key(k);
    out_ += json;
  }
  void close() { out_ += '}'; }

 private:
  std::string& out_;
  bool first_ = true;
};

void write_source(std::string& out, const SourceRef& s) {
  Writer w(out);
  w.str("file", s.file.str());
  if (s.record_id != 0) w.num("record_id", s.record_id);
  if (s.has_evtx_position()) {
    w.num("record_number", s.record_number);
    w.num("chunk", static_cast<std::uint64_t>(s.chunk));
  }
  if (s.line != 0) w.num("line", s.line);
  if (s.line == 0 && s.offset != 0) w.num("offset", s.offset);
  if (s.carved) w.boolean("carved", true);
  if (s.hidden) w.boolean("hidden", true);
  w.close();
}

template <class Records>
void write_sources(Writer& w, std::string& out, const Records& evidence) {
  if (evidence.empty()) return;
  w.key("sources");
  out += '[';
  bool first = true;
  for (const auto& record : evidence) {
    if (!first) out += ',';
    first = false;
    write_source(out, record->source);
  }
  out += ']';
}

void write_process(std::string& out, const ProcessEvent& p, const JsonOptions& o) {
  Writer w(out);
  w.str("type", "process");
  w.time("time", p.time);
  w.str("host", p.host());
  w.str("user_sid", p.user_sid());
  w.str("user_domain", p.user_domain());
  w.str("user_name", p.user_name());
  if (p.logon_id != 0) w.hex("logon_id", p.logon_id);
  w.num("pid", p.pid);
  if (p.parent_pid) w.num("parent_pid", *p.parent_pid);
  w.str("image", p.image());
  w.str("command_line", p.command_line());
  w.boolean("command_line_logged", p.command_line_logged);
  w.str("parent_image", p.parent_image());
  w.str("parent_command_line", p.parent_command_line());
  if (p.integrity != Integrity::kUnknown) w.str("integrity", to_string(p.integrity));
  w.str("process_guid", p.process_guid());
  w.str("parent_process_guid", p.parent_process_guid());
  w.str("original_file_name", p.original_file_name());
  w.str("current_directory", p.current_directory());
  const FileHashes& h = *p.hashes;
  if (!h.md5.empty() || !h.sha1.empty() || !h.sha256.empty() || !h.imphash.empty()) {
    w.key("hashes");
    Writer hw(out);
    hw.str("md5", h.md5);
    hw.str("sha1", h.sha1);
    hw.str("sha256", h.sha256);
    hw.str("imphash", h.imphash);
    hw.close();
  }
  if (p.applocker->decision != AppLockerDecision::kNone) {
    const AppLockerInfo& a = *p.applocker;
    w.key("applocker");
    Writer aw(out);
    aw.str("decision", to_string(a.decision));
    aw.str("policy", a.policy);
    aw.str("rule_id", a.rule_id);
    aw.str("rule_name", a.rule_name);
    aw.str("rule_sddl", a.rule_sddl);
    aw.str("file_path", a.file_path);
    aw.str("file_hash", a.file_hash);
    aw.str("fqbn", a.fqbn);
    aw.close();
  }
  if (p.helper) {
    w.key("helper");
    Writer hw(out);
    hw.num("pid", p.helper->pid);
    hw.str("image", p.helper->image);
    hw.str("command_line", p.helper->command_line);
    if (o.sources) {
      hw.key("source");
      write_source(out, p.helper->source);
    }
    hw.close();
  }
  std::string kinds = "[";
  if (p.has(EvidenceKind::kSecurity4688)) kinds += "\"4688\",";
  if (p.has(EvidenceKind::kSysmon1)) kinds += "\"sysmon1\",";
  if (p.has(EvidenceKind::kAppLocker)) kinds += "\"applocker\",";
  if (kinds.back() == ',') kinds.pop_back();
  kinds += ']';
  w.raw("evidence", kinds);
  if (o.sources) write_sources(w, out, p.evidence);
  w.close();
}

void write_common(Writer& w, std::string& out, const std::shared_ptr<const RawEvent>& raw,
                  const JsonOptions& o) {
  if (!raw || !o.sources) return;
  const std::shared_ptr<const RawEvent> one[] = {raw};
  write_sources(w, out, std::span(one));
}

}  // namespace

void append_jsonl(std::string& out, const Event& event, const JsonOptions& o) {
  if (const auto* p = std::get_if<ProcessEvent>(&event)) {
    write_process(out, *p, o);
  } else if (const auto* l = std::get_if<LogonEvent>(&event)) {
    Writer w(out);
    w.str("type", "logon");
    w.time("time", l->time);
    w.str("host", l->host);
    w.str("user_sid", l->user_sid);
    w.str("user_domain", l->user_domain);
    w.str("user_name", l->user_name);
    if (l->logon_id != 0) w.hex("logon_id", l->logon_id);
    w.num("logon_type", l->logon_type);
    w.str("source_address", l->source_address);
    w.str("workstation", l->workstation);
    w.str("logon_process", l->logon_process);
    w.str("authentication_package", l->authentication_package);
    write_common(w, out, l->raw, o);
    w.close();
  } else if (const auto* x = std::get_if<ProcessExitEvent>(&event)) {
    Writer w(out);
    w.str("type", "process_exit");
    w.time("time", x->time);
    w.str("host", x->host);
    w.num("pid", x->pid);
    w.str("image", x->image);
    if (x->logon_id != 0) w.hex("logon_id", x->logon_id);
    w.hex("exit_status", x->exit_status);
    write_common(w, out, x->raw, o);
    w.close();
  } else if (const auto* e = std::get_if<OtherEvent>(&event)) {
    Writer w(out);
    w.str("type", "other");
    if (e->raw) {
      w.time("time", e->raw->time_created);
      w.str("host", e->raw->computer());
      w.str("channel", e->raw->channel());
      w.num("event_id", e->raw->event_id);
    }
    write_common(w, out, e->raw, o);
    w.close();
  }
  out += '\n';
}

}  // namespace cmdsentry::events
