// Fuzz target: one EVTX chunk through both decoding stages and every renderer.
// The input is a chunk (any length; the decoder treats a short one as truncated).
#include <cstdint>
#include <span>
#include <string>

#include "core/raw_event.h"
#include "evtx/chunk_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static cmdsentry::evtx::ChunkDecoder decoder;  // reused, as the reader does
  const std::span<const std::uint8_t> chunk(data, size);
  for (bool carve : {false, true}) {
    const auto& index = decoder.load(chunk, carve);
    cmdsentry::evtx::EventFilter filter;
    filter.event_ids = {4688, 1};
    filter.channels = {"Security", "Microsoft-Windows-Sysmon/Operational"};
    for (const auto& rec : index.records) {
      auto doc = decoder.open(rec);
      if (!doc) continue;
      (void)decoder.accepts(*doc, filter);
      std::string out;
      (void)decoder.render_json(*doc, out);
      (void)decoder.render_json(*doc, out);  // second time: the render cache replays
      out.clear();
      (void)decoder.render_xml(*doc, out);
      cmdsentry::RawEvent ev;
      (void)decoder.extract(*doc, ev);
    }
  }
  return 0;
}
