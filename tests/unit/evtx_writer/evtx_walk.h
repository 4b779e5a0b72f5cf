#pragma once
/// Test helper: an independent, minimal walk over EVTX bytes (file header, chunk headers, record
/// headers, CRCs), so the writer's tests do not depend on the engine's decoder.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "evtx/crc32.h"

namespace cmdsentry::evtxgen::testing {

struct WalkedRecord {
  std::uint32_t offset = 0;  ///< chunk-relative
  std::uint32_t size = 0;
  std::uint32_t size_copy = 0;
  std::uint64_t id = 0;
  std::uint64_t written = 0;
};

struct WalkedChunk {
  std::uint64_t first_number = 0, last_number = 0, first_id = 0, last_id = 0;
  std::uint32_t last_offset = 0, free_offset = 0;
  bool header_crc_ok = false, data_crc_ok = false;
  std::span<const std::uint8_t> bytes;
  std::vector<WalkedRecord> records;
};

struct WalkedFile {
  std::shared_ptr<const std::vector<std::uint8_t>> storage;  ///< the bytes the spans point into
  bool magic_ok = false, header_crc_ok = false;
  std::uint64_t next_id = 0, last_chunk = 0;
  std::uint16_t minor = 0, major = 0, chunk_count = 0;
  std::uint32_t flags = 0;
  std::vector<WalkedChunk> chunks;
};

inline std::uint32_t le32(std::span<const std::uint8_t> b, std::size_t pos) {
  return ByteReader(b, pos).u32();
}

/// Walks a copy of `bytes` (kept alive by the result).
inline WalkedFile walk(std::vector<std::uint8_t> bytes) {
  WalkedFile f;
  f.storage = std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
  const std::span<const std::uint8_t> file(*f.storage);
  ByteReader h(file);
  f.magic_ok = file.size() >= 4096 &&
               std::string(file.begin(), file.begin() + 8) == std::string("ElfFile\0", 8);
  h.seek(16);
  f.last_chunk = h.u64();
  f.next_id = h.u64();
  h.seek(36);
  f.minor = h.u16();
  f.major = h.u16();
  h.skip(2);
  f.chunk_count = h.u16();
  h.seek(120);
  f.flags = h.u32();
  f.header_crc_ok = h.u32() == evtx::crc32(file.first(120));
  for (std::size_t off = 4096; off + 65536 <= file.size(); off += 65536) {
    WalkedChunk c;
    c.bytes = file.subspan(off, 65536);
    ByteReader r(c.bytes, 8);
    c.first_number = r.u64();
    c.last_number = r.u64();
    c.first_id = r.u64();
    c.last_id = r.u64();
    r.skip(4);
    c.last_offset = r.u32();
    c.free_offset = r.u32();
    const std::uint32_t data_crc = r.u32();
    c.data_crc_ok = c.free_offset >= 512 && c.free_offset <= 65536 &&
                    data_crc == evtx::crc32(c.bytes.subspan(512, c.free_offset - 512));
    c.header_crc_ok = le32(c.bytes, 124) ==
                      evtx::crc32(c.bytes.subspan(128, 384), evtx::crc32(c.bytes.first(120)));
    for (std::uint32_t p = 512; p + 28 <= c.free_offset;) {
      ByteReader rr(c.bytes, p);
      if (rr.u32() != 0x00002A2A) break;
      WalkedRecord rec;
      rec.offset = p;
      rec.size = rr.u32();
      rec.id = rr.u64();
      rec.written = rr.u64();
      if (rec.size < 28 || p + rec.size > 65536) break;
      rec.size_copy = le32(c.bytes, p + rec.size - 4);
      c.records.push_back(rec);
      p += rec.size;
    }
    f.chunks.push_back(std::move(c));
  }
  return f;
}

}  // namespace cmdsentry::evtxgen::testing
