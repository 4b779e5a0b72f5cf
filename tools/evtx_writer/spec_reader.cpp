#include "evtx_writer/spec_reader.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/time.h"

namespace cmdsentry::evtxgen {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

tl::unexpected<Error> bad(std::string message) {
  return fail(ErrorCode::kInvalidArgument, std::move(message));
}

Result<std::string_view> as_string(element e, std::string_view key) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS)
    return bad(fmt::format("'{}' must be a string", key));
  return s;
}

/// A JSON integer, or a string holding decimal / 0x-hex, no larger than `max`.
Result<std::uint64_t> as_uint(element e, std::string_view key, std::uint64_t max) {
  std::uint64_t v = 0;
  if (e.is_string()) {
    std::string_view s = e.get_string().value_unsafe();
    auto parsed = value_from_text(ValueType::kUInt64, s);
    if (!parsed) return bad(fmt::format("'{}': {}", key, parsed.error().message));
    for (std::size_t i = 0; i < 8; ++i)
      v |= static_cast<std::uint64_t>(parsed->bytes[i]) << (8 * i);
  } else if (e.get_uint64().get(v) != simdjson::SUCCESS) {
    return bad(fmt::format("'{}' must be a non-negative integer", key));
  }
  if (v > max) return bad(fmt::format("'{}' is out of range ({} > {})", key, v, max));
  return v;
}

/// ISO-8601 text or FILETIME ticks.
Result<std::uint64_t> as_time(element e, std::string_view key) {
  if (e.is_string()) {
    auto t = parse_iso_time(e.get_string().value_unsafe());
    if (!t) return bad(fmt::format("'{}' is not an ISO-8601 time", key));
    return *t;
  }
  return as_uint(e, key, UINT64_MAX);
}

Result<std::array<std::uint8_t, 16>> as_guid(element e, std::string_view key) {
  auto s = as_string(e, key);
  if (!s) return tl::unexpected(s.error());
  auto g = encode_guid(*s);
  if (!g) return bad(fmt::format("'{}': {}", key, g.error().message));
  return *g;
}

/// The value of one data field, from JSON null, string, number or bool.
Result<Value> field_value(element e, ValueType type, std::string_view name) {
  switch (e.type()) {
    case element_type::NULL_VALUE:
      return Value::null();
    case element_type::STRING:
      break;
    case element_type::BOOL:
      if (type != ValueType::kBool) return bad(fmt::format("data '{}': bool for a non-bool", name));
      return Value::boolean(e.get_bool().value_unsafe());
    case element_type::INT64:
    case element_type::UINT64:
      if (type == ValueType::kString || type == ValueType::kAnsiString || type == ValueType::kSid ||
          type == ValueType::kGuid || type == ValueType::kBinary) {
        return bad(fmt::format("data '{}': a {} value must be a JSON string", name,
                               value_type_name(type)));
      }
      break;
    default:
      return bad(fmt::format("data '{}': value must be null, string, number or bool", name));
  }
  std::string text;
  if (e.is_string()) {
    text = std::string(e.get_string().value_unsafe());
  } else if (e.is_int64()) {
    text = std::to_string(e.get_int64().value_unsafe());
  } else {
    text = std::to_string(e.get_uint64().value_unsafe());
  }
  auto v = value_from_text(type, text);
  if (!v) return bad(fmt::format("data '{}': {}", name, v.error().message));
  return v;
}

Result<DataField> parse_field(element e) {
  simdjson::dom::array a;
  if (e.get_array().get(a) != simdjson::SUCCESS || a.size() != 3) {
    return bad("each 'data' item must be [name, type, value]");
  }
  DataField f;
  auto name = as_string(a.at(0).value_unsafe(), "data name");
  if (!name) return tl::unexpected(name.error());
  f.name = std::string(*name);
  auto type_name = as_string(a.at(1).value_unsafe(), "data type");
  if (!type_name) return tl::unexpected(type_name.error());
  auto type = value_type_from_name(*type_name);
  if (!type || *type == ValueType::kNull) {
    return bad(fmt::format("data '{}': unknown type '{}'", f.name, *type_name));
  }
  f.type = *type;
  auto v = field_value(a.at(2).value_unsafe(), f.type, f.name);
  if (!v) return tl::unexpected(v.error());
  f.value = std::move(*v);
  return f;
}

Result<void> apply_key(EventSpec& ev, std::string_view key, element v) {
  auto set_u = [&](auto& out, std::uint64_t max) -> Result<void> {
    auto n = as_uint(v, key, max);
    if (!n) return tl::unexpected(n.error());
    out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
    return {};
  };
  auto set_s = [&](std::string& out) -> Result<void> {
    auto s = as_string(v, key);
    if (!s) return tl::unexpected(s.error());
    out = std::string(*s);
    return {};
  };
  if (key == "provider") return set_s(ev.provider);
  if (key == "channel") return set_s(ev.channel);
  if (key == "computer") return set_s(ev.computer);
  if (key == "event_id") return set_u(ev.event_id, 0xFFFF);
  if (key == "time") {
    auto t = as_time(v, key);
    if (!t) return tl::unexpected(t.error());
    ev.time_created = *t;
    return {};
  }
  if (key == "guid") {
    auto g = as_guid(v, key);
    if (!g) return tl::unexpected(g.error());
    ev.provider_guid = *g;
    return {};
  }
  if (key == "version") return set_u(ev.version, 0xFF);
  if (key == "level") return set_u(ev.level, 0xFF);
  if (key == "task") return set_u(ev.task, 0xFFFF);
  if (key == "opcode") return set_u(ev.opcode, 0xFF);
  if (key == "keywords") return set_u(ev.keywords, UINT64_MAX);
  if (key == "pid") return set_u(ev.process_id, 0xFFFFFFFF);
  if (key == "tid") return set_u(ev.thread_id, 0xFFFFFFFF);
  if (key == "note") return {};  // free text for the human reader; ignored
  if (key == "record_id" || key == "written") {
    if (v.is_null()) return {};
    auto n = key == "written" ? as_time(v, key) : as_uint(v, key, UINT64_MAX);
    if (!n) return tl::unexpected(n.error());
    (key == "written" ? ev.written_time : ev.record_id) = *n;
    return {};
  }
  if (key == "user_sid") {
    if (v.is_null()) return {};
    auto s = as_string(v, key);
    if (!s) return tl::unexpected(s.error());
    auto sid = encode_sid(*s);
    if (!sid) return bad(fmt::format("'user_sid': {}", sid.error().message));
    ev.user_sid = std::move(*sid);
    return {};
  }
  if (key == "activity_id") {
    if (v.is_null()) return {};
    auto g = as_guid(v, key);
    if (!g) return tl::unexpected(g.error());
    ev.activity_id = *g;
    return {};
  }
  if (key == "user_data") {
    if (v.is_null()) return {};
    UserDataWrapper w;
    std::string_view s;
    if (v["element"].get_string().get(s) != simdjson::SUCCESS || s.empty()) {
      return bad("'user_data' needs a non-empty \"element\" string");
    }
    w.element = std::string(s);
    if (v["xmlns"].get_string().get(s) == simdjson::SUCCESS) w.xmlns = std::string(s);
    ev.user_data = std::move(w);
    return {};
  }
  if (key == "data") {
    simdjson::dom::array a;
    if (v.get_array().get(a) != simdjson::SUCCESS) return bad("'data' must be an array");
    for (element item : a) {
      auto f = parse_field(item);
      if (!f) return tl::unexpected(f.error());
      ev.data.push_back(std::move(*f));
    }
    return {};
  }
  return bad(fmt::format("unknown key '{}'", key));
}

}  // namespace

Result<EventSpec> parse_event_spec(std::string_view json) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::dom::object obj;
  if (auto err = parser.parse(padded).get_object().get(obj); err != simdjson::SUCCESS) {
    return bad(fmt::format("not a JSON object: {}", simdjson::error_message(err)));
  }
  EventSpec ev;
  std::vector<std::string_view> seen;
  for (auto [key, value] : obj) {
    if (auto ok = apply_key(ev, key, value); !ok) return tl::unexpected(ok.error());
    seen.push_back(key);
  }
  static constexpr std::string_view kRequired[] = {"provider", "guid",     "channel",
                                                   "computer", "event_id", "time"};
  for (std::string_view key : kRequired) {
    if (std::find(seen.begin(), seen.end(), key) == seen.end()) {
      return bad(fmt::format("missing key '{}'", key));
    }
  }
  return ev;
}

Result<std::vector<EventSpec>> parse_event_specs(std::string_view jsonl) {
  std::vector<EventSpec> out;
  std::uint64_t line_no = 0;
  while (!jsonl.empty()) {
    ++line_no;
    const std::size_t nl = jsonl.find('\n');
    std::string_view line = jsonl.substr(0, nl);
    jsonl.remove_prefix(nl == std::string_view::npos ? jsonl.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    auto ev = parse_event_spec(line);
    if (!ev) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("line {}: {}", line_no, ev.error().message), line_no);
    }
    out.push_back(std::move(*ev));
  }
  return out;
}

Result<std::vector<EventSpec>> read_event_specs(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, fmt::format("cannot open {}", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_event_specs(text.str());
}

}  // namespace cmdsentry::evtxgen
