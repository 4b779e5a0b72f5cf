#pragma once
/// ByteReader: a bounds-checked little-endian cursor over a byte span. All parser byte access goes
/// through it (or through its static helpers), so an offset in a hostile file can never read
/// outside the buffer: a failed read sets the reader's failed flag and returns zero.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace cmdsentry {

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(std::span<const std::uint8_t> data, std::size_t pos = 0)
      : data_(data), pos_(pos <= data.size() ? pos : data.size()), failed_(pos > data.size()) {}

  [[nodiscard]] std::size_t pos() const { return pos_; }
  [[nodiscard]] std::size_t size() const { return data_.size(); }
  [[nodiscard]] std::size_t remaining() const { return data_.size() - pos_; }
  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] bool has(std::size_t n) const { return n <= remaining(); }
  [[nodiscard]] std::span<const std::uint8_t> data() const { return data_; }

  /// Moves to an absolute position; fails (and stays put) past the end.
  bool seek(std::size_t pos) {
    if (pos > data_.size()) return fail();
    pos_ = pos;
    return true;
  }
  bool skip(std::size_t n) {
    if (!has(n)) return fail();
    pos_ += n;
    return true;
  }

  std::uint8_t u8() { return read<std::uint8_t>(); }
  std::uint16_t u16() { return read<std::uint16_t>(); }
  std::uint32_t u32() { return read<std::uint32_t>(); }
  std::uint64_t u64() { return read<std::uint64_t>(); }
  [[nodiscard]] std::uint8_t peek_u8() const { return pos_ < data_.size() ? data_[pos_] : 0; }

  /// The next n bytes as a span, or an empty span (and failed) when they are not there.
  std::span<const std::uint8_t> bytes(std::size_t n) {
    if (!has(n)) {
      fail();
      return {};
    }
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }

  /// Reads a little-endian integer at an absolute offset of a span; 0 when out of range.
  template <class T>
  static T at(std::span<const std::uint8_t> data, std::size_t off) {
    T v{};
    if (off > data.size() || data.size() - off < sizeof(T)) return v;
    std::memcpy(&v, data.data() + off, sizeof(T));
    return v;
  }

 private:
  template <class T>
  T read() {
    T v{};
    if (!has(sizeof(T))) {
      fail();
      return v;
    }
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  bool fail() {
    failed_ = true;
    return false;
  }

  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace cmdsentry
