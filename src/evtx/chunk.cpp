#include "evtx/chunk.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "core/byte_reader.h"
#include "core/limits.h"
#include "evtx/crc32.h"
#include "evtx/file_header.h"

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

/// Where the BinXml of record `r` stops (past its EOF token), from the layout Windows writes:
/// fragment header, template instance (an inline definition skipped by its size), descriptors,
/// values. The record's header start when it is laid out otherwise (the whole body is slack then).
std::size_t binxml_end(std::span<const std::uint8_t> c, const RecordRef& r) {
  const std::size_t unknown = r.offset + kRecordHeaderSize;
  const std::size_t end = r.offset + r.size - 4;  // the trailing copy
  std::size_t p = unknown;
  if (p + 4 <= end && c[p] == 0x0F) p += 4;
  if (p + 10 > end || c[p] != 0x0C) return unknown;
  p += 6;  // token, unknown byte, template id
  const std::size_t def = ByteReader::at<std::uint32_t>(c, p);
  p += 4;
  if (def == p) {
    if (end - p < 24) return unknown;
    const std::size_t body = ByteReader::at<std::uint32_t>(c, p + 20);
    if (body > end - p - 24) return unknown;
    p += 24 + body;
  }
  if (end - p < 4) return unknown;
  const std::size_t count = ByteReader::at<std::uint32_t>(c, p);
  p += 4;
  if (count > (end - p) / 4) return unknown;
  std::size_t data = 0;
  const std::uint8_t* desc = c.data() + p;  // in bounds: checked against `end` above
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t d = 0;  // u16 size, u8 type, u8 zero
    std::memcpy(&d, desc + 4 * i, 4);
    data += d & 0xFFFF;
  }
  p += 4 * count;
  if (data > end - p) return unknown;
  p += data;
  if (p < end && c[p] == 0x00) ++p;
  return p;
}

/// A record whose slack is being searched, and how far.
struct HiddenScan {
  RecordRef host;
  std::size_t pos = 0;
};

/// Whether a record hidden inside `hosts.back()` (itself inside the ones before) starts at `pos`:
/// signature, a size that stays inside the host, a fragment header, an id near the host's (a
/// chunk holds at most kChunkSize / kMinRecordSize records: renumbering shifts ids by fewer), and
/// a trailing copy equal to its size or to the size an enclosing record had when this one became
/// its last part: eventlogedit writes the host's new size over the deleted record's copy.
bool hidden_record_at(std::span<const std::uint8_t> c, std::size_t pos,
                      std::span<const HiddenScan> hosts) {
  constexpr std::uint64_t kMaxIdDistance = kChunkSize / kMinRecordSize;
  const RecordRef& host = hosts.back().host;
  const std::size_t host_end = host.offset + host.size;
  if (pos + kMinRecordSize > host_end) return false;
  if (ByteReader::at<std::uint32_t>(c, pos) != kRecordMagic) return false;
  const std::size_t size = ByteReader::at<std::uint32_t>(c, pos + 4);
  if (size < kMinRecordSize || size > host_end - pos) return false;
  const std::size_t p = pos + kRecordHeaderSize;
  if (c[p] != 0x0F || c[p + 1] != 1 || c[p + 2] != 1) return false;
  const std::uint64_t id = ByteReader::at<std::uint64_t>(c, pos + 8);
  const std::uint64_t distance = id > host.id ? id - host.id : host.id - id;
  if (id == 0 || distance > kMaxIdDistance) return false;
  const std::size_t copy = ByteReader::at<std::uint32_t>(c, pos + size - 4);
  return copy == size || std::any_of(hosts.begin(), hosts.end(), [&](const HiddenScan& h) {
           return copy == pos + size - h.host.offset;
         });
}

/// Looks for records hidden in the slack of live record `host`, and in theirs, down to
/// kMaxHiddenRecordDepth levels. Each is reported; with `carve` it is indexed too. `probes` counts
/// signatures tested in the chunk (kMaxHiddenRecordProbes); false once the cap is reached.
bool find_hidden(std::span<const std::uint8_t> c, const RecordRef& host, bool carve,
                 std::size_t& probes, ChunkIndex& out) {
  static constexpr std::uint8_t kSig[4] = {0x2A, 0x2A, 0x00, 0x00};
  const std::size_t from = binxml_end(c, host);
  if (host.offset + host.size - from < kMinRecordSize) return true;  // padding at most
  std::vector<HiddenScan> stack{{host, from}};
  while (!stack.empty()) {
    HiddenScan& s = stack.back();
    const std::size_t end = s.host.offset + s.host.size;
    const auto* hit = std::search(c.data() + s.pos, c.data() + end, kSig, kSig + 4);
    const auto pos = static_cast<std::size_t>(hit - c.data());
    if (pos + kMinRecordSize > end) {
      stack.pop_back();
      continue;
    }
    if (++probes > limits::kMaxHiddenRecordProbes) {
      out.issues.push_back(
          {static_cast<std::uint32_t>(pos),
           fmt::format("more than {} record signatures inside records: the rest of the chunk is "
                       "not searched for hidden records",
                       limits::kMaxHiddenRecordProbes)});
      return false;
    }
    if (!hidden_record_at(c, pos, stack)) {
      s.pos = pos + 1;
      continue;
    }
    RecordRef ref = make_ref(c, pos, true);
    ref.hidden = true;
    ++out.hidden;
    out.issues.push_back(
        {ref.offset,
         fmt::format("record {} ({} bytes) hidden in the slack of record {} ({} bytes): a record "
                     "deleted by enlarging its neighbour, as DanderSpritz eventlogedit does; {}",
                     ref.id, ref.size, s.host.id, s.host.size,
                     carve ? "recovered as carved" : "--carve recovers it")});
    if (carve) out.records.push_back(ref);
    s.pos = pos + ref.size;
    if (stack.size() < static_cast<std::size_t>(limits::kMaxHiddenRecordDepth)) {
      stack.push_back({ref, binxml_end(c, ref)});
    }
  }
  return true;
}

}  // namespace

void index_chunk(std::span<const std::uint8_t> c, bool carve, ChunkIndex& out) {
  out.state = ChunkIndex::State::kOk;
  out.header = {};
  out.header_crc_ok = out.data_crc_ok = false;
  out.records.clear();
  out.issues.clear();
  out.skipped_bytes = 0;
  out.hidden = 0;

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

  const std::size_t live_count = out.records.size();
  std::size_t probes = 0;
  for (std::size_t i = 0; i < live_count; ++i) {
    // By copy: with carve, find_hidden appends to `records`.
    if (!find_hidden(c, RecordRef(out.records[i]), carve, probes, out)) break;
  }

  if (carve) {
    std::size_t pos = std::max(off, live_end);
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
