#include "evtx/crc32.h"

#include <libdeflate.h>

namespace cmdsentry::evtx {

std::uint32_t crc32(std::span<const std::uint8_t> data, std::uint32_t crc) {
  // libdeflate picks a PCLMUL/AVX folding implementation at run time (several GB/s).
  return libdeflate_crc32(crc, data.data(), data.size());
}

}  // namespace cmdsentry::evtx
