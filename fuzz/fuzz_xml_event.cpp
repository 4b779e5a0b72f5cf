// Fuzzes the XML side of ingestion: the <Event> stream splitter, the pugixml element reader, the
// normalizer and the JSONL writer (invalid UTF-8 from XML must still give valid JSON).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "events/event_json.h"
#include "events/normalize.h"
#include "sources/source.h"
#include "sources/xml_event.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cmdsentry;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string out;
  sources::SourceSink sink;
  sink.on_event = [&](RawEvent&& raw) {
    events::append_jsonl(out, events::normalize(std::move(raw)));
    if (out.size() > (1u << 20)) out.clear();
  };
  sink.on_diagnostic = [](const sources::SourceDiagnostic&) {};
  // Force the XML path even when the sniffer would not choose it.
  std::string doc = "<Events>";
  doc.append(text);
  (void)sources::read_buffer("fuzz.xml", doc, sources::SourceOptions{}, sink);
  RawEvent raw;
  if (sources::read_xml_event(text, raw))
    events::append_jsonl(out, events::normalize(std::move(raw)));
  return 0;
}
