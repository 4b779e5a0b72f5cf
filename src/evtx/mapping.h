#pragma once
/// A read-only mapping of part of a file that survives the file shrinking under it.
///
/// Why: touching a mapped page that lies past the file's end raises SIGBUS, and a live log that
/// rotates or is truncated while it is decoded would kill the process. The reader checks the size
/// before each batch, which leaves the batch being decoded. So each mapping registers its range
/// in a fixed table, and a SIGBUS handler (installed once, chaining to the one it replaced for
/// any other fault) maps zero pages over the rest of a registered range and returns: the read
/// sees zeros, the mapping is marked faulted, and the reader decodes the batch again from what
/// the file still holds. Faults outside registered ranges go to the previous handler (or the
/// default action) as before. With all table slots in use, map() fails and the caller reads.

#include <cstdint>

namespace cmdsentry::evtx::detail {

class Mapping {
 public:
  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping();
  /// Maps [offset, offset + size) of `fd` (offset page aligned), pages populated up front.
  /// False when mapping fails (or too many mappings are open): read the bytes instead.
  [[nodiscard]] bool map(int fd, std::uint64_t offset, std::uint64_t size);
  /// The mapped bytes (nullptr before a successful map()).
  [[nodiscard]] const std::uint8_t* data() const { return static_cast<const std::uint8_t*>(addr_); }
  /// Whether a page past the file's end was touched since map(): it and the rest of the range
  /// read as zeros, so what was decoded from them is not the file's.
  [[nodiscard]] bool faulted() const;

 private:
  void* addr_ = nullptr;
  std::uint64_t size_ = 0;
  int slot_ = -1;
};

}  // namespace cmdsentry::evtx::detail
