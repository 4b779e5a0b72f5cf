#pragma once
/// TextBuffer: the byte buffer RawEvent and ProcessEvent keep their strings in.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

namespace cmdsentry {

/// An event's text: a plain growable byte buffer that strings are appended to and addressed in
/// by offset (RawEvent, ProcessEvent). std::string's append is an out-of-line call per piece;
/// an event gets ~30 pieces, and copies (evidence) are allocated exactly.
class TextBuffer {
 public:
  TextBuffer() = default;
  TextBuffer(const TextBuffer& o) : size_(o.size_), cap_(o.size_) {
    if (size_ != 0) {
      data_ = std::make_unique_for_overwrite<char[]>(size_);
      std::memcpy(data_.get(), o.data_.get(), size_);
    }
  }
  TextBuffer(TextBuffer&& o) noexcept
      : data_(std::move(o.data_)),
        size_(std::exchange(o.size_, 0)),
        cap_(std::exchange(o.cap_, 0)) {}
  TextBuffer& operator=(const TextBuffer& o) {
    if (this != &o) {
      size_ = 0;
      reserve(o.size_);
      if (o.size_ != 0) std::memcpy(data_.get(), o.data_.get(), o.size_);
      size_ = o.size_;
    }
    return *this;
  }
  TextBuffer& operator=(TextBuffer&& o) noexcept {
    data_ = std::move(o.data_);
    size_ = std::exchange(o.size_, 0);
    cap_ = std::exchange(o.cap_, 0);
    return *this;
  }
  ~TextBuffer() = default;

  [[nodiscard]] const char* data() const { return data_.get(); }
  [[nodiscard]] std::uint32_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] bool owns(const char* p) const {
    // One unsigned comparison: below the buffer wraps around to a huge distance.
    return reinterpret_cast<std::uintptr_t>(p) - reinterpret_cast<std::uintptr_t>(data_.get()) <
           size_;
  }
  void clear() { size_ = 0; }
  void reserve(std::size_t n) {
    if (n > cap_) grow(n);
  }
  /// Appends `s`; returns its offset.
  std::uint32_t append(std::string_view s) {
    const std::uint32_t at = size_;
    if (size_ + s.size() > cap_) grow(size_ + s.size());
    copy_short(data_.get() + size_, s);
    size_ += static_cast<std::uint32_t>(s.size());
    return at;
  }
  /// Appends `a` then `b`; returns the offset of `a`.
  std::uint32_t append2(std::string_view a, std::string_view b) {
    const std::uint32_t at = size_;
    if (size_ + a.size() + b.size() > cap_) grow(size_ + a.size() + b.size());
    copy_short(data_.get() + size_, a);
    copy_short(data_.get() + size_ + a.size(), b);
    size_ += static_cast<std::uint32_t>(a.size() + b.size());
    return at;
  }

 private:
  // Field names and most values are short: copy them inline (two overlapping loads within
  // the source, never past it) instead of calling memcpy.
  static void copy_short(char* to, std::string_view s) {
    const std::size_t n = s.size();
    const char* from = s.data();
    if (n >= 8 && n <= 16) {
      std::uint64_t x, y;
      std::memcpy(&x, from, 8);
      std::memcpy(&y, from + n - 8, 8);
      std::memcpy(to, &x, 8);
      std::memcpy(to + n - 8, &y, 8);
    } else if (n >= 4 && n < 8) {
      std::uint32_t x, y;
      std::memcpy(&x, from, 4);
      std::memcpy(&y, from + n - 4, 4);
      std::memcpy(to, &x, 4);
      std::memcpy(to + n - 4, &y, 4);
    } else if (n > 16 && n <= 64) {
      // Paths, SIDs, command lines: 16-byte blocks (the last one overlapping), no call.
      struct Block {
        char b[16];
      };
      Block x;
      for (std::size_t i = 0; i + 16 < n; i += 16) {
        std::memcpy(&x, from + i, 16);
        std::memcpy(to + i, &x, 16);
      }
      std::memcpy(&x, from + n - 16, 16);
      std::memcpy(to + n - 16, &x, 16);
    } else if (n > 64) {
      std::memcpy(to, from, n);
    } else {
      for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
    }
  }
  void grow(std::size_t need) {
    std::size_t cap = std::max<std::size_t>(need, std::size_t{cap_} * 2);
    cap = std::max<std::size_t>(cap, 64);
    auto bigger = std::make_unique_for_overwrite<char[]>(cap);
    if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    cap_ = static_cast<std::uint32_t>(cap);
  }
  std::unique_ptr<char[]> data_;
  std::uint32_t size_ = 0;
  std::uint32_t cap_ = 0;
};

}  // namespace cmdsentry
