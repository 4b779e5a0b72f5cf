// The JSON dialects other than the XML-shaped event tree: Winlogbeat (ECS and 6.x), Hayabusa
// detections and the flat one-object-per-event exports (NXLog, HELK, Log Analytics, EvtxECmd).
// Each maps its keys onto RawEvent's System fields and the Windows data-field names, so the
// normalizer sees one shape.
#include <array>
#include <charconv>
#include <cstdio>
#include <forward_list>
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

// Texts of DOM values that must outlive the loop that found them, rendered as text_view does:
// strings are views into the parser's buffer, integers are written into fixed slots, anything
// else (rare: objects, arrays, floating point) into strings that never move.
class KeptText {
 public:
  [[gnu::always_inline]] std::string_view keep(element v) {
    switch (v.type()) {
      case simdjson::dom::element_type::STRING:
        return v.get_string().value_unsafe();
      case simdjson::dom::element_type::NULL_VALUE:
        return {};
      case simdjson::dom::element_type::INT64:
        if (used_ < kSlots) return format(v.get_int64().value_unsafe());
        break;
      case simdjson::dom::element_type::UINT64:
        if (used_ < kSlots) return format(v.get_uint64().value_unsafe());
        break;
      default:
        break;
    }
    return spill(v);
  }

 private:
  [[gnu::noinline]] std::string_view spill(element v) {
    spill_.emplace_front();
    append_text(v, spill_.front());
    return spill_.front();
  }
  template <class Int>
  std::string_view format(Int x) {
    char* slot = numbers_[used_++];
    const auto r = std::to_chars(slot, slot + kSlotBytes, x);
    return {slot, static_cast<std::size_t>(r.ptr - slot)};
  }
  static constexpr int kSlots = 8;
  static constexpr std::size_t kSlotBytes = 24;
  char numbers_[kSlots][kSlotBytes];
  int used_ = 0;
  std::forward_list<std::string> spill_;
};

// Member `key` (its first occurrence) of `base` when base is an object that has it, as text.
std::string_view member_text(const element* base, std::string_view key, KeptText& kept) {
  object o;
  if (base == nullptr || base->get(o)) return {};
  for (auto [k, v] : o) {  // at_key's search, with an inlined comparison
    if (key_is(k, key)) return kept.keep(v);
  }
  return {};
}

// The ECS objects Winlogbeat moves Windows fields into.
struct EcsParts {
  Found process, user, hash, timestamp;
};

// An ECS process object (or its parent): first occurrence of each member, as at_key finds it.
void read_ecs_process(const element* e, EcsProcessText& p, KeptText& kept, Found* parent,
                      Found* hash, Found* pe) {
  object o;
  if (e == nullptr || e->get(o)) return;
  bool seen[5] = {};
  auto take = [&](int slot, element value, std::string_view& out) {
    if (seen[slot]) return;
    seen[slot] = true;
    out = kept.keep(value);
  };
  for (auto [key, value] : o) {
    switch (key.size()) {
      case 3:
        if (key_is(key, "pid")) {
          if (!seen[0]) p.pid_present = value.type() != simdjson::dom::element_type::NULL_VALUE;
          take(0, value, p.pid);
        }
        break;
      case 10:
        if (key_is(key, "executable")) take(1, value, p.executable);
        break;
      case 12:
        if (key_is(key, "command_line")) take(2, value, p.command_line);
        break;
      case 9:
        if (key_is(key, "entity_id")) take(3, value, p.entity_id);
        break;
      case 17:
        if (key_is(key, "working_directory")) take(4, value, p.working_directory);
        break;
      case 6:
        if (parent != nullptr && key_is(key, "parent")) parent->first(value);
        break;
      case 4:
        if (hash != nullptr && key_is(key, "hash")) hash->first(value);
        break;
      case 2:
        if (pe != nullptr && key_is(key, "pe")) pe->first(value);
        break;
      default:
        break;
    }
  }
}

// Text of the ECS values, for the restore shared with the on-demand reader.
void dom_ecs_text(const EcsParts& ecs, EcsText& text, KeptText& kept) {
  Found parent, process_hash, process_pe;
  read_ecs_process(ecs.process.get(), text.process, kept, &parent, &process_hash, &process_pe);
  read_ecs_process(parent.get(), text.parent, kept, nullptr, nullptr, nullptr);
  if (ecs.timestamp.set) text.timestamp = kept.keep(ecs.timestamp.value);
  if (ecs.user.set) {
    text.user_name = member_text(ecs.user.get(), "name", kept);
    text.user_domain = member_text(ecs.user.get(), "domain", kept);
  }
  if (ecs.hash.set) {
    text.sha1 = member_text(ecs.hash.get(), "sha1", kept);
    text.md5 = member_text(ecs.hash.get(), "md5", kept);
    text.sha256 = member_text(ecs.hash.get(), "sha256", kept);
    text.imphash = member_text(ecs.hash.get(), "imphash", kept);
  }
  if (process_hash.set) {
    text.process_sha1 = member_text(process_hash.get(), "sha1", kept);
    text.process_md5 = member_text(process_hash.get(), "md5", kept);
    text.process_sha256 = member_text(process_hash.get(), "sha256", kept);
  }
  text.process_imphash = member_text(process_pe.get(), "imphash", kept);
}

}  // namespace

// Winlogbeat modules move Windows fields to ECS names; put them back under the Windows names.
// Each name is only filled when the event lacks it (the names differ, so one presence check
// before adding any is the same as checking before each).
void restore_ecs_moves(const EcsText& ecs, RawEvent& out) {
  const bool sysmon = out.event_id == 1 && out.channel().find("Sysmon") != std::string_view::npos;
  char buf[20];
  const auto hex_pid = [&](std::string_view pid) {
    return format_hex(parse_number(pid).value_or(0), buf);
  };
  if (out.event_id == 4688 && !sysmon) {
    static constexpr FieldNameSet<5> kNames{std::array<std::string_view, 5>{
        "NewProcessId", "ProcessId", "NewProcessName", "ParentProcessName", "CommandLine"}};
    const auto has = out.find_exact(kNames);
    auto fill = [&](std::size_t i, std::string_view value) {
      if (!has.has(i) && !value.empty()) out.add_field(kNames.id(i), kNames[i], value);
    };
    if (ecs.process.pid_present) fill(0, hex_pid(ecs.process.pid));
    if (ecs.parent.pid_present) fill(1, hex_pid(ecs.parent.pid));
    fill(2, ecs.process.executable);
    fill(3, ecs.parent.executable);
    fill(4, ecs.process.command_line);
  } else if (sysmon) {
    backfill(out, "ProcessId", ecs.process.pid);
    backfill(out, "ProcessGuid", ecs.process.entity_id);
    backfill(out, "Image", ecs.process.executable);
    backfill(out, "CommandLine", ecs.process.command_line);
    backfill(out, "CurrentDirectory", ecs.process.working_directory);
    backfill(out, "ParentProcessId", ecs.parent.pid);
    backfill(out, "ParentProcessGuid", ecs.parent.entity_id);
    backfill(out, "ParentImage", ecs.parent.executable);
    backfill(out, "ParentCommandLine", ecs.parent.command_line);
    backfill(out, "UtcTime", ecs.timestamp);
    if (!ecs.user_name.empty()) {
      if (ecs.user_domain.empty()) {
        backfill(out, "User", ecs.user_name);
      } else {
        std::string user(ecs.user_domain);
        user += '\\';
        user += ecs.user_name;
        backfill(out, "User", user);
      }
    }
    std::string hashes;
    const auto pick = [](std::string_view top, std::string_view in_process) {
      return top.empty() ? in_process : top;
    };
    const std::pair<std::string_view, std::string_view> algs[] = {
        {"SHA1", pick(ecs.sha1, ecs.process_sha1)},
        {"MD5", pick(ecs.md5, ecs.process_md5)},
        {"SHA256", pick(ecs.sha256, ecs.process_sha256)},
        {"IMPHASH", pick(ecs.imphash, ecs.process_imphash)}};
    for (const auto& [alg, v] : algs) {
      if (v.empty()) continue;
      if (!hashes.empty()) hashes += ',';
      hashes += alg;
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

void finish_winlogbeat(const WinlogbeatRoot& root, RawEvent& out) {
  if (out.event_id == 0)
    out.event_id = static_cast<std::uint32_t>(parse_number(root.event_code).value_or(0));
  if (out.computer().empty()) out.set_computer(root.host_name);
  if (out.provider().empty()) out.set_provider(root.event_provider);
  out.level = level_from_name(root.log_level);
  restore_ecs_moves(root.ecs, out);
}

void read_winlogbeat(object root, RawEvent& out) {
  WinlogbeatTop top;
  for (auto [key, value] : root) top.take(key, value);
  read_winlogbeat(top, out);
}

void read_winlogbeat(const WinlogbeatTop& top, RawEvent& out) {
  // One pass over "winlog"; the ECS objects were picked up by the pass over the top level
  // instead of being looked up by path from the root again for every field. (Winlogbeat records
  // of 1 KB and more take the on-demand reader, json_ondemand.cpp; this one reads the compact
  // ones and whatever that one declines.)
  std::string s;
  KeptText kept;
  if (top.timestamp.set)
    out.time_created = parse_iso_time(text_view(top.timestamp.value, s)).value_or(0);
  const EcsParts ecs{top.process, top.user, top.hash, top.timestamp};
  const Found& winlog_e = top.winlog;
  const Found& event_e = top.event;
  const Found& host_e = top.host;
  const Found& log_e = top.log;
  object winlog;
  if (!winlog_e.set || winlog_e.value.get(winlog)) return;
  // The channel: one value viewed, repeated ones concatenated (as append_text would).
  std::string_view channel;
  std::string channel_joined;
  int channels = 0;
  const auto data_fields = [&](element value) {
    object o;
    if (value.get(o)) return;
    for (auto [k, v] : o) {
      if (out.field_count() >= limits::kMaxEventFields) break;
      if (key_is(k, "xml_name")) continue;
      out.add_field(k, text_view(v, s));
    }
  };
  for (auto [key, value] : winlog) {
    switch (key.size()) {
      case 10:
        if (key_is(key, "event_data")) data_fields(value);
        break;
      case 9:
        if (key_is(key, "user_data")) {
          data_fields(value);
        } else if (key_is(key, "record_id")) {
          out.record_id = parse_number(text_view(value, s)).value_or(0);
        }
        break;
      case 7:
        if (key_is(key, "channel")) {
          if (channels++ == 0) {
            channel = kept.keep(value);
          } else {
            if (channels == 2) channel_joined.assign(channel);
            append_text(value, channel_joined);
            channel = channel_joined;
          }
        } else if (key_is(key, "version")) {
          out.version = static_cast<std::uint16_t>(parse_number(text_view(value, s)).value_or(0));
        } else if (key_is(key, "process") && value.is_object()) {
          const element* process = &value;
          out.process_id = static_cast<std::uint32_t>(
              parse_number(member_text(process, "pid", kept)).value_or(0));
          object o;
          element thread;
          std::uint64_t tid = 0;
          if (!process->get(o) && !o.at_key("thread").get(thread)) {
            tid = parse_number(member_text(&thread, "id", kept)).value_or(0);
          }
          out.thread_id = static_cast<std::uint32_t>(tid);
        }
        break;
      case 8:
        if (key_is(key, "event_id")) {
          out.event_id = static_cast<std::uint32_t>(parse_number(text_view(value, s)).value_or(0));
        }
        break;
      case 13:
        if (key_is(key, "computer_name")) {
          out.set_computer(text_view(value, s));
        } else if (key_is(key, "provider_name")) {
          out.set_provider(text_view(value, s));
        }
        break;
      case 4:
        if (key_is(key, "user") && value.is_object()) {
          out.set_user_sid(member_text(&value, "identifier", kept));
        }
        break;
      default:
        break;
    }
  }
  if (channels != 0) {
    out.set_channel(channel);
    canonicalize_channel(out);
  }
  WinlogbeatRoot tail;
  if (object event; event_e.set && !event_e.value.get(event)) {
    bool code = false, provider = false;  // first occurrence of each, as at_key finds them
    for (auto [k, v] : event) {
      if (!code && key_is(k, "code")) {
        tail.event_code = kept.keep(v);
        code = true;
      } else if (!provider && key_is(k, "provider")) {
        tail.event_provider = kept.keep(v);
        provider = true;
      }
    }
  }
  tail.host_name = member_text(host_e.get(), "name", kept);
  tail.log_level = member_text(log_e.get(), "level", kept);
  dom_ecs_text(ecs, tail.ecs, kept);
  finish_winlogbeat(tail, out);
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
  if (at_path(root, "process", e)) ecs.process = Found{e, true};
  if (at_path(root, "user", e)) ecs.user = Found{e, true};
  if (at_path(root, "hash", e)) ecs.hash = Found{e, true};
  if (at_path(root, "@timestamp", e)) ecs.timestamp = Found{e, true};
  KeptText kept;
  EcsText text;
  dom_ecs_text(ecs, text, kept);
  restore_ecs_moves(text, out);
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
      {"CmdLine", {"CommandLine", "CommandLine"}},
      {"Cmdline", {"CommandLine", "CommandLine"}},
      {"Cmd", {"CommandLine", "CommandLine"}},
      {"Path", {"NewProcessName", "Image"}},
      {"Proc", {"NewProcessName", "Image"}},
      {"PID", {"NewProcessId", "ProcessId"}},
      {"User", {"SubjectUserName", "User"}},
      {"LID", {"SubjectLogonId", "LogonId"}},
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
  kData,
  kDrop,
  kEventId,
  kChannel,
  kHost,
  kProvider,
  kRecord,
  kEventRecordId,
  kVersion,
  kLevel,
  kTask,
  kKeywords,
  kEventTime,
  kReceived,
  kTimestamp,
  kTimeCreated,
  kExecPid,
  kExecTid,
  kUserSid,
};

FlatKey classify(std::string_view key, bool evtxecmd) {
  static const std::unordered_map<std::string_view, FlatKey> kKeys = {
      {"EventID", FlatKey::kEventId},
      {"EventId", FlatKey::kEventId},
      {"event_id", FlatKey::kEventId},
      {"Channel", FlatKey::kChannel},
      {"Hostname", FlatKey::kHost},
      {"HostName", FlatKey::kHost},
      {"Computer", FlatKey::kHost},
      {"SourceName", FlatKey::kProvider},
      {"ProviderName", FlatKey::kProvider},
      {"Provider", FlatKey::kProvider},
      {"RecordNumber", FlatKey::kRecord},
      {"EventRecordID", FlatKey::kEventRecordId},
      {"EventRecordId", FlatKey::kEventRecordId},
      {"Version", FlatKey::kVersion},
      {"Level", FlatKey::kLevel},
      {"Task", FlatKey::kTask},
      {"Keywords", FlatKey::kKeywords},
      {"EventTime", FlatKey::kEventTime},
      {"EventReceivedTime", FlatKey::kReceived},
      {"@timestamp", FlatKey::kTimestamp},
      {"TimeCreated", FlatKey::kTimeCreated},
      {"ExecutionProcessID", FlatKey::kExecPid},
      {"ProcessID", FlatKey::kExecPid},
      {"ThreadID", FlatKey::kExecTid},
      {"ExecutionThreadID", FlatKey::kExecTid},
      {"UserID", FlatKey::kUserSid},
      {"UserId", FlatKey::kUserSid},
      // NXLog / HELK / Logstash / Log Analytics metadata, not event data.
      {"Message", FlatKey::kDrop},
      {"EventType", FlatKey::kDrop},
      {"SeverityValue", FlatKey::kDrop},
      {"Severity", FlatKey::kDrop},
      {"Category", FlatKey::kDrop},
      {"Opcode", FlatKey::kDrop},
      {"OpcodeValue", FlatKey::kDrop},
      {"SourceModuleName", FlatKey::kDrop},
      {"SourceModuleType", FlatKey::kDrop},
      {"@version", FlatKey::kDrop},
      {"tags", FlatKey::kDrop},
      {"port", FlatKey::kDrop},
      {"host", FlatKey::kDrop},
      {"AccountName", FlatKey::kDrop},
      {"AccountType", FlatKey::kDrop},
      {"Domain", FlatKey::kDrop},
      {"EventTypeOrignal", FlatKey::kDrop},
      {"TaskValue", FlatKey::kDrop},
      {"ProviderGuid", FlatKey::kDrop},
      {"Payload", FlatKey::kDrop},
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
  // RecordNumber (NXLog, HELK) is the EventRecordID too; when a record has both, the one named
  // EventRecordID wins (an exporter's RecordNumber may be the EVTX header's number).
  bool event_record_id = false;
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
      case FlatKey::kEventId:
        out.event_id = static_cast<std::uint32_t>(parse_number(s).value_or(0));
        break;
      case FlatKey::kChannel:
        out.set_channel(s);
        canonicalize_channel(out);
        break;
      case FlatKey::kHost:
        out.set_computer(s);
        break;
      case FlatKey::kProvider:
        out.set_provider(s);
        break;
      case FlatKey::kRecord:
        if (!event_record_id) out.record_id = parse_number(s).value_or(0);
        break;
      case FlatKey::kEventRecordId:
        out.record_id = parse_number(s).value_or(0);
        event_record_id = true;
        break;
      case FlatKey::kVersion:
        out.version = static_cast<std::uint16_t>(parse_number(s).value_or(0));
        break;
      case FlatKey::kLevel:
        out.level = static_cast<std::uint8_t>(parse_number(s).value_or(0));
        break;
      case FlatKey::kTask:
        out.task = static_cast<std::uint16_t>(parse_number(s).value_or(0));
        break;
      case FlatKey::kKeywords:
        out.keywords = parse_keywords(s).value_or(0);
        break;
      case FlatKey::kEventTime:
        event_time = s;
        break;
      case FlatKey::kReceived:
        received = s;
        break;
      case FlatKey::kTimestamp:
        timestamp = s;
        break;
      case FlatKey::kTimeCreated:
        created = s;
        break;
      case FlatKey::kExecPid:
        out.process_id = static_cast<std::uint32_t>(parse_number(s).value_or(0));
        break;
      case FlatKey::kExecTid:
        out.thread_id = static_cast<std::uint32_t>(parse_number(s).value_or(0));
        break;
      case FlatKey::kUserSid:
        out.set_user_sid(s);
        break;
      default:
        break;
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
