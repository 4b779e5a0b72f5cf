#include "sources/json_event.h"

#include <charconv>
#include <cstring>
#include <optional>
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
    case element_type::STRING:
      out.append(std::string_view(v.get_string().value_unsafe()));
      return;
    case element_type::INT64:
      out += std::to_string(v.get_int64().value_unsafe());
      return;
    case element_type::UINT64:
      out += std::to_string(v.get_uint64().value_unsafe());
      return;
    case element_type::DOUBLE: {
      char buf[32];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double().value_unsafe());
      if (ec == std::errc()) out.append(buf, p);
      return;
    }
    case element_type::BOOL:
      out += v.get_bool().value_unsafe() ? "true" : "false";
      return;
    case element_type::NULL_VALUE:
      return;
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
    case element_type::ARRAY:
      out += simdjson::minify(v);
      return;
  }
}

std::string_view text_view_slow(element v, std::string& scratch) {
  scratch.clear();
  append_text(v, scratch);
  return scratch;
}

std::optional<std::string_view> attribute_view(element e, std::string_view name,
                                               std::string& scratch) {
  object o;
  if (e.get(o)) return std::nullopt;
  element attrs, v;
  if (!o.at_key("#attributes").get(attrs) && attrs.is_object() &&
      !attrs.get_object().value_unsafe().at_key(name).get(v)) {
    return text_view(v, scratch);
  }
  char at[64];
  if (name.size() < sizeof at) {
    at[0] = '@';
    std::memcpy(at + 1, name.data(), name.size());
    if (!o.at_key(std::string_view(at, name.size() + 1)).get(v)) return text_view(v, scratch);
  }
  if (!o.at_key(name).get(v)) return text_view(v, scratch);
  return std::nullopt;
}

bool attribute(element e, std::string_view name, std::string& out) {
  std::string scratch;
  auto v = attribute_view(e, name, scratch);
  if (!v) return false;
  out.append(*v);
  return true;
}

namespace {

// One <Data> item: named (has a Name attribute) or unnamed.
void read_data_item(element item, RawEvent& out, int& unnamed) {
  std::string name_scratch, value_scratch;
  if (item.is_object()) {
    if (auto name = attribute_view(item, "Name", name_scratch)) {
      element text;
      std::string_view value;
      if (!item.get_object().value_unsafe().at_key("#text").get(text)) {
        value = text_view(text, value_scratch);
      }
      add_field(out, *name, value);
      return;
    }
    element text;
    if (!item.get_object().value_unsafe().at_key("#text").get(text) && text.is_array()) {
      // Bind the array to a named value: ranging over value_unsafe() of a temporary result
      // would dangle.
      const simdjson::dom::array items = text.get_array().value_unsafe();
      for (element t : items) add_unnamed_field(out, text_view(t, value_scratch), unnamed);
      return;
    }
  }
  add_unnamed_field(out, text_view(item, value_scratch), unnamed);
}

std::uint64_t number_of(element v, std::string& scratch) {
  switch (v.type()) {
    case element_type::UINT64:
      return v.get_uint64().value_unsafe();
    case element_type::INT64: {
      const std::int64_t i = v.get_int64().value_unsafe();
      if (i >= 0) return static_cast<std::uint64_t>(i);
      break;
    }
    default:
      break;
  }
  return parse_number(text_view(v, scratch)).value_or(0);
}

void read_system(object sys, RawEvent& out) {
  std::string s;
  for (auto [key, value] : sys) {
    if (key == "Provider") {
      if (auto v = attribute_view(value, "Name", s)) out.set_provider(*v);
    } else if (key == "EventID") {
      // {"#attributes":{"Qualifiers":..},"#text":"7"} gives its text.
      out.event_id = static_cast<std::uint32_t>(number_of(value, s));
    } else if (key == "Version") {
      out.version = static_cast<std::uint16_t>(number_of(value, s));
    } else if (key == "Level") {
      out.level = static_cast<std::uint8_t>(number_of(value, s));
    } else if (key == "Task") {
      out.task = static_cast<std::uint16_t>(number_of(value, s));
    } else if (key == "Opcode") {
      out.opcode = static_cast<std::uint8_t>(number_of(value, s));
    } else if (key == "Keywords") {
      out.keywords = parse_keywords(text_view(value, s)).value_or(0);
    } else if (key == "TimeCreated") {
      if (auto v = attribute_view(value, "SystemTime", s)) {
        out.time_created = parse_iso_time(*v).value_or(0);
      }
    } else if (key == "EventRecordID") {
      out.record_id = number_of(value, s);
    } else if (key == "Execution") {
      if (auto v = attribute_view(value, "ProcessID", s)) {
        out.process_id = static_cast<std::uint32_t>(parse_number(*v).value_or(0));
      }
      if (auto v = attribute_view(value, "ThreadID", s)) {
        out.thread_id = static_cast<std::uint32_t>(parse_number(*v).value_or(0));
      }
    } else if (key == "Channel") {
      out.set_channel(text_view(value, s));
    } else if (key == "Computer") {
      out.set_computer(text_view(value, s));
    } else if (key == "Security") {
      if (auto v = attribute_view(value, "UserID", s)) out.set_user_sid(*v);
    }
  }
}

// {"Event":{"System":..,"EventData":..}} (evtx_dump, xmltodict, EvtxECmd --fj).
Result<JsonDialect> read_event_tree(element event, RawEvent& out) {
  object ev;
  if (event.get(ev)) return fail(ErrorCode::kCorrupt, "\"Event\" is not an object");
  element sys, data, user;
  bool has_sys = false, has_data = false, has_user = false;
  for (auto [key, value] : ev) {  // first occurrence of each key, like at_key
    if (key == "System" && !has_sys) {
      sys = value;
      has_sys = true;
    } else if (key == "EventData" && !has_data) {
      data = value;
      has_data = true;
    } else if (key == "UserData" && !has_user) {
      user = value;
      has_user = true;
    }
  }
  if (!has_sys || !sys.is_object()) return fail(ErrorCode::kCorrupt, "Event has no System object");
  read_system(sys.get_object().value_unsafe(), out);
  int unnamed = 0;
  if (has_data) read_data_block(data, out, unnamed);
  if (has_user) read_user_data(user, out);
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
  std::string s;
  for (auto [key, value] : o) {
    if (out.field_count() >= limits::kMaxEventFields) return;
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
    add_field(out, key, text_view(value, s));
  }
}

void read_user_data(element block, RawEvent& out) {
  object o;
  if (block.get(o)) return;
  std::string s;
  for (auto [wrapper, inner] : o) {
    if (wrapper == "#attributes" || wrapper == "xml_name") continue;
    object fields;
    if (inner.get(fields)) {
      add_field(out, wrapper, text_view(inner, s));
      continue;
    }
    for (auto [key, value] : fields) {
      if (out.field_count() >= limits::kMaxEventFields) return;
      if (key == "#attributes") continue;
      add_field(out, key, text_view(value, s));
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
  ondemand_ = detail::make_ondemand_reader();
  if (!ondemand_) try_ondemand_ = false;
}

Result<JsonDialect> JsonEventReader::read(std::string_view json, RawEvent& out, bool padded) {
  if (json.size() > limits::kMaxLineBytes) {
    return fail(ErrorCode::kLimit, "JSON record larger than kMaxLineBytes");
  }
  text_reserve_ = json.size() + 64;
  // Winlogbeat records as shipped (with the rendered message, agent, ecs...) through On-Demand,
  // which skips what is not read: unless this stream has shown another dialect, the record is an
  // event tree ({"Event":..}) or it is short. A short record has little to skip, and there the
  // DOM reader measured faster (compact 676-byte lines, read+normalize, interleaved runs of
  // bench/ingest_bench: ~1.0 M events/s through DOM against ~0.82 M through On-Demand, which
  // executes about as many instructions but in a chain of dependent steps; 3.3 KB lines ~20 %
  // faster through On-Demand).
  constexpr std::size_t kOnDemandMinBytes = 1024;
  if (try_ondemand_ && json.size() >= kOnDemandMinBytes && !json.starts_with(R"({"Event")")) {
    std::string_view in = json;
    if (!padded) {
      padded_.assign(json);
      padded_.append(simdjson::SIMDJSON_PADDING, ' ');
      in = std::string_view(padded_.data(), json.size());
    }
    out.clear();
    out.reserve(text_reserve_, 32);
    bool not_winlogbeat = false;
    if (detail::read_winlogbeat_ondemand(*ondemand_, in, out, not_winlogbeat)) {
      return JsonDialect::kWinlogbeat;
    }
    if (not_winlogbeat) try_ondemand_ = false;
  }
  element root;
  // An empty view may carry a null pointer, which simdjson would hand to memcpy: report it as
  // the same error simdjson gives for empty input.
  auto err =
      json.empty() ? simdjson::EMPTY : parser_.parse(json.data(), json.size(), !padded).get(root);
  if (err == simdjson::DEPTH_ERROR) {
    return fail(ErrorCode::kLimit, "JSON nesting deeper than kMaxDocumentDepth");
  }
  if (err)
    return fail(ErrorCode::kCorrupt, std::string("bad JSON: ") + simdjson::error_message(err));
  object o;
  if (root.get(o)) return fail(ErrorCode::kCorrupt, "JSON value is not an object");
  return convert(o, out);
}

Result<JsonDialect> JsonEventReader::convert(object root, RawEvent& out) {
  out.clear();
  out.reserve(text_reserve_, 32);
  // The two dialects that carry most input, told apart in one pass over the top level (the
  // first occurrence of each key, as at_key would find it).
  // The same pass collects what the Winlogbeat reader needs from the top level.
  detail::Found event_e, winlog_e;
  detail::WinlogbeatTop top;
  for (auto [key, value] : root) {
    if (detail::key_is(key, "Event")) event_e.first(value);
    if (detail::key_is(key, "winlog")) winlog_e.first(value);
    top.take(key, value);
  }
  if (event_e.set && event_e.value.is_object()) return detail::read_event_tree(event_e.value, out);
  element e;
  if (winlog_e.set && winlog_e.value.is_object()) {
    try_ondemand_ = true;  // a stream of these after all
    detail::read_winlogbeat(top, out);
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
