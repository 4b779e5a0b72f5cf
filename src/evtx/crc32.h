#pragma once
/// CRC-32 (IEEE, zlib flavour) as EVTX uses for header, chunk header and record data checks.

#include <cstdint>
#include <span>

namespace cmdsentry::evtx {

/// CRC-32 of `data`, continuing from `crc` (0 to start).
std::uint32_t crc32(std::span<const std::uint8_t> data, std::uint32_t crc = 0);

}  // namespace cmdsentry::evtx
