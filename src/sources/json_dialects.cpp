// The JSON dialects other than the XML-shaped event tree: Winlogbeat (ECS and 6.x), Hayabusa
// detections and the flat one-object-per-event exports (NXLog, HELK, Log Analytics, EvtxECmd).
// Each maps its keys onto RawEvent's System fields and the Windows data-field names, so the
// normalizer sees one shape.
#include <array>
#include <cstdio>
#include <string>
#include <unordered_map>

#include "core/limits.h"
#include "core/time.h"
#include "sources/fields.h"
#include "sources/json_event.h"

namespace cmdsentry::sources::detail {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// Value at a dotted path ("process.parent.executable"), or false.
bool at_path(object root, std::string_view path, element& out) {
  element cur;
  object o = root;
  while (true) {
    const std::size_t dot = path.find('.');
    if (o.at_key(path.substr(0, dot)).get(cur)) return false;
    if (dot == std::string_view::npos) break;
    if (cur.get(o)) return false;
    path.remove_prefix(dot + 1);
  }
  out = cur;
  return cur.type() != simdjson::dom::element_type::NULL_VALUE;
}

std::string text_at(object root, std::string_view path) {
  element e;
  std::string s;
  if (at_path(root, path, e)) append_text(e, s);
  return s;
}

std::uint64_t number_at(object root, std::string_view path) {
  return parse_number(text_at(root, path)).value_or(0);
}

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Puts `value` under `name` unless the event already has that field (ECS copies or moves).
void backfill(RawEvent& out, std::string_view name, std::string value) {
  if (value.empty() || find_field(out, name) != nullptr) return;
  out.data.emplace_back(std::string(name), std::move(value));
}

void copy_object_fields(object root, std::string_view path, RawEvent& out) {
  element e;
  if (!at_path(root, path, e)) return;
  object o;
  if (e.get(o)) return;
  for (auto [key, value] : o) {
    if (out.data.size() >= limits::kMaxEventFields) return;
    if (key == "xml_name") continue;
    std::string s;
    append_text(value, s);
    out.data.emplace_back(std::string(key), std::move(s));
  }
}

// Winlogbeat modules move Windows fields to ECS names; put them back under the Windows names.
void restore_ecs_moves(object root, RawEvent& out) {
  const bool sysmon = out.event_id == 1 && out.channel.find("Sysmon") != std::string::npos;
  if (out.event_id == 4688 && !sysmon) {
    element pid;
    if (at_path(root, "process.pid", pid)) backfill(out, "NewProcessId", hex(number_at(root, "process.pid")));
    if (at_path(root, "process.parent.pid", pid)) {
      backfill(out, "ProcessId", hex(number_at(root, "process.parent.pid")));
    }
    backfill(out, "NewProcessName", text_at(root, "process.executable"));
    backfill(out, "ParentProcessName", text_at(root, "process.parent.executable"));
    backfill(out, "CommandLine", text_at(root, "process.command_line"));
  } else if (sysmon) {
    backfill(out, "ProcessId", text_at(root, "process.pid"));
    backfill(out, "ProcessGuid", text_at(root, "process.entity_id"));
    backfill(out, "Image", text_at(root, "process.executable"));
    backfill(out, "CommandLine", text_at(root, "process.command_line"));
    backfill(out, "CurrentDirectory", text_at(root, "process.working_directory"));
    backfill(out, "ParentProcessId", text_at(root, "process.parent.pid"));
    backfill(out, "ParentProcessGuid", text_at(root, "process.parent.entity_id"));
    backfill(out, "ParentImage", text_at(root, "process.parent.executable"));
    backfill(out, "ParentCommandLine", text_at(root, "process.parent.command_line"));
    backfill(out, "UtcTime", text_at(root, "@timestamp"));
    const std::string name = text_at(root, "user.name");
    if (!name.empty()) {
      const std::string domain = text_at(root, "user.domain");
      backfill(out, "User", domain.empty() ? name : domain + "\\" + name);
    }
    std::string hashes;
    for (std::string_view alg : {"sha1", "md5", "sha256", "imphash"}) {
      std::string v = text_at(root, std::string("hash.") + std::string(alg));
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
  if (iequals(s, "critical")) return 1;
  if (iequals(s, "error")) return 2;
  if (iequals(s, "warning")) return 3;
  if (iequals(s, "verbose")) return 5;
  return 4;
}

}  // namespace

void read_winlogbeat(object root, RawEvent& out) {
  // One pass over the top level and one over "winlog": this dialect is the bulk-ingest case.
  std::string s;
  element winlog_e;
  for (auto [key, value] : root) {
    if (key == "winlog") {
      winlog_e = value;
    } else if (key == "@timestamp") {
      s.clear();
      append_text(value, s);
      out.time_created = parse_iso_time(s).value_or(0);
    }
  }
  object winlog;
  if (winlog_e.get(winlog)) return;
  for (auto [key, value] : winlog) {
    s.clear();
    if (key == "event_data" || key == "user_data") {
      object o;
      if (value.get(o)) continue;
      for (auto [k, v] : o) {
        if (out.data.size() >= limits::kMaxEventFields) break;
        if (k == "xml_name") continue;
        std::string text;
        append_text(v, text);
        out.data.emplace_back(std::string(k), std::move(text));
      }
    } else if (key == "channel") {
      append_text(value, out.channel);
      canonicalize_channel(out.channel);
    } else if (key == "event_id") {
      append_text(value, s);
      out.event_id = static_cast<std::uint32_t>(parse_number(s).value_or(0));
    } else if (key == "record_id") {
      append_text(value, s);
      out.record_id = parse_number(s).value_or(0);
    } else if (key == "computer_name") {
      append_text(value, out.computer);
    } else if (key == "provider_name") {
      append_text(value, out.provider);
    } else if (key == "version") {
      append_text(value, s);
      out.version = static_cast<std::uint16_t>(parse_number(s).value_or(0));
    } else if (key == "process" && value.is_object()) {
      object o = value.get_object().value_unsafe();
      out.process_id = static_cast<std::uint32_t>(number_at(o, "pid"));
      out.thread_id = static_cast<std::uint32_t>(number_at(o, "thread.id"));
    } else if (key == "user" && value.is_object()) {
      out.user_sid = text_at(value.get_object().value_unsafe(), "identifier");
    }
  }
  if (out.event_id == 0) out.event_id = static_cast<std::uint32_t>(number_at(root, "event.code"));
  if (out.computer.empty()) out.computer = text_at(root, "host.name");
  if (out.provider.empty()) out.provider = text_at(root, "event.provider");
  out.level = level_from_name(text_at(root, "log.level"));
  restore_ecs_moves(root, out);
}

void read_winlogbeat6(object root, RawEvent& out) {
  out.channel = text_at(root, "log_name");
  canonicalize_channel(out.channel);
  out.event_id = static_cast<std::uint32_t>(number_at(root, "event_id"));
  out.record_id = number_at(root, "record_number");
  out.computer = text_at(root, "computer_name");
  out.provider = text_at(root, "source_name");
  out.process_id = static_cast<std::uint32_t>(number_at(root, "process_id"));
  out.thread_id = static_cast<std::uint32_t>(number_at(root, "thread_id"));
  out.user_sid = text_at(root, "user.identifier");
  out.level = level_from_name(text_at(root, "level"));
  out.time_created = parse_iso_time(text_at(root, "@timestamp")).value_or(0);
  copy_object_fields(root, "event_data", out);
  copy_object_fields(root, "user_data", out);
  restore_ecs_moves(root, out);
}

void read_hayabusa(object root, RawEvent& out) {
  out.channel = text_at(root, "Channel");
  if (out.channel == "Sec") out.channel = "Security";
  if (out.channel == "Sysmon") out.channel = "Microsoft-Windows-Sysmon/Operational";
  canonicalize_channel(out.channel);
  out.event_id = static_cast<std::uint32_t>(number_at(root, "EventID"));
  out.record_id = number_at(root, "RecordID");
  out.computer = text_at(root, "Computer");
  out.provider = text_at(root, "Provider");
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
    const simdjson::dom::object fields = details.get_object().value_unsafe();
    for (auto [key, value] : fields) {
      std::string s;
      append_text(value, s);
      auto it = kDetails.find(key);
      out.data.emplace_back(it == kDetails.end() ? std::string(key) : std::string(it->second[sysmon]),
                            std::move(s));
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
      if (out.data.size() >= limits::kMaxEventFields) continue;
      append_text(value, s);
      out.data.emplace_back(std::string(key), std::move(s));
      continue;
    }
    append_text(value, s);
    switch (k) {
      case FlatKey::kEventId: out.event_id = static_cast<std::uint32_t>(parse_number(s).value_or(0)); break;
      case FlatKey::kChannel: out.channel = s; canonicalize_channel(out.channel); break;
      case FlatKey::kHost: out.computer = s; break;
      case FlatKey::kProvider: out.provider = s; break;
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
      case FlatKey::kUserSid: out.user_sid = s; break;
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
