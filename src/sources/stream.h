#pragma once
/// Byte streams the source readers pull from: a file, stdin, or an archive member. Readers never
/// need the whole input in memory; they read blocks and keep only the record being parsed.

#include <cstddef>
#include <cstdio>
#include <memory>
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

 private:
  FileStream(std::FILE* file, bool owned) : file_(file), owned_(owned) {}
  std::FILE* file_;
  bool owned_;
};

/// Reads from memory (tests, fuzzers).
class MemoryStream final : public ByteStream {
 public:
  explicit MemoryStream(std::string_view data) : data_(data) {}
  [[nodiscard]] Result<std::size_t> read(char* data, std::size_t size) override;

 private:
  std::string_view data_;
};

/// Replays already-read bytes (the sniffed head) before continuing with the inner stream.
class PrefixedStream final : public ByteStream {
 public:
  PrefixedStream(std::string prefix, ByteStream& inner)
      : prefix_(std::move(prefix)), inner_(inner) {}
  [[nodiscard]] Result<std::size_t> read(char* data, std::size_t size) override;

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
  std::string pending_;       ///< decoded UTF-8 not yet handed out
  std::string raw_;           ///< undecoded tail (odd byte or high surrogate)
  bool first_ = true;
  bool eof_ = false;
};

/// Reads until `out` holds at least `size` bytes or the stream ends.
[[nodiscard]] Result<std::size_t> read_at_least(ByteStream& in, std::string& out, std::size_t size);

}  // namespace cmdsentry::sources
