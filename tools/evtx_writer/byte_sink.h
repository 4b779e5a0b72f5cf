#pragma once
/// ByteSink: an append-only little-endian byte buffer with back-patching, the writing twin of
/// core/byte_reader.h. Everything the EVTX writer emits goes through it.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace cmdsentry::evtxgen {

class ByteSink {
 public:
  ByteSink() = default;

  /// Number of bytes written so far.
  [[nodiscard]] std::size_t size() const { return bytes_.size(); }
  /// The bytes written so far.
  [[nodiscard]] std::span<const std::uint8_t> bytes() const { return bytes_; }
  /// Moves the buffer out.
  [[nodiscard]] std::vector<std::uint8_t> take() && { return std::move(bytes_); }

  void u8(std::uint8_t v) { bytes_.push_back(v); }
  void u16(std::uint16_t v) { put_le(v, 2); }
  void u32(std::uint32_t v) { put_le(v, 4); }
  void u64(std::uint64_t v) { put_le(v, 8); }
  void append(std::span<const std::uint8_t> b) { bytes_.insert(bytes_.end(), b.begin(), b.end()); }
  /// UTF-16 code units, little-endian, no terminator.
  void utf16(std::u16string_view s) {
    for (char16_t c : s) u16(static_cast<std::uint16_t>(c));
  }
  /// `n` zero bytes.
  void zeros(std::size_t n) { bytes_.insert(bytes_.end(), n, 0); }

  /// Overwrites 4 bytes at `pos` (which must already be written).
  void patch_u32(std::size_t pos, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_[pos + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }

 private:
  void put_le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) bytes_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }

  std::vector<std::uint8_t> bytes_;
};

/// Writes a little-endian integer of `n` bytes into `out` at `pos`.
inline void store_le(std::span<std::uint8_t> out, std::size_t pos, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out[pos + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace cmdsentry::evtxgen
