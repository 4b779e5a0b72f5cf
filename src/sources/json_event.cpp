#include "sources/json_event.h"

#include <charconv>
#include <string>

#include "core/limits.h"
#include "core/time.h"
#include "sources/fields.h"

namespace cmdsentry::sources {
namespace detail {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

void append_text(element v, std::string& out) {
  switch (v.type()) {
    case element_type::STRING: out.append(std::string_view(v.get_string().value_unsafe())); return;
    case element_type::INT64: out += std::to_string(v.get_int64().value_unsafe()); return;
    case element_type::UINT64: out += std::to_string(v.get_uint64().value_unsafe()); return;
    case element_type::DOUBLE: {
      char buf[32];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double().value_unsafe());
      if (ec == std::errc()) out.append(buf, p);
      return;
    }
    case element_type::BOOL: out += v.get_bool().value_unsafe() ? "true" : "false"; return;
    case element_type::NULL_VALUE: return;
    case element_type::OBJECT: {
      element text;
      if (!v.get_object().value_unsafe().at_key("#text").get(text)) {
        if (text.type() != element_type::OBJECT) {
          append_text(text, out);
          return;
        }
      }
      out += simdjson::minify(v);
      return;
    }
    case element_type::ARRAY: out += simdjson::minify(v); return;
  }
}

bool attribute(element e, std::string_view name, std::string& out) {
  object o;
  if (e.get(o)) return false;
  element attrs, v;
  if (!o.at_key("#attributes").get(attrs) && attrs.is_object() &&
      !attrs.get_object().value_unsafe().at_key(name).get(v)) {
    append_text(v, out);
    return true;
  }
  std::string at = "@";
  at.append(name);
  if (!o.at_key(at).get(v) || !o.at_key(name).get(v)) {
    append_text(v, out);
    return true;
  }
  return false;
}

namespace {

std::string text_of(element v) {
  std::string s;
  append_text(v, s);
  return s;
}

// One <Data> item: named (has a Name attribute) or unnamed.
void read_data_item(element item, RawEvent& out, int& unnamed) {
  std::string name;
  if (item.is_object() && attribute(item, "Name", name)) {
    std::string value;
    element text;
    if (!item.get_object().value_unsafe().at_key("#text").get(text)) append_text(text, value);
    add_field(out, name, value);
    return;
  }
  if (item.is_object()) {
    element text;
    if (!item.get_object().value_unsafe().at_key("#text").get(text) && text.is_array()) {
      // Bind the array to a named value: ranging over value_unsafe() of a temporary result
      // would dangle.
      const simdjson::dom::array items = text.get_array().value_unsafe();
      for (element t : items) add_unnamed_field(out, text_of(t), unnamed);
      return;
    }
  }
  add_unnamed_field(out, text_of(item), unnamed);
}

void read_system(object sys, RawEvent& out) {
  std::string s;
  for (auto [key, value] : sys) {
    s.clear();
    if (key == "Provider") {
      attribute(value, "Name", out.provider);
    } else if (key == "EventID") {
      append_text(value, s);
      out.event_id = static_cast<std::uint32_t>(parse_number(s).value_or(0));
    } else if (key == "Version") {
      append_text(value, s);
      out.version = static_cast<std::uint16_t>(parse_number(s).value_or(0));
    } else if (key == "Level") {
      append_text(value, s);
      out.level = static_cast<std::uint8_t>(parse_number(s).value_or(0));
    } else if (key == "Task") {
      append_text(value, s);
      out.task = static_cast<std::uint16_t>(parse_number(s).value_or(0));
    } else if (key == "Opcode") {
      append_text(value, s);
      out.opcode = static_cast<std::uint8_t>(parse_number(s).value_or(0));
    } else if (key == "Keywords") {
      append_text(value, s);
      out.keywords = parse_keywords(s).value_or(0);
    } else if (key == "TimeCreated") {
      if (attribute(value, "SystemTime", s)) out.time_created = parse_iso_time(s).value_or(0);
    } else if (key == "EventRecordID") {
      append_text(value, s);
      out.record_id = parse_number(s).value_or(0);
    } else if (key == "Execution") {
      if (attribute(value, "ProcessID", s)) {
        out.process_id = static_cast<std::uint32_t>(parse_number(s).value_or(0));
      }
      s.clear();
      if (attribute(value, "ThreadID", s)) {
        out.thread_id = static_cast<std::uint32_t>(parse_number(s).value_or(0));
      }
    } else if (key == "Channel") {
      append_text(value, out.channel);
    } else if (key == "Computer") {
      append_text(value, out.computer);
    } else if (key == "Security") {
      attribute(value, "UserID", out.user_sid);
    }
  }
}

// {"Event":{"System":..,"EventData":..}} (evtx_dump, xmltodict, EvtxECmd --fj).
Result<JsonDialect> read_event_tree(element event, RawEvent& out) {
  object ev;
  if (event.get(ev)) return fail(ErrorCode::kCorrupt, "\"Event\" is not an object");
  element sys;
  if (ev.at_key("System").get(sys) || !sys.is_object()) {
    return fail(ErrorCode::kCorrupt, "Event has no System object");
  }
  read_system(sys.get_object().value_unsafe(), out);
  element block;
  int unnamed = 0;
  if (!ev.at_key("EventData").get(block)) read_data_block(block, out, unnamed);
  if (!ev.at_key("UserData").get(block)) read_user_data(block, out);
  return JsonDialect::kEventTree;
}

}  // namespace

void read_data_block(element block, RawEvent& out, int& unnamed) {
  if (block.is_array()) {
    const simdjson::dom::array items = block.get_array().value_unsafe();
    for (element item : items) read_data_item(item, out, unnamed);
    return;
  }
  object o;
  if (block.get(o)) return;
  for (auto [key, value] : o) {
    if (out.data.size() >= limits::kMaxEventFields) return;
    if (key == "#attributes" || key == "Binary") continue;
    if (key == "Data") {
      if (value.is_array()) {
        const simdjson::dom::array items = value.get_array().value_unsafe();
        for (element item : items) read_data_item(item, out, unnamed);
      } else {
        read_data_item(value, out, unnamed);
      }
      continue;
    }
    add_field(out, key, text_of(value));
  }
}

void read_user_data(element block, RawEvent& out) {
  object o;
  if (block.get(o)) return;
  for (auto [wrapper, inner] : o) {
    if (wrapper == "#attributes" || wrapper == "xml_name") continue;
    object fields;
    if (inner.get(fields)) {
      add_field(out, wrapper, text_of(inner));
      continue;
    }
    for (auto [key, value] : fields) {
      if (out.data.size() >= limits::kMaxEventFields) return;
      if (key == "#attributes") continue;
      add_field(out, key, text_of(value));
    }
  }
}

}  // namespace detail

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

bool has(object o, std::string_view key) {
  element e;
  return !o.at_key(key).get(e);
}

}  // namespace

JsonEventReader::JsonEventReader() {
  // Room for typical records up front (no regrowth per slightly longer line), and the depth cap.
  // A failure here only means the parser allocates on first use instead.
  if (parser_.allocate(64 * 1024, limits::kMaxDocumentDepth) != simdjson::SUCCESS) return;
}

Result<JsonDialect> JsonEventReader::read(std::string_view json, RawEvent& out, bool padded) {
  if (json.size() > limits::kMaxLineBytes) {
    return fail(ErrorCode::kLimit, "JSON record larger than kMaxLineBytes");
  }
  element root;
  auto err = parser_.parse(json.data(), json.size(), !padded).get(root);
  if (err) return fail(ErrorCode::kCorrupt, std::string("bad JSON: ") + simdjson::error_message(err));
  object o;
  if (root.get(o)) return fail(ErrorCode::kCorrupt, "JSON value is not an object");
  return convert(o, out);
}

Result<JsonDialect> JsonEventReader::convert(object root, RawEvent& out) {
  out = RawEvent{};
  out.data.reserve(32);
  element e;
  if (!root.at_key("Event").get(e) && e.is_object()) return detail::read_event_tree(e, out);
  if (!root.at_key("winlog").get(e) && e.is_object()) {
    detail::read_winlogbeat(root, out);
    return JsonDialect::kWinlogbeat;
  }
  if (has(root, "event_data") || (has(root, "computer_name") && has(root, "log_name"))) {
    detail::read_winlogbeat6(root, out);
    return JsonDialect::kWinlogbeat6;
  }
  if (!root.at_key("Payload").get(e) && e.is_string() && has(root, "EventId")) {
    // EvtxECmd: system fields flat, data in a JSON string.
    detail::read_flat(root, out);
    std::string_view payload = e.get_string().value_unsafe();
    element inner;
    if (!payload_parser_.parse(payload.data(), payload.size(), true).get(inner) &&
        inner.is_object()) {
      int unnamed = 0;
      element block;
      if (!inner.get_object().value_unsafe().at_key("EventData").get(block)) {
        detail::read_data_block(block, out, unnamed);
      }
      if (!inner.get_object().value_unsafe().at_key("UserData").get(block)) {
        detail::read_user_data(block, out);
      }
    }
    return JsonDialect::kEvtxECmd;
  }
  if (has(root, "RuleTitle") && has(root, "Details")) {
    detail::read_hayabusa(root, out);
    return JsonDialect::kHayabusa;
  }
  if (has(root, "EventID") || has(root, "EventId") || has(root, "event_id")) {
    detail::read_flat(root, out);
    return JsonDialect::kFlat;
  }
  return fail(ErrorCode::kUnsupported, "JSON object is not a Windows event (no EventID)");
}

}  // namespace cmdsentry::sources
