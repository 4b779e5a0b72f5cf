#include "core/error.h"

#include <fmt/format.h>

namespace cmdsentry {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kBadMagic:
      return "bad-magic";
    case ErrorCode::kBadChecksum:
      return "bad-checksum";
    case ErrorCode::kTruncated:
      return "truncated";
    case ErrorCode::kCorrupt:
      return "corrupt";
    case ErrorCode::kLimit:
      return "limit";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kInvalidArgument:
      return "invalid-argument";
  }
  return "unknown";
}

std::string Error::describe() const {
  return fmt::format("{}: {} (offset 0x{:x})", to_string(code), message, offset);
}

}  // namespace cmdsentry
