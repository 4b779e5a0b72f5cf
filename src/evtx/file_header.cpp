#include "evtx/file_header.h"

#include <cstring>

#include "core/byte_reader.h"
#include "evtx/crc32.h"

namespace cmdsentry::evtx {

Result<FileHeader> parse_file_header(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 128) return fail(ErrorCode::kTruncated, "file shorter than an EVTX header");
  if (std::memcmp(bytes.data(), "ElfFile\0", 8) != 0) {
    return fail(ErrorCode::kBadMagic, "no ElfFile signature: not an EVTX file");
  }
  ByteReader r(bytes, 8);
  FileHeader h;
  h.first_chunk = r.u64();
  h.last_chunk = r.u64();
  h.next_record_id = r.u64();
  r.u32();  // header size (128)
  h.minor_version = r.u16();
  h.major_version = r.u16();
  r.u16();  // header block size (4096)
  h.chunk_count = r.u16();
  h.flags = ByteReader::at<std::uint32_t>(bytes, 120);
  h.crc_ok = crc32(bytes.subspan(0, 120)) == ByteReader::at<std::uint32_t>(bytes, 124);
  return h;
}

}  // namespace cmdsentry::evtx
