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

/// The tail of a JSON lines file whose first line was cut (`tail -c N` writes one): a first line
/// that ends like a JSON object and a next line that starts one. Prose or code that merely holds
/// braces rarely has both.
bool is_cut_json_lines(std::string_view s) {
  const std::size_t nl = s.find('\n');
  if (nl == std::string_view::npos) return false;
  std::string_view first = s.substr(0, nl);
  while (!first.empty() && is_space(first.back())) first.remove_suffix(1);
  if (first.empty() || first.back() != '}') return false;
  std::string_view rest = s.substr(nl + 1);
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  return starts_with(rest, "{\"");
}

}  // namespace

std::string_view to_string(Format format) {
  switch (format) {
    case Format::kUnknown:
      return "unknown";
    case Format::kEvtx:
      return "evtx";
    case Format::kJson:
      return "json";
    case Format::kXml:
      return "xml";
    case Format::kArchive:
      return "archive";
    case Format::kCompressed:
      return "compressed";
    case Format::kUtf16Text:
      return "utf16";
  }
  return "unknown";
}

Format sniff_format(std::string_view head, std::string_view name) {
  if (starts_with(head, std::string_view("ElfFile\0", 8))) return Format::kEvtx;
  if (starts_with(head, "PK\x03\x04") || starts_with(head, "PK\x05\x06")) return Format::kArchive;
  if (head.size() > 262 && head.substr(257, 5) == "ustar") return Format::kArchive;
  if (starts_with(head, "\x1f\x8b") || starts_with(head, "BZh") ||
      starts_with(head, std::string_view("\xfd"
                                         "7zXZ\0",
                                         6)) ||
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
    } else if (body.front() == '<') {
      if (is_xml_event_start(skip_xml_prologue(body))) return Format::kXml;
    }
    return is_cut_json_lines(body) ? Format::kJson : Format::kUnknown;
  }
  // Empty or blank: trust the extension so an empty export is "read, 0 events" not "unknown".
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".json") || ends_with(".jsonl") || ends_with(".ndjson")) return Format::kJson;
  if (ends_with(".xml")) return Format::kXml;
  return Format::kUnknown;
}

}  // namespace cmdsentry::sources
