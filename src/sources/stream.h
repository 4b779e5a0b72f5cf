#pragma once
/// Byte streams the source readers pull from: a file, stdin, or an archive member. Readers never
/// need the whole input in memory; they read blocks and keep only the record being parsed.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace cmdsentry::sources {

/// A forward-only source of bytes.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  /// Reads up to `size` bytes into `data`; returns 0 at the end of the stream.
  [[nodiscard]] virtual Result<std::size_t> read(char* data, std::size_t size) = 0;
  /// When the stream is already in memory (a buffer, a mapped regular file): the rest of it, plus
  /// the last `reread` bytes already read, as one view that lives as long as the stream; the
  /// stream is then at its end. Readers parse such input in place instead of copying it.
  /// nullopt when the stream can only be read (a pipe, an archive member, decoded text).
  [[nodiscard]] virtual std::optional<std::string_view> take_rest(std::size_t reread) {
    (void)reread;
    return std::nullopt;
  }
  /// The reader is done with the view from take_rest() up to `end`: a mapped file drops those
  /// pages from memory (they would otherwise count as resident until the file is closed).
  virtual void done_before(const char* end) { (void)end; }
};

/// Reads a FILE* (a file opened by path, or stdin). Closes it only when it owns it.
class FileStream final : public ByteStream {
 public:
  /// Opens `path` for binary reading.
  [[nodiscard]] static Result<std::unique_ptr<FileStream>> open(const std::string& path);
  /// Wraps stdin (not owned).
  [[nodiscard]] static std::unique_ptr<FileStream> standard_input();
  ~FileStream() override;
  FileStream(const FileStream&) = delete;
  FileStream& operator=(const FileStream&) = delete;

  [[nodiscard]] Result<std::size_t> read(char* data, std::size_t size) override;
  /// Maps a regular file (not stdin or a pipe, not a followed file).
  [[nodiscard]] std::optional<std::string_view> take_rest(std::size_t reread) override;
  void done_before(const char* end) override;
  /// Follows a growing file (`tail -f`): reads with read(2), no stdio buffer between us and the
  /// file. Call before reading. Once wait_for_growth() was called, read() at the end of the
  /// file waits for more bytes (polling every kFollowPoll) instead of returning 0, until `*stop`
  /// is true; a file cut shorter than what was read (log rotation by truncation) is read again
  /// from its start. Before that (while the format is sniffed) the end is the end.
  void follow(const std::atomic<bool>* stop) { stop_ = stop; }
  void wait_for_growth() { waiting_ = true; }

 private:
  FileStream(std::FILE* file, bool owned) : file_(file), owned_(owned) {}
  std::FILE* file_;
  bool owned_;
  void* map_ = nullptr;
  std::size_t map_size_ = 0;
  std::size_t dropped_ = 0;  ///< bytes at the start of the mapping already given back
  int live_ = -1;            ///< 1: not a regular file (read with read(2)); -1: not known yet
  const std::atomic<bool>* stop_ = nullptr;  ///< set: following; true: stop following
  bool waiting_ = false;                     ///< following: wait at the end
};

/// How often a followed file is looked at for new bytes.
inline constexpr std::chrono::milliseconds kFollowPoll{200};

/// Reads from memory (tests, fuzzers).
class MemoryStream final : public ByteStream {
 public:
  explicit MemoryStream(std::string_view data) : all_(data), data_(data) {}
  [[nodiscard]] Result<std::size_t> read(char* data, std::size_t size) override;
  [[nodiscard]] std::optional<std::string_view> take_rest(std::size_t reread) override;

 private:
  std::string_view all_;
  std::string_view data_;
};

/// Replays already-read bytes (the sniffed head) before continuing with the inner stream.
class PrefixedStream final : public ByteStream {
 public:
  PrefixedStream(std::string prefix, ByteStream& inner)
      : prefix_(std::move(prefix)), inner_(inner) {}
  [[nodiscard]] Result<std::size_t> read(char* data, std::size_t size) override;
  [[nodiscard]] std::optional<std::string_view> take_rest(std::size_t reread) override;
  void done_before(const char* end) override { inner_.done_before(end); }

 private:
  std::string prefix_;
  std::size_t used_ = 0;
  ByteStream& inner_;
};

/// Decodes a UTF-16LE stream (PowerShell `>` redirections, some Save-as-XML exports) to UTF-8 on
/// the fly. A leading BOM is dropped; unpaired surrogates become U+FFFD.
class Utf16Stream final : public ByteStream {
 public:
  explicit Utf16Stream(ByteStream& inner) : inner_(inner) {}
  [[nodiscard]] Result<std::size_t> read(char* data, std::size_t size) override;

 private:
  ByteStream& inner_;
  std::string pending_;  ///< decoded UTF-8 not yet handed out
  std::string raw_;      ///< undecoded tail (odd byte or high surrogate)
  bool first_ = true;
  bool eof_ = false;
};

/// Reads until `out` holds at least `size` bytes or the stream ends.
[[nodiscard]] Result<std::size_t> read_at_least(ByteStream& in, std::string& out, std::size_t size);
/// Like read_at_least, but also stops once `out` holds a whole first JSON line (a live feed of
/// short lines is sniffed on its first line instead of waiting for `size` bytes).
[[nodiscard]] Result<std::size_t> read_head(ByteStream& in, std::string& out, std::size_t size);

}  // namespace cmdsentry::sources
