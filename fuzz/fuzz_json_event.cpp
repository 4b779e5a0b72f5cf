// Fuzzes the JSON side of ingestion: the stream splitter (JSONL / arrays / concatenated objects),
// every dialect reader, the normalizer and the JSONL writer. Nothing may crash, hang or leak.
// Differential check: whatever Winlogbeat record the On-Demand reader accepts, the DOM reader
// must read into the same RawEvent (when the DOM parser accepts the JSON at all).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "events/event_json.h"
#include "events/normalize.h"
#include "sources/json_event.h"
#include "sources/source.h"

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
  // Through the sniffer (JSON, but also archives, UTF-16 and XML if the bytes say so)...
  (void)sources::read_buffer("fuzz.json", text, sources::SourceOptions{}, sink);
  // ...and straight into the object reader.
  sources::JsonEventReader reader;
  RawEvent raw;
  if (reader.read(text, raw)) events::append_jsonl(out, events::normalize(std::move(raw)));

  static const sources::detail::OnDemandReaderPtr ondemand =
      sources::detail::make_ondemand_reader();
  if (ondemand) {
    std::string padded(text);
    padded.append(simdjson::SIMDJSON_PADDING, ' ');
    RawEvent fast;
    bool not_winlogbeat = false;
    const bool accepted = sources::detail::read_winlogbeat_ondemand(
        *ondemand, std::string_view(padded.data(), text.size()), fast, not_winlogbeat);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (accepted && !parser.parse(padded.data(), text.size(), false).get(root) &&
        root.is_object()) {
      RawEvent slow;
      sources::detail::read_winlogbeat(root.get_object().value_unsafe(), slow);
      if (!fast.same_content(slow)) __builtin_trap();
    }
  }
  return 0;
}
