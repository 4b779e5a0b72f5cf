// The JSON dialects other than the XML-shaped event tree: Winlogbeat (ECS and 6.x), Hayabusa
// detections and the flat one-object-per-event exports (NXLog, HELK, Log Analytics, EvtxECmd).
// Each maps its keys onto RawEvent's System fields and the Windows data-field names, so the
// normalizer sees one shape.
#include <array>
#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/limits.h"
#include "core/number.h"
#include "core/time.h"
#include "sources/fields.h"
#include "sources/json_event.h"

namespace cmdsentry::sources::detail {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// Value at a dotted path ("process.parent.executable") below `base`, or false (also for null).
bool at_path(const std::optional<element>& base, std::string_view path, element& out) {
  if (!base) return false;
  element cur = *base;
  if (path.empty()) {
    out = cur;
    return cur.type() != simdjson::dom::element_type::NULL_VALUE;
  }
  while (true) {
    const std::size_t dot = path.find('.');
    object o;
    if (cur.get(o) || o.at_key(path.substr(0, dot)).get(cur)) return false;
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  out = cur;
  return cur.type() != simdjson::dom::element_type::NULL_VALUE;
}
bool at_path(object root, std::string_view path, element& out) {
  const std::size_t dot = path.find('.');
  element first;
  if (root.at_key(path.substr(0, dot)).get(first)) return false;
  return at_path(std::optional<element>(first),
                 dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1), out);
}

// Text at `path` (viewed or written to scratch), empty when absent.
std::string_view view_at(const std::optional<element>& base, std::string_view path,
                         std::string& scratch) {
  element e;
  if (!at_path(base, path, e)) return {};
  return text_view(e, scratch);
}

std::string_view view_at(object root, std::string_view path, std::string& scratch) {
  element e;
  if (!at_path(root, path, e)) return {};
  return text_view(e, scratch);
}

std::string text_at(object root, std::string_view path) {
  element e;
  std::string s;
  if (at_path(root, path, e)) append_text(e, s);
  return s;
}

std::uint64_t number_at(const std::optional<element>& base, std::string_view path) {
  std::string scratch;
  return parse_number(view_at(base, path, scratch)).value_or(0);
}

std::uint64_t number_at(object root, std::string_view path) {
  std::string scratch;
  return parse_number(view_at(root, path, scratch)).value_or(0);
}

// Puts `value` under `name` unless the event already has that field (ECS copies or moves).
void backfill(RawEvent& out, std::string_view name, std::string_view value) {
  if (value.empty() || find_field(out, name)) return;
  out.add_field(name, value);
}

void copy_object_fields(object root, std::string_view path, RawEvent& out) {
  element e;
  if (!at_path(root, path, e)) return;
  object o;
  if (e.get(o)) return;
  std::string s;
  for (auto [key, value] : o) {
    if (out.field_count() >= limits::kMaxEventFields) return;
    if (key == "xml_name") continue;
    out.add_field(key, text_view(value, s));
  }
}

// The ECS objects Winlogbeat moves Windows fields into.
struct EcsParts {
  std::optional<element> process;
  std::optional<element> user;
  std::optional<element> hash;
  std::optional<element> timestamp;
};

bool present(const std::optional<element>& e) {
  return e && e->type() != simdjson::dom::element_type::NULL_VALUE;
}

std::string_view view_of(const std::optional<element>& e, std::string& scratch) {
  return present(e) ? text_view(*e, scratch) : std::string_view{};
}

// An ECS process object (or its parent) read in one pass, first occurrence of each key.
struct EcsProcess {
  std::optional<element> pid, executable, command_line, entity_id, working_directory, parent;
};

EcsProcess read_ecs_process(const std::optional<element>& e) {
  EcsProcess p;
  object o;
  if (!e || e->get(o)) return p;
  auto first = [](std::optional<element>& slot, element value) {
    if (!slot) slot = value;
  };
  for (auto [key, value] : o) {
    if (key == "pid") first(p.pid, value);
    else if (key == "executable") first(p.executable, value);
    else if (key == "command_line") first(p.command_line, value);
    else if (key == "entity_id") first(p.entity_id, value);
    else if (key == "working_directory") first(p.working_directory, value);
    else if (key == "parent") first(p.parent, value);
  }
  return p;
}

// "0x1f48" from the text of an ECS pid.
std::string_view hex_pid(const element& pid, std::string& scratch, char (&buf)[20]) {
  if (pid.type() == simdjson::dom::element_type::UINT64) return format_hex(pid.get_uint64().value_unsafe(), buf);
  if (pid.type() == simdjson::dom::element_type::INT64 && pid.get_int64().value_unsafe() >= 0) {
    return format_hex(static_cast<std::uint64_t>(pid.get_int64().value_unsafe()), buf);
  }
  return format_hex(parse_number(text_view(pid, scratch)).value_or(0), buf);
}

// Winlogbeat modules move Windows fields to ECS names; put them back under the Windows names.
// Each name is only filled when the event lacks it (the names differ, so one presence check
// before adding any is the same as checking before each).
void restore_ecs_moves(const EcsParts& ecs, RawEvent& out) {
  const bool sysmon = out.event_id == 1 && out.channel().find("Sysmon") != std::string_view::npos;
  std::string s;
  char buf[20];
  if (out.event_id == 4688 && !sysmon) {
    static constexpr FieldNameSet<5> kNames{std::array<std::string_view, 5>{
        "NewProcessId", "ProcessId", "NewProcessName", "ParentProcessName", "CommandLine"}};
    const auto has = out.find_exact(kNames);
    const EcsProcess proc = read_ecs_process(ecs.process);
    const EcsProcess parent = read_ecs_process(proc.parent);
    auto fill = [&](std::size_t i, std::string_view value) {
      if (!has[i] && !value.empty()) out.add_field(kNames[i], value);
    };
    if (present(proc.pid)) fill(0, hex_pid(*proc.pid, s, buf));
    if (present(parent.pid)) fill(1, hex_pid(*parent.pid, s, buf));
    fill(2, view_of(proc.executable, s));
    fill(3, view_of(parent.executable, s));
    fill(4, view_of(proc.command_line, s));
  } else if (sysmon) {
    const EcsProcess proc = read_ecs_process(ecs.process);
    const EcsProcess parent = read_ecs_process(proc.parent);
    backfill(out, "ProcessId", view_of(proc.pid, s));
    backfill(out, "ProcessGuid", view_of(proc.entity_id, s));
    backfill(out, "Image", view_of(proc.executable, s));
    backfill(out, "CommandLine", view_of(proc.command_line, s));
    backfill(out, "CurrentDirectory", view_of(proc.working_directory, s));
    backfill(out, "ParentProcessId", view_of(parent.pid, s));
    backfill(out, "ParentProcessGuid", view_of(parent.entity_id, s));
    backfill(out, "ParentImage", view_of(parent.executable, s));
    backfill(out, "ParentCommandLine", view_of(parent.command_line, s));
    backfill(out, "UtcTime", view_of(ecs.timestamp, s));
    std::string name_scratch, domain_scratch;
    const std::string_view name = view_at(ecs.user, "name", name_scratch);
    if (!name.empty()) {
      const std::string_view domain = view_at(ecs.user, "domain", domain_scratch);
      if (domain.empty()) {
        backfill(out, "User", name);
      } else {
        std::string user(domain);
        user += '\\';
        user += name;
        backfill(out, "User", user);
      }
    }
    std::string hashes;
    for (std::string_view alg : {"sha1", "md5", "sha256", "imphash"}) {
      const std::string_view v = view_at(ecs.hash, alg, s);
      if (v.empty()) continue;
      if (!hashes.empty()) hashes += ',';
      for (char c : alg) hashes += static_cast<char>(c - 32);
      hashes += '=';
      hashes += v;
    }
    backfill(out, "Hashes", hashes);
  }
}

std::uint8_t level_from_name(std::string_view s) {
  if (s.empty() || iequals(s, "information")) return 4;
  if (iequals(s, "critical")) return 1;
  if (iequals(s, "error")) return 2;
  if (iequals(s, "warning")) return 3;
  if (iequals(s, "verbose")) return 5;
  return 4;
}

}  // namespace

void read_winlogbeat(object root, RawEvent& out) {
  // One pass over the top level and one over "winlog": this dialect is the bulk-ingest case.
  // The ECS objects are picked up on the way (first occurrence, like at_key) instead of being
  // looked up by path from the root again for every field.
  std::string s;
  std::optional<element> winlog_e, event_e, host_e, log_e;
  EcsParts ecs;
  auto first = [](std::optional<element>& slot, element value) {
    if (!slot) slot = value;
  };
  for (auto [key, value] : root) {
    if (key.empty()) continue;
    switch (key[0]) {
      case 'w':
        if (key == "winlog") winlog_e = value;  // last one, as the dialect check saw
        break;
      case '@':
        if (key == "@timestamp") {
          out.time_created = parse_iso_time(text_view(value, s)).value_or(0);
          ecs.timestamp = value;
        }
        break;
      case 'e':
        if (key == "event") first(event_e, value);
        break;
      case 'h':
        if (key == "host") first(host_e, value);
        if (key == "hash") first(ecs.hash, value);
        break;
      case 'l':
        if (key == "log") first(log_e, value);
        break;
      case 'p':
        if (key == "process") first(ecs.process, value);
        break;
      case 'u':
        if (key == "user") first(ecs.user, value);
        break;
      default: break;
    }
  }
  object winlog;
  if (!winlog_e || winlog_e->get(winlog)) return;
  std::string channel;
  bool channel_seen = false;
  for (auto [key, value] : winlog) {
    if (key == "event_data" || key == "user_data") {
      object o;
      if (value.get(o)) continue;
      for (auto [k, v] : o) {
        if (out.field_count() >= limits::kMaxEventFields) break;
        if (k == "xml_name") continue;
        out.add_field(k, text_view(v, s));
      }
    } else if (key == "channel") {
      append_text(value, channel);
      channel_seen = true;
    } else if (key == "event_id") {
      out.event_id = static_cast<std::uint32_t>(parse_number(text_view(value, s)).value_or(0));
    } else if (key == "record_id") {
      out.record_id = parse_number(text_view(value, s)).value_or(0);
    } else if (key == "computer_name") {
      out.set_computer(text_view(value, s));
    } else if (key == "provider_name") {
      out.set_provider(text_view(value, s));
    } else if (key == "version") {
      out.version = static_cast<std::uint16_t>(parse_number(text_view(value, s)).value_or(0));
    } else if (key == "process" && value.is_object()) {
      out.process_id = static_cast<std::uint32_t>(number_at(std::optional<element>(value), "pid"));
      out.thread_id = static_cast<std::uint32_t>(number_at(std::optional<element>(value), "thread.id"));
    } else if (key == "user" && value.is_object()) {
      out.set_user_sid(view_at(std::optional<element>(value), "identifier", s));
    }
  }
  if (channel_seen) {
    out.set_channel(channel);
    canonicalize_channel(out);
  }
  if (out.event_id == 0) out.event_id = static_cast<std::uint32_t>(number_at(event_e, "code"));
  if (out.computer().empty()) out.set_computer(view_at(host_e, "name", s));
  if (out.provider().empty()) out.set_provider(view_at(event_e, "provider", s));
  out.level = level_from_name(view_at(log_e, "level", s));
  restore_ecs_moves(ecs, out);
}

void read_winlogbeat6(object root, RawEvent& out) {
  std::string s;
  out.set_channel(view_at(root, "log_name", s));
  canonicalize_channel(out);
  out.event_id = static_cast<std::uint32_t>(number_at(root, "event_id"));
  out.record_id = number_at(root, "record_number");
  out.set_computer(view_at(root, "computer_name", s));
  out.set_provider(view_at(root, "source_name", s));
  out.process_id = static_cast<std::uint32_t>(number_at(root, "process_id"));
  out.thread_id = static_cast<std::uint32_t>(number_at(root, "thread_id"));
  out.set_user_sid(view_at(root, "user.identifier", s));
  out.level = level_from_name(view_at(root, "level", s));
  out.time_created = parse_iso_time(view_at(root, "@timestamp", s)).value_or(0);
  copy_object_fields(root, "event_data", out);
  copy_object_fields(root, "user_data", out);
  EcsParts ecs;
  element e;
  if (at_path(root, "process", e)) ecs.process = e;
  if (at_path(root, "user", e)) ecs.user = e;
  if (at_path(root, "hash", e)) ecs.hash = e;
  if (at_path(root, "@timestamp", e)) ecs.timestamp = e;
  restore_ecs_moves(ecs, out);
}

void read_hayabusa(object root, RawEvent& out) {
  std::string scratch;
  const std::string_view channel = view_at(root, "Channel", scratch);
  if (channel == "Sec") {
    out.set_channel("Security");
  } else if (channel == "Sysmon") {
    out.set_channel("Microsoft-Windows-Sysmon/Operational");
  } else {
    out.set_channel(channel);
  }
  canonicalize_channel(out);
  out.event_id = static_cast<std::uint32_t>(number_at(root, "EventID"));
  out.record_id = number_at(root, "RecordID");
  out.set_computer(view_at(root, "Computer", scratch));
  out.set_provider(view_at(root, "Provider", scratch));
  std::string ts = text_at(root, "Timestamp");
  // "2025-03-14 10:21:07.441 +01:00": drop the blank before the offset.
  if (const std::size_t sp = ts.rfind(' '); sp != std::string::npos && sp > 10) ts.erase(sp, 1);
  out.time_created = parse_iso_time(ts).value_or(0);
  const bool sysmon = out.event_id == 1;
  static const std::unordered_map<std::string_view, std::array<std::string_view, 2>> kDetails = {
      // abbreviation -> {4688 name, Sysmon 1 name}
      {"CmdLine", {"CommandLine", "CommandLine"}}, {"Cmdline", {"CommandLine", "CommandLine"}},
      {"Cmd", {"CommandLine", "CommandLine"}},     {"Path", {"NewProcessName", "Image"}},
      {"Proc", {"NewProcessName", "Image"}},       {"PID", {"NewProcessId", "ProcessId"}},
      {"User", {"SubjectUserName", "User"}},       {"LID", {"SubjectLogonId", "LogonId"}},
      {"ParentCmd", {"ParentCommandLine", "ParentCommandLine"}},
      {"PGUID", {"ProcessGuid", "ProcessGuid"}},
  };
  element details;
  if (at_path(root, "Details", details) && details.is_object()) {
    const simdjson::dom::object fields = details.get_object().value_unsafe();  // named: no dangling
    for (auto [key, value] : fields) {
      auto it = kDetails.find(key);
      out.add_field(it == kDetails.end() ? key : it->second[sysmon], text_view(value, scratch));
    }
  }
  copy_object_fields(root, "ExtraFieldInfo", out);
}

namespace {

enum class FlatKey : std::uint8_t {
  kData, kDrop, kEventId, kChannel, kHost, kProvider, kRecord, kVersion, kLevel, kTask,
  kKeywords, kEventTime, kReceived, kTimestamp, kTimeCreated, kExecPid, kExecTid, kUserSid,
};

FlatKey classify(std::string_view key, bool evtxecmd) {
  static const std::unordered_map<std::string_view, FlatKey> kKeys = {
      {"EventID", FlatKey::kEventId}, {"EventId", FlatKey::kEventId},
      {"event_id", FlatKey::kEventId}, {"Channel", FlatKey::kChannel},
      {"Hostname", FlatKey::kHost}, {"HostName", FlatKey::kHost}, {"Computer", FlatKey::kHost},
      {"SourceName", FlatKey::kProvider}, {"ProviderName", FlatKey::kProvider},
      {"Provider", FlatKey::kProvider}, {"RecordNumber", FlatKey::kRecord},
      {"EventRecordID", FlatKey::kRecord}, {"EventRecordId", FlatKey::kRecord},
      {"Version", FlatKey::kVersion}, {"Level", FlatKey::kLevel}, {"Task", FlatKey::kTask},
      {"Keywords", FlatKey::kKeywords}, {"EventTime", FlatKey::kEventTime},
      {"EventReceivedTime", FlatKey::kReceived}, {"@timestamp", FlatKey::kTimestamp},
      {"TimeCreated", FlatKey::kTimeCreated}, {"ExecutionProcessID", FlatKey::kExecPid},
      {"ProcessID", FlatKey::kExecPid}, {"ThreadID", FlatKey::kExecTid},
      {"ExecutionThreadID", FlatKey::kExecTid}, {"UserID", FlatKey::kUserSid},
      {"UserId", FlatKey::kUserSid},
      // NXLog / HELK / Logstash / Log Analytics metadata, not event data.
      {"Message", FlatKey::kDrop}, {"EventType", FlatKey::kDrop}, {"SeverityValue", FlatKey::kDrop},
      {"Severity", FlatKey::kDrop}, {"Category", FlatKey::kDrop}, {"Opcode", FlatKey::kDrop},
      {"OpcodeValue", FlatKey::kDrop}, {"SourceModuleName", FlatKey::kDrop},
      {"SourceModuleType", FlatKey::kDrop}, {"@version", FlatKey::kDrop}, {"tags", FlatKey::kDrop},
      {"port", FlatKey::kDrop}, {"host", FlatKey::kDrop}, {"AccountName", FlatKey::kDrop},
      {"AccountType", FlatKey::kDrop}, {"Domain", FlatKey::kDrop},
      {"EventTypeOrignal", FlatKey::kDrop}, {"TaskValue", FlatKey::kDrop},
      {"ProviderGuid", FlatKey::kDrop}, {"Payload", FlatKey::kDrop},
  };
  if (evtxecmd) {
    if (key == "ProcessId") return FlatKey::kExecPid;
    if (key == "ThreadId") return FlatKey::kExecTid;
    if (key.starts_with("PayloadData") || key == "MapDescription" || key == "ChunkNumber" ||
        key == "ExecutableInfo" || key == "SourceFile" || key == "HiddenRecord" ||
        key == "ExtraDataOffset" || key == "UserName" || key == "RemoteHost" ||
        key == "RecordNumber" || key == "Keywords" || key == "Level") {
      return FlatKey::kDrop;
    }
  }
  auto it = kKeys.find(key);
  return it == kKeys.end() ? FlatKey::kData : it->second;
}

}  // namespace

void read_flat(object root, RawEvent& out) {
  element e;
  const bool evtxecmd = !root.at_key("Payload").get(e);
  std::string s, event_time, received, timestamp, created;
  for (auto [key, value] : root) {
    s.clear();
    const FlatKey k = classify(key, evtxecmd);
    if (k == FlatKey::kDrop) continue;
    if (k == FlatKey::kData) {
      if (value.is_object() || value.is_array()) continue;
      if (out.field_count() >= limits::kMaxEventFields) continue;
      out.add_field(key, text_view(value, s));
      continue;
    }
    append_text(value, s);
    switch (k) {
      case FlatKey::kEventId: out.event_id = static_cast<std::uint32_t>(parse_number(s).value_or(0)); break;
      case FlatKey::kChannel: out.set_channel(s); canonicalize_channel(out); break;
      case FlatKey::kHost: out.set_computer(s); break;
      case FlatKey::kProvider: out.set_provider(s); break;
      case FlatKey::kRecord: out.record_id = parse_number(s).value_or(0); break;
      case FlatKey::kVersion: out.version = static_cast<std::uint16_t>(parse_number(s).value_or(0)); break;
      case FlatKey::kLevel: out.level = static_cast<std::uint8_t>(parse_number(s).value_or(0)); break;
      case FlatKey::kTask: out.task = static_cast<std::uint16_t>(parse_number(s).value_or(0)); break;
      case FlatKey::kKeywords: out.keywords = parse_keywords(s).value_or(0); break;
      case FlatKey::kEventTime: event_time = s; break;
      case FlatKey::kReceived: received = s; break;
      case FlatKey::kTimestamp: timestamp = s; break;
      case FlatKey::kTimeCreated: created = s; break;
      case FlatKey::kExecPid: out.process_id = static_cast<std::uint32_t>(parse_number(s).value_or(0)); break;
      case FlatKey::kExecTid: out.thread_id = static_cast<std::uint32_t>(parse_number(s).value_or(0)); break;
      case FlatKey::kUserSid: out.set_user_sid(s); break;
      default: break;
    }
  }
  // Time: an explicit UTC creation time wins. NXLog's EventTime is agent-local without a zone;
  // its EventReceivedTime is local too while Logstash's @timestamp is UTC, so their difference
  // (rounded to 15 minutes) is the agent's UTC offset.
  if (auto t = parse_iso_time(created); t && !created.empty()) {
    out.time_created = *t;
  } else if (auto et = parse_iso_time(event_time)) {
    std::int64_t offset = 0;
    auto rt = parse_iso_time(received);
    auto ts = parse_iso_time(timestamp);
    if (rt && ts) {
      constexpr std::int64_t kQuarter = 900LL * 10000000;
      const std::int64_t diff = static_cast<std::int64_t>(*ts) - static_cast<std::int64_t>(*rt);
      offset = (diff >= 0 ? diff + kQuarter / 2 : diff - kQuarter / 2) / kQuarter * kQuarter;
    }
    out.time_created = static_cast<std::uint64_t>(static_cast<std::int64_t>(*et) + offset);
  } else if (auto t2 = parse_iso_time(timestamp)) {
    out.time_created = *t2;
  }
}

}  // namespace cmdsentry::sources::detail
