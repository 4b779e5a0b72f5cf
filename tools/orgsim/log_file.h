#pragma once
/// LogFile: one simulated event log (one host, one channel) streamed to disk as EVTX and/or as
/// evtx_dump-shaped JSONL. Memory stays at one chunk: sealed chunks are written as they fill;
/// the JSONL lines are rendered from those chunk bytes by the project's own EVTX decoder, so both
/// outputs hold the same records with the same EventRecordIDs.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "core/error.h"
#include "evtx/chunk_decoder.h"
#include "evtx_writer/evtx_writer.h"

namespace cmdsentry::orgsim {

class LogFile {
 public:
  /// `base` without extension; writes base.evtx and/or base.jsonl.
  LogFile(std::filesystem::path base, bool evtx, bool jsonl);
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  /// Appends one record, returns its EventRecordID.
  [[nodiscard]] Result<std::uint64_t> add(const evtxgen::EventSpec& e);
  /// Seals the last chunk, writes the EVTX header, closes the files.
  [[nodiscard]] Result<void> close();

  [[nodiscard]] std::uint64_t records() const { return records_; }
  [[nodiscard]] std::uint64_t evtx_bytes() const { return evtx_bytes_; }
  [[nodiscard]] std::uint64_t jsonl_bytes() const { return jsonl_bytes_; }

 private:
  void on_chunk(std::vector<std::uint8_t>&& chunk);

  std::filesystem::path base_;
  bool evtx_;
  bool jsonl_;
  std::ofstream evtx_out_;
  std::ofstream jsonl_out_;
  std::unique_ptr<evtx::ChunkDecoder> decoder_;
  std::string line_;
  std::string error_;  ///< first write/render failure
  evtxgen::EvtxWriter writer_;
  std::uint64_t records_ = 0;
  std::uint64_t evtx_bytes_ = 0;
  std::uint64_t jsonl_bytes_ = 0;
};

}  // namespace cmdsentry::orgsim
