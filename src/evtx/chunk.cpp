#include "evtx/chunk.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "core/byte_reader.h"
#include "evtx/crc32.h"

namespace cmdsentry::evtx {
namespace {

constexpr std::uint32_t kRecordMagic = 0x00002A2A;
constexpr const char* kCopyMismatch = "record size and its trailing copy differ";

bool all_zero(std::span<const std::uint8_t> s) {
  return std::all_of(s.begin(), s.end(), [](std::uint8_t b) { return b == 0; });
}

/// Why the bytes at `off` are not a record, or nullptr when they are one that ends by `limit`.
const char* record_problem(std::span<const std::uint8_t> c, std::size_t off, std::size_t limit) {
  if (off + kMinRecordSize > limit) return "record header runs past the live area";
  if (ByteReader::at<std::uint32_t>(c, off) != kRecordMagic) return "bad record signature";
  const std::uint32_t size = ByteReader::at<std::uint32_t>(c, off + 4);
  if (size < kMinRecordSize) return "record size below 28 bytes";
  if (size > limit - off) return "record size runs past the live area";
  if (ByteReader::at<std::uint32_t>(c, off + size - 4) != size) return kCopyMismatch;
  return nullptr;
}

/// Plausible BinXml start: fragment header, PI target, or a lone EOF.
bool binxml_start_ok(std::span<const std::uint8_t> c, std::size_t off) {
  const std::size_t p = off + kRecordHeaderSize;
  if (p >= c.size()) return false;
  const std::uint8_t t = c[p];
  if (t == 0x0F) return p + 4 <= c.size() && c[p + 1] == 1 && c[p + 2] == 1;
  return t == 0x0A || t == 0x00;
}

RecordRef make_ref(std::span<const std::uint8_t> c, std::size_t off, bool carved) {
  RecordRef r;
  r.offset = static_cast<std::uint32_t>(off);
  r.size = ByteReader::at<std::uint32_t>(c, off + 4);
  r.id = ByteReader::at<std::uint64_t>(c, off + 8);
  r.written = ByteReader::at<std::uint64_t>(c, off + 16);
  r.carved = carved;
  return r;
}

/// Next offset >= from where a valid record (with a plausible BinXml start) begins, or npos.
std::size_t scan_for_record(std::span<const std::uint8_t> c, std::size_t from, std::size_t limit,
                            bool strict) {
  static constexpr std::uint8_t kSig[4] = {0x2A, 0x2A, 0x00, 0x00};
  const auto* begin = c.data();
  std::size_t pos = from;
  while (pos + kMinRecordSize <= limit) {
    const auto* hit = std::search(begin + pos, begin + limit, kSig, kSig + 4);
    if (hit == begin + limit) break;
    pos = static_cast<std::size_t>(hit - begin);
    const char* problem = record_problem(c, pos, limit);
    if ((problem == nullptr || (!strict && problem == kCopyMismatch)) && binxml_start_ok(c, pos)) {
      return pos;
    }
    ++pos;
  }
  return std::string::npos;
}

}  // namespace

void index_chunk(std::span<const std::uint8_t> c, bool carve, ChunkIndex& out) {
  out.state = ChunkIndex::State::kOk;
  out.header = {};
  out.header_crc_ok = out.data_crc_ok = false;
  out.records.clear();
  out.issues.clear();
  out.skipped_bytes = 0;

  if (c.size() < 8 || std::memcmp(c.data(), "ElfChnk\0", 8) != 0) {
    if (all_zero(c)) {
      out.state = ChunkIndex::State::kEmpty;
    } else {
      out.state = ChunkIndex::State::kBadMagic;
      out.issues.push_back({0, "no ElfChnk signature: chunk skipped"});
    }
    return;
  }
  if (c.size() < kChunkHeaderSize) {
    out.state = ChunkIndex::State::kBadMagic;
    out.issues.push_back({0, fmt::format("chunk truncated to {} bytes: skipped", c.size())});
    return;
  }
  ChunkHeader& h = out.header;
  ByteReader r(c, 8);
  h.first_record_number = r.u64();
  h.last_record_number = r.u64();
  h.first_record_id = r.u64();
  h.last_record_id = r.u64();
  r.u32();  // header size
  h.last_record_offset = r.u32();
  h.free_space_offset = r.u32();
  h.data_crc = r.u32();
  h.flags = ByteReader::at<std::uint32_t>(c, 120);
  h.header_crc = ByteReader::at<std::uint32_t>(c, 124);

  out.header_crc_ok = crc32(c.subspan(128, 384), crc32(c.subspan(0, 120))) == h.header_crc;
  if (!out.header_crc_ok) out.issues.push_back({124, "chunk header CRC mismatch (decoded anyway)"});

  std::size_t live_end = c.size();
  if (h.free_space_offset >= kChunkHeaderSize && h.free_space_offset <= c.size()) {
    live_end = h.free_space_offset;
    out.data_crc_ok = crc32(c.subspan(kChunkHeaderSize, live_end - kChunkHeaderSize)) == h.data_crc;
    if (!out.data_crc_ok) {
      out.issues.push_back({52, "chunk records CRC mismatch (decoded anyway)"});
    }
  } else {
    out.issues.push_back(
        {48, fmt::format("free space offset {} out of range: walking the whole chunk",
                         h.free_space_offset)});
  }

  std::size_t off = kChunkHeaderSize;
  while (off + kMinRecordSize <= live_end) {
    const char* problem = record_problem(c, off, live_end);
    if (problem == nullptr || (problem == kCopyMismatch && binxml_start_ok(c, off))) {
      // A record whose trailing copy is wrong (a write cut short) is still decoded: its BinXml
      // is usually complete, and the decoder rejects it if not.
      if (problem != nullptr) {
        out.issues.push_back(
            {static_cast<std::uint32_t>(off), fmt::format("{} (decoding it anyway)", problem)});
      }
      out.records.push_back(make_ref(c, off, false));
      off += out.records.back().size;
      continue;
    }
    if (all_zero(c.subspan(off, live_end - off))) break;  // zero-filled tail of an archived log
    const std::size_t next = scan_for_record(c, off + 1, live_end, /*strict=*/false);
    out.issues.push_back(
        {static_cast<std::uint32_t>(off),
         fmt::format("{}; {}", problem,
                     next == std::string::npos ? "rest of the chunk skipped"
                                               : fmt::format("resynchronised at 0x{:x}", next))});
    const std::size_t stop = next == std::string::npos ? live_end : next;
    out.skipped_bytes += stop - off;
    off = stop;
  }

  if (out.header_crc_ok && h.last_record_number >= h.first_record_number) {
    const std::uint64_t expected = h.last_record_number - h.first_record_number + 1;
    if (expected != out.records.size()) {
      out.issues.push_back({8, fmt::format("chunk header promises {} records, the walk found {}",
                                           expected, out.records.size())});
    }
  }

  if (carve) {
    std::size_t pos = std::max(off, live_end);
    const std::size_t live_count = out.records.size();
    while (true) {
      pos = scan_for_record(c, pos, c.size(), /*strict=*/true);
      if (pos == std::string::npos) break;
      RecordRef ref = make_ref(c, pos, true);
      const bool seen = std::any_of(out.records.begin(), out.records.begin() + live_count,
                                    [&](const RecordRef& x) { return x.id == ref.id; });
      if (!seen) out.records.push_back(ref);
      pos += ref.size;
    }
  }
}

}  // namespace cmdsentry::evtx
