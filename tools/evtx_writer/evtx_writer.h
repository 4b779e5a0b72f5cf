#pragma once
/// EvtxWriter: writes a complete EVTX file (file header + chunks) from EventSpecs. Output is a
/// pure function of the events and options — no clock, no randomness — so generated samples are
/// byte-for-byte reproducible.
///
/// Example:
///   EvtxWriter w({.max_records_per_chunk = 10});
///   for (const EventSpec& e : events) if (auto id = w.add(e); !id) return id.error();
///   std::vector<std::uint8_t> file = w.bytes();   // or w.write_file("out.evtx")

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "core/error.h"
#include "evtx_writer/chunk_builder.h"
#include "evtx_writer/event_spec.h"

namespace cmdsentry::evtxgen {

inline constexpr std::size_t kFileHeaderSize = 4096;

/// File header flags (evtx-format.md §2).
inline constexpr std::uint32_t kFlagDirty = 0x1;
inline constexpr std::uint32_t kFlagFull = 0x2;

/// Knobs for tests and seeds.
struct WriterOptions {
  std::size_t max_records_per_chunk = 0;  ///< 0: as many as fit
  bool dirty = false;                     ///< set the header's dirty flag
  std::uint64_t first_record_id = 1;
  std::uint16_t minor_version = 1;  ///< 1 (Vista+) or 2 (Windows 10 2004+)
  /// Streaming: when set, each sealed 64 KiB chunk is handed here instead of being kept, so
  /// memory stays at one chunk; call flush() at the end, then write file_header() at offset 0.
  std::function<void(std::vector<std::uint8_t>&&)> on_sealed;
};

/// Summary of what was written.
struct WriteStats {
  std::size_t records = 0;
  std::size_t chunks = 0;
  std::size_t templates = 0;  ///< template definitions summed over chunks
};

class EvtxWriter {
 public:
  explicit EvtxWriter(WriterOptions options = {});

  /// Appends one event; returns its record id (the spec's, or the next one). Starts a new chunk
  /// when the record does not fit or the per-chunk limit is reached.
  [[nodiscard]] Result<std::uint64_t> add(const EventSpec& event);

  /// The whole file as it stands (header + sealed chunks, the open chunk included).
  [[nodiscard]] std::vector<std::uint8_t> bytes() const;

  /// Seals the open chunk (streaming: hands it to on_sealed).
  void flush();

  /// The 4096-byte file header for every chunk written so far (sealed, streamed and open).
  [[nodiscard]] std::vector<std::uint8_t> file_header() const;

  /// Writes bytes() to `path`.
  [[nodiscard]] Result<void> write_file(const std::filesystem::path& path) const;

  [[nodiscard]] WriteStats stats() const;

 private:
  void seal_open_chunk();
  [[nodiscard]] std::vector<std::uint8_t> header_for(std::size_t chunks) const;

  WriterOptions options_;
  std::vector<std::vector<std::uint8_t>> sealed_;
  std::optional<ChunkBuilder> open_;
  std::uint64_t next_id_;
  std::uint64_t next_number_;
  std::size_t records_ = 0;
  std::size_t sealed_templates_ = 0;
  std::size_t streamed_chunks_ = 0;
};

}  // namespace cmdsentry::evtxgen
