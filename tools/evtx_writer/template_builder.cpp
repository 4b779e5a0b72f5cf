#include "evtx_writer/template_builder.h"

#include <utility>

#include <fmt/format.h>

#include "core/utf.h"

namespace cmdsentry::evtxgen {
namespace {

constexpr char16_t kEventNamespace[] = u"http://schemas.microsoft.com/win/2004/08/events/event";

Content hole(std::uint16_t index, ValueType type, bool optional = false) {
  return Content{true, {}, index, type, optional};
}

Content literal(std::u16string text) { return Content{false, std::move(text), 0, {}, false}; }

Element leaf(std::string name, Content content) {
  Element e;
  e.name = std::move(name);
  e.content = std::move(content);
  return e;
}

Element with_attributes(std::string name, std::vector<Attribute> attributes) {
  Element e;
  e.name = std::move(name);
  e.attributes = std::move(attributes);
  return e;
}

/// 64-bit FNV-1a; two seeds give the 16 GUID bytes. Stable across runs and platforms.
std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

Element system_element() {
  Element sys;
  sys.name = "System";
  sys.children.push_back(with_attributes(
      "Provider", {{"Name", hole(0, ValueType::kString)}, {"Guid", hole(1, ValueType::kGuid)}}));
  sys.children.push_back(leaf("EventID", hole(2, ValueType::kUInt16)));
  sys.children.push_back(leaf("Version", hole(3, ValueType::kUInt8)));
  sys.children.push_back(leaf("Level", hole(4, ValueType::kUInt8)));
  sys.children.push_back(leaf("Task", hole(5, ValueType::kUInt16)));
  sys.children.push_back(leaf("Opcode", hole(6, ValueType::kUInt8)));
  sys.children.push_back(leaf("Keywords", hole(7, ValueType::kHexInt64)));
  sys.children.push_back(
      with_attributes("TimeCreated", {{"SystemTime", hole(8, ValueType::kFiletime)}}));
  sys.children.push_back(leaf("EventRecordID", hole(9, ValueType::kUInt64)));
  sys.children.push_back(
      with_attributes("Correlation", {{"ActivityID", hole(10, ValueType::kGuid, true)}}));
  sys.children.push_back(with_attributes(
      "Execution",
      {{"ProcessID", hole(11, ValueType::kUInt32)}, {"ThreadID", hole(12, ValueType::kUInt32)}}));
  sys.children.push_back(leaf("Channel", hole(13, ValueType::kString)));
  sys.children.push_back(leaf("Computer", hole(14, ValueType::kString)));
  sys.children.push_back(
      with_attributes("Security", {{"UserID", hole(15, ValueType::kSid, true)}}));
  return sys;
}

Element data_element(const EventSpec& event) {
  std::vector<Element> fields;
  for (std::size_t i = 0; i < event.data.size(); ++i) {
    const DataField& f = event.data[i];
    const auto index = static_cast<std::uint16_t>(kSystemSubstitutions + i);
    if (event.user_data) {
      fields.push_back(leaf(f.name, hole(index, f.type, true)));
    } else {
      Element d = leaf("Data", hole(index, f.type, true));
      d.attributes.push_back({"Name", literal(utf8_to_utf16(f.name))});
      fields.push_back(std::move(d));
    }
  }
  if (!event.user_data) {
    Element ed;
    ed.name = "EventData";
    ed.children = std::move(fields);
    return ed;
  }
  Element inner;
  inner.name = event.user_data->element;
  if (!event.user_data->xmlns.empty()) {
    inner.attributes.push_back({"xmlns", literal(utf8_to_utf16(event.user_data->xmlns))});
  }
  inner.children = std::move(fields);
  Element ud;
  ud.name = "UserData";
  ud.children.push_back(std::move(inner));
  return ud;
}

}  // namespace

std::string template_key(const EventSpec& event) {
  std::string key = fmt::format("{}|{}|{}|", event.provider, event.event_id, event.version);
  if (event.user_data) {
    key += fmt::format("U:{}:{}|", event.user_data->element, event.user_data->xmlns);
  } else {
    key += "E|";
  }
  for (const DataField& f : event.data) {
    key += fmt::format("{}:{};", f.name, static_cast<int>(f.type));
  }
  return key;
}

TemplateShape build_template(const EventSpec& event) {
  TemplateShape t;
  t.key = template_key(event);
  const std::uint64_t a = fnv1a(t.key, 0xCBF29CE484222325ULL);
  const std::uint64_t b = fnv1a(t.key, 0x84222325CBF29CE4ULL);
  for (int i = 0; i < 8; ++i) {
    t.guid[i] = static_cast<std::uint8_t>(a >> (8 * i));
    t.guid[8 + i] = static_cast<std::uint8_t>(b >> (8 * i));
  }
  t.root.name = "Event";
  t.root.attributes.push_back({"xmlns", literal(kEventNamespace)});
  t.root.children.push_back(system_element());
  t.root.children.push_back(data_element(event));
  return t;
}

std::vector<Value> substitution_values(const EventSpec& event, std::uint64_t record_id) {
  std::vector<Value> v;
  v.reserve(kSystemSubstitutions + event.data.size());
  v.push_back(Value::string(event.provider));
  v.push_back(Value::guid(event.provider_guid));
  v.push_back(Value::uint16(event.event_id));
  v.push_back(Value::uint8(event.version));
  v.push_back(Value::uint8(event.level));
  v.push_back(Value::uint16(event.task));
  v.push_back(Value::uint8(event.opcode));
  v.push_back(Value::hex64(event.keywords));
  v.push_back(Value::filetime(event.time_created));
  v.push_back(Value::uint64(record_id));
  v.push_back(event.activity_id ? Value::guid(*event.activity_id) : Value::null());
  v.push_back(Value::uint32(event.process_id));
  v.push_back(Value::uint32(event.thread_id));
  v.push_back(Value::string(event.channel));
  v.push_back(Value::string(event.computer));
  v.push_back(event.user_sid ? Value::sid(*event.user_sid) : Value::null());
  for (const DataField& f : event.data) v.push_back(f.value);
  return v;
}

}  // namespace cmdsentry::evtxgen
