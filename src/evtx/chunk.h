#pragma once
/// Stage 1 of decoding: check a 64 KiB chunk (signature, header and data CRCs) and index its event
/// records without looking inside them. Damage is described, not fatal: a record that breaks the
/// chain makes the walk scan forward for the next valid record header.
///
/// Chunk layout (all offsets chunk-relative): 512-byte header, records from 512 up to the free
/// space offset, then slack. Header: magic "ElfChnk\0", first/last record number (8, 16),
/// first/last record id (24, 32), header size (40), last record offset (44), free space offset
/// (48), records CRC over [512, free) (52), flags (120), header CRC over [0,120)+[128,512) (124),
/// string table (128, 64 x u32), template table (384, 32 x u32).
/// Record: "**\0\0", u32 size, u64 id, u64 written FILETIME, BinXml, u32 copy of size.
///
/// Hidden records. DanderSpritz `eventlogedit` deletes a record by adding its size to the
/// record before it and renumbering the ones after: the chunk's CRCs, the walk and the ids all
/// look intact, and the deleted record sits whole in its neighbour's tail, its trailing copy
/// overwritten by the neighbour's new size. The walk looks past the end of each record's BinXml
/// (fragment header, template instance, values, EOF: no template is parsed) for a record header
/// there: a live record is padded by at most 7 bytes, so anything larger is slack. Found
/// records are reported; with `carve` they are indexed too (carved and hidden).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace cmdsentry::evtx {

inline constexpr std::size_t kChunkHeaderSize = 512;
inline constexpr std::size_t kRecordHeaderSize = 24;
inline constexpr std::size_t kMinRecordSize = 28;

/// Chunk header fields as stored.
struct ChunkHeader {
  std::uint64_t first_record_number = 0;
  std::uint64_t last_record_number = 0;
  std::uint64_t first_record_id = 0;
  std::uint64_t last_record_id = 0;
  std::uint32_t last_record_offset = 0;
  std::uint32_t free_space_offset = 0;
  std::uint32_t data_crc = 0;
  std::uint32_t flags = 0;
  std::uint32_t header_crc = 0;
};

/// One record found by the walk.
struct RecordRef {
  std::uint32_t offset = 0;  ///< chunk-relative offset of the record header
  std::uint32_t size = 0;    ///< whole record size
  /// The record header's number. Equal to the BinXml's EventRecordID except in logs saved
  /// from a filtered view, which renumber their records from 1.
  std::uint64_t id = 0;
  std::uint64_t written = 0;  ///< FILETIME of the write
  bool carved = false;        ///< found in slack, not in the live walk
  /// Carved from the slack inside a larger record (a record deleted by enlarging its
  /// neighbour); `carved` is set too.
  bool hidden = false;
};

/// A problem found while indexing, chunk-relative.
struct ChunkIssue {
  std::uint32_t offset = 0;
  std::string message;
};

/// Result of stage 1.
struct ChunkIndex {
  enum class State : std::uint8_t { kOk, kEmpty, kBadMagic };
  State state = State::kOk;
  ChunkHeader header;
  bool header_crc_ok = false;
  bool data_crc_ok = false;
  std::vector<RecordRef> records;
  std::vector<ChunkIssue> issues;
  std::uint64_t skipped_bytes = 0;  ///< bytes of the live area that held no valid record
  /// Records found hidden inside larger ones (indexed only with carve), each with an issue.
  std::uint32_t hidden = 0;
};

/// Indexes one chunk. `chunk` may be shorter than 64 KiB (a truncated file's last chunk).
/// With `carve`, records in the slack after the live area are indexed too (flagged carved,
/// skipping ids the live walk already has), and so are records hidden inside live ones (flagged
/// carved and hidden, after the live records; their ids may repeat live ones: eventlogedit
/// renumbers). Hidden records are reported as issues with or without `carve`.
void index_chunk(std::span<const std::uint8_t> chunk, bool carve, ChunkIndex& out);

}  // namespace cmdsentry::evtx
