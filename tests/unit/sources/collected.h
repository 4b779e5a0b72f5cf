#pragma once
/// Test helper: everything read_buffer delivers for one in-memory input.

#include <string>
#include <string_view>
#include <vector>

#include "sources/source.h"

namespace cmdsentry::sources {

struct Collected {
  std::vector<RawEvent> events;
  std::vector<SourceDiagnostic> diagnostics;
  SourceStats stats;
};

/// Reads `data` as the file `name` (sniffed like one) and keeps what comes out.
inline Collected read_collected(const std::string& name, std::string_view data,
                                const SourceOptions& options = {}) {
  Collected c;
  SourceSink sink;
  sink.on_event = [&](RawEvent&& e) { c.events.push_back(std::move(e)); };
  sink.on_diagnostic = [&](const SourceDiagnostic& d) { c.diagnostics.push_back(d); };
  c.stats = read_buffer(name, data, options, sink);
  return c;
}

}  // namespace cmdsentry::sources
