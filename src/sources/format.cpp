#include "sources/format.h"

#include <cstring>

namespace cmdsentry::sources {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Skips whitespace, an XML declaration, comments and doctype-like prologue items.
std::string_view skip_xml_prologue(std::string_view s) {
  for (;;) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    if (starts_with(s, "<?") || starts_with(s, "<!")) {
      const std::size_t end = s.find('>');
      if (end == std::string_view::npos) return {};
      s.remove_prefix(end + 1);
      continue;
    }
    return s;
  }
}

bool is_xml_event_start(std::string_view s) {
  // <Events>, <Event ...>, or a namespace-prefixed variant (<evt:Event>).
  if (!starts_with(s, "<")) return false;
  const std::size_t colon = s.find_first_of(":> \t\r\n/");
  std::string_view name = s.substr(1);
  if (colon != std::string_view::npos && s[colon] == ':') name = s.substr(colon + 1);
  return starts_with(name, "Event");
}

}  // namespace

std::string_view to_string(Format format) {
  switch (format) {
    case Format::kUnknown: return "unknown";
    case Format::kEvtx: return "evtx";
    case Format::kJson: return "json";
    case Format::kXml: return "xml";
    case Format::kArchive: return "archive";
    case Format::kCompressed: return "compressed";
    case Format::kUtf16Text: return "utf16";
  }
  return "unknown";
}

Format sniff_format(std::string_view head, std::string_view name) {
  if (starts_with(head, std::string_view("ElfFile\0", 8))) return Format::kEvtx;
  if (starts_with(head, "PK\x03\x04") || starts_with(head, "PK\x05\x06")) return Format::kArchive;
  if (head.size() > 262 && head.substr(257, 5) == "ustar") return Format::kArchive;
  if (starts_with(head, "\x1f\x8b") || starts_with(head, "BZh") ||
      starts_with(head, std::string_view("\xfd" "7zXZ\0", 6)) ||
      starts_with(head, "\x28\xb5\x2f\xfd")) {
    return Format::kCompressed;
  }
  if (starts_with(head, "\xff\xfe")) return Format::kUtf16Text;
  if (starts_with(head, "\xef\xbb\xbf")) head.remove_prefix(3);
  std::string_view body = head;
  while (!body.empty() && is_space(body.front())) body.remove_prefix(1);
  if (!body.empty()) {
    if (body.front() == '{') return Format::kJson;
    if (body.front() == '[') {
      std::string_view rest = body.substr(1);
      while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
      if (rest.empty() || rest.front() == '{' || rest.front() == ']') return Format::kJson;
      return Format::kUnknown;
    }
    if (body.front() == '<') {
      return is_xml_event_start(skip_xml_prologue(body)) ? Format::kXml : Format::kUnknown;
    }
    return Format::kUnknown;
  }
  // Empty or blank: trust the extension so an empty export is "read, 0 events" not "unknown".
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".json") || ends_with(".jsonl") || ends_with(".ndjson")) return Format::kJson;
  if (ends_with(".xml")) return Format::kXml;
  return Format::kUnknown;
}

}  // namespace cmdsentry::sources
