#pragma once
/// The 4096-byte EVTX file header (only its first 128 bytes carry data). Its counters are hints:
/// dirty files have stale chunk counts, so readers derive the chunk count from the file size.

#include <cstdint>
#include <span>

#include "core/error.h"

namespace cmdsentry::evtx {

inline constexpr std::size_t kFileHeaderSize = 4096;
inline constexpr std::size_t kChunkSize = 65536;

/// Header fields as stored.
struct FileHeader {
  std::uint64_t first_chunk = 0;
  std::uint64_t last_chunk = 0;
  std::uint64_t next_record_id = 0;
  std::uint16_t minor_version = 0;
  std::uint16_t major_version = 0;
  std::uint16_t chunk_count = 0;
  std::uint32_t flags = 0;
  bool crc_ok = false;

  [[nodiscard]] bool dirty() const { return (flags & 0x1) != 0; }
  [[nodiscard]] bool full() const { return (flags & 0x2) != 0; }
};

/// Parses the header. Fails only on a missing signature or short buffer; a CRC mismatch or
/// odd version is reported through `crc_ok`/fields, not as an error (the chunks may be fine).
[[nodiscard]] Result<FileHeader> parse_file_header(std::span<const std::uint8_t> bytes);

}  // namespace cmdsentry::evtx
