#pragma once
/// Error values and Result<T>: bad input is normal, so every parser returns a Result instead of
/// throwing.

#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace cmdsentry {

/// What went wrong, coarse enough for callers to branch on.
enum class ErrorCode : std::uint8_t {
  kIo,           ///< the operating system refused a read or open
  kBadMagic,     ///< a signature did not match
  kBadChecksum,  ///< a CRC did not match
  kTruncated,    ///< a structure runs past the end of its buffer
  kCorrupt,      ///< a field holds an impossible value
  kLimit,        ///< a depth or size cap in core/limits.h was reached
  kUnsupported,  ///< valid but not handled (e.g. an unknown value type)
  kInvalidArgument,
};

/// Name of an error code, for messages.
std::string_view to_string(ErrorCode code);

/// An error: code, message and where it happened (file offset, record, line: whatever applies).
struct Error {
  ErrorCode code = ErrorCode::kCorrupt;
  std::string message;
  std::uint64_t offset = 0;  ///< byte offset in the file or buffer the message refers to

  /// "corrupt: message (offset 0x...)".
  [[nodiscard]] std::string describe() const;
};

/// A value or an Error.
template <class T>
using Result = tl::expected<T, Error>;

/// Builds the unexpected side of a Result.
[[nodiscard]] inline tl::unexpected<Error> fail(ErrorCode code, std::string message,
                                                std::uint64_t offset = 0) {
  return tl::unexpected<Error>(Error{code, std::move(message), offset});
}

}  // namespace cmdsentry
