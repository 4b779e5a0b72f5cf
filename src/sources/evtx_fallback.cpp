// TEMPORARY (branch `sources` only): stands in for the EVTX decoder until the lead's
// implementation of evtx/reader.h is merged. CMake compiles this file only while
// src/evtx/reader.cpp does not exist. Delete it with the merge.
#include "evtx/reader.h"

namespace cmdsentry::evtx {

ReadStats& ReadStats::operator+=(const ReadStats& o) {
  chunks += o.chunks;
  records += o.records;
  records_skipped += o.records_skipped;
  return *this;
}

Result<ReadStats> read_events(const std::filesystem::path&, const ReadOptions&,
                              const std::function<void(RawEvent&&)>&,
                              const std::function<void(const Diagnostic&)>&) {
  return fail(ErrorCode::kUnsupported, "EVTX decoder not built yet (read the JSON rendering)");
}

bool looks_like_evtx(const std::uint8_t* data, std::size_t size) {
  return size >= 8 && std::string_view(reinterpret_cast<const char*>(data), 8) ==
                          std::string_view("ElfFile\0", 8);
}

}  // namespace cmdsentry::evtx
