#include "sources/xml_event.h"

#include <pugixml.hpp>

#include "core/limits.h"
#include "core/time.h"
#include "sources/fields.h"

namespace cmdsentry::sources {
namespace {

// Local name without a namespace prefix ("evt:Event" -> "Event").
std::string_view local_name(const pugi::xml_node& n) {
  std::string_view name = n.name();
  const std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node c : parent.children()) {
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  }
  return {};
}

// All text below a node (Data values are plain text, but CDATA and entity splits happen).
std::string text_of(const pugi::xml_node& n) {
  std::string s;
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) s += c.value();
  }
  return s;
}

std::uint64_t number_of(const pugi::xml_node& n) { return parse_number(text_of(n)).value_or(0); }

void read_system(const pugi::xml_node& sys, RawEvent& out) {
  for (pugi::xml_node c : sys.children()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view name = local_name(c);
    if (name == "Provider") {
      std::string_view provider = c.attribute("Name").value();
      if (provider.empty()) provider = c.attribute("EventSourceName").value();
      out.set_provider(provider);
    } else if (name == "EventID") {
      out.event_id = static_cast<std::uint32_t>(number_of(c));
    } else if (name == "Version") {
      out.version = static_cast<std::uint16_t>(number_of(c));
    } else if (name == "Level") {
      out.level = static_cast<std::uint8_t>(number_of(c));
    } else if (name == "Task") {
      out.task = static_cast<std::uint16_t>(number_of(c));
    } else if (name == "Opcode") {
      out.opcode = static_cast<std::uint8_t>(number_of(c));
    } else if (name == "Keywords") {
      out.keywords = parse_keywords(text_of(c)).value_or(0);
    } else if (name == "TimeCreated") {
      out.time_created = parse_iso_time(c.attribute("SystemTime").value()).value_or(0);
    } else if (name == "EventRecordID") {
      out.record_id = number_of(c);
    } else if (name == "Execution") {
      out.process_id =
          static_cast<std::uint32_t>(parse_number(c.attribute("ProcessID").value()).value_or(0));
      out.thread_id =
          static_cast<std::uint32_t>(parse_number(c.attribute("ThreadID").value()).value_or(0));
    } else if (name == "Channel") {
      out.set_channel(text_of(c));
    } else if (name == "Computer") {
      out.set_computer(text_of(c));
    } else if (name == "Security") {
      out.set_user_sid(c.attribute("UserID").value());
    }
  }
}

void read_event_data(const pugi::xml_node& data, RawEvent& out) {
  int unnamed = 0;
  for (pugi::xml_node c : data.children()) {
    if (c.type() != pugi::node_element || local_name(c) != "Data") continue;
    if (out.field_count() >= limits::kMaxEventFields) return;
    pugi::xml_attribute name = c.attribute("Name");
    if (name) {
      add_field(out, name.value(), text_of(c));
    } else {
      add_unnamed_field(out, text_of(c), unnamed);
    }
  }
}

void read_user_data(const pugi::xml_node& user, RawEvent& out) {
  for (pugi::xml_node wrapper : user.children()) {
    if (wrapper.type() != pugi::node_element) continue;
    for (pugi::xml_node f : wrapper.children()) {
      if (f.type() != pugi::node_element) continue;
      if (out.field_count() >= limits::kMaxEventFields) return;
      add_field(out, local_name(f), text_of(f));
    }
  }
}

}  // namespace

Result<void> read_xml_event(std::string_view xml, RawEvent& out) {
  out.clear();
  if (xml.size() > limits::kMaxXmlEventBytes) {
    return fail(ErrorCode::kLimit, "XML event larger than kMaxXmlEventBytes");
  }
  pugi::xml_document doc;
  // No DOCTYPE/entity expansion beyond the predefined ones; pugixml never fetches anything.
  const unsigned flags = pugi::parse_default & ~pugi::parse_wconv_attribute;
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), flags, pugi::encoding_utf8);
  if (!r) {
    return fail(ErrorCode::kCorrupt, std::string("bad XML: ") + r.description(),
                static_cast<std::uint64_t>(r.offset));
  }
  pugi::xml_node event = doc.document_element();
  if (local_name(event) != "Event") return fail(ErrorCode::kCorrupt, "root element is not <Event>");
  pugi::xml_node sys = child(event, "System");
  if (!sys) return fail(ErrorCode::kCorrupt, "<Event> has no <System>");
  read_system(sys, out);
  if (pugi::xml_node data = child(event, "EventData")) read_event_data(data, out);
  if (pugi::xml_node user = child(event, "UserData")) read_user_data(user, out);
  canonicalize_channel(out);
  return {};
}

}  // namespace cmdsentry::sources
