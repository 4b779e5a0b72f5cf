#include "sources/stream.h"

#include <cerrno>
#include <cstring>
#include <thread>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/utf.h"

namespace cmdsentry::sources {

Result<std::unique_ptr<FileStream>> FileStream::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr)
    return fail(ErrorCode::kIo, std::string("cannot open: ") + std::strerror(errno));
  return std::unique_ptr<FileStream>(new FileStream(f, true));
}

std::unique_ptr<FileStream> FileStream::standard_input() {
  return std::unique_ptr<FileStream>(new FileStream(stdin, false));
}

FileStream::~FileStream() {
  if (map_ != nullptr) ::munmap(map_, map_size_);
  if (owned_ && file_ != nullptr) std::fclose(file_);
}

std::optional<std::string_view> FileStream::take_rest(std::size_t reread) {
  if (!owned_ || map_ != nullptr || stop_ != nullptr) return std::nullopt;
  const int fd = ::fileno(file_);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
    return std::nullopt;
  const long pos = std::ftell(file_);  // counts what stdio buffered but did not hand out
  if (pos < 0 || static_cast<std::size_t>(pos) < reread) return std::nullopt;
  const auto size = static_cast<std::size_t>(st.st_size);
  if (static_cast<std::size_t>(pos) > size) return std::nullopt;
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) return std::nullopt;
  ::madvise(map, size, MADV_SEQUENTIAL);
  map_ = map;
  map_size_ = size;
  std::fseek(file_, 0, SEEK_END);
  const std::size_t from = static_cast<std::size_t>(pos) - reread;
  return std::string_view(static_cast<const char*>(map) + from, size - from);
}

Result<std::size_t> FileStream::read(char* data, std::size_t size) {
  if (stop_ != nullptr) {
    // Followed: read(2) (no stdio buffer between us and the growing file), and at the end wait.
    const int fd = ::fileno(file_);
    for (;;) {
      const ssize_t n = ::read(fd, data, size);
      if (n > 0) return static_cast<std::size_t>(n);
      if (n < 0 && errno == EINTR) {
        if (stop_->load()) return std::size_t{0};
        continue;
      }
      if (n < 0) return fail(ErrorCode::kIo, std::string("read failed: ") + std::strerror(errno));
      if (!waiting_ || stop_->load()) return std::size_t{0};
      struct stat st {};
      const off_t pos = ::lseek(fd, 0, SEEK_CUR);
      if (::fstat(fd, &st) == 0 && pos > st.st_size) ::lseek(fd, 0, SEEK_SET);  // truncated
      std::this_thread::sleep_for(kFollowPoll);
    }
  }
  if (live_ < 0) {
    struct stat st {};
    const int fd = ::fileno(file_);
    live_ = (fd >= 0 && ::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) ? 1 : 0;
  }
  if (live_ == 1) {
    // A pipe or terminal: hand out what has arrived instead of waiting for `size` bytes, so a
    // live feed is processed as it comes (stdio's fread would block until the buffer is full).
    for (;;) {
      const ssize_t n = ::read(::fileno(file_), data, size);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno == EINTR) continue;
      return fail(ErrorCode::kIo, std::string("read failed: ") + std::strerror(errno));
    }
  }
  const std::size_t n = std::fread(data, 1, size, file_);
  if (n == 0 && std::ferror(file_)) {
    return fail(ErrorCode::kIo, std::string("read failed: ") + std::strerror(errno));
  }
  return n;
}

Result<std::size_t> MemoryStream::read(char* data, std::size_t size) {
  const std::size_t n = std::min(size, data_.size());
  if (n == 0) return n;  // an empty view may hold a null pointer: memcpy must not see it
  std::memcpy(data, data_.data(), n);
  data_.remove_prefix(n);
  return n;
}

void FileStream::done_before(const char* end) {
  if (map_ == nullptr) return;
  const auto* base = static_cast<const char*>(map_);
  if (end <= base || end > base + map_size_) return;
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t upto = static_cast<std::size_t>(end - base) / page * page;
  if (upto > dropped_) {
    ::madvise(static_cast<char*>(map_) + dropped_, upto - dropped_, MADV_DONTNEED);
    dropped_ = upto;
  }
}

std::optional<std::string_view> MemoryStream::take_rest(std::size_t reread) {
  const std::size_t consumed = all_.size() - data_.size();
  if (reread > consumed) return std::nullopt;
  std::string_view out = all_.substr(consumed - reread);
  data_ = {};
  return out;
}

std::optional<std::string_view> PrefixedStream::take_rest(std::size_t reread) {
  // The prefix was read from the inner stream's start: hand out the inner stream's bytes again.
  if (reread > used_) return std::nullopt;
  auto rest = inner_.take_rest(reread + prefix_.size() - used_);
  if (rest) used_ = prefix_.size();
  return rest;
}

Result<std::size_t> PrefixedStream::read(char* data, std::size_t size) {
  if (used_ < prefix_.size()) {
    const std::size_t n = std::min(size, prefix_.size() - used_);
    std::memcpy(data, prefix_.data() + used_, n);
    used_ += n;
    return n;
  }
  return inner_.read(data, size);
}

Result<std::size_t> Utf16Stream::read(char* data, std::size_t size) {
  constexpr std::size_t kBlock = 64 * 1024;
  while (pending_.empty() && !eof_) {
    const std::size_t old = raw_.size();
    raw_.resize(old + kBlock);
    auto n = inner_.read(raw_.data() + old, kBlock);
    if (!n) return tl::unexpected(n.error());
    raw_.resize(old + *n);
    if (*n == 0) eof_ = true;
    std::size_t units = raw_.size() / 2;
    // Keep a trailing high surrogate for the next block (unless the stream ended).
    if (!eof_ && units > 0) {
      const unsigned hi = static_cast<unsigned char>(raw_[2 * units - 1]);
      if (hi >= 0xD8 && hi <= 0xDB) --units;
    }
    std::size_t start = 0;
    if (first_ && units > 0) {
      first_ = false;
      if (static_cast<unsigned char>(raw_[0]) == 0xFF &&
          static_cast<unsigned char>(raw_[1]) == 0xFE) {
        start = 1;
      }
    }
    if (units > start) {
      append_utf16le(pending_, reinterpret_cast<const std::uint8_t*>(raw_.data()) + 2 * start,
                     units - start, Escape::kNone);
    }
    raw_.erase(0, 2 * units);
    if (eof_) raw_.clear();  // an odd last byte cannot be decoded
  }
  const std::size_t n = std::min(size, pending_.size());
  std::memcpy(data, pending_.data(), n);
  pending_.erase(0, n);
  return n;
}

namespace {

/// Reads until `out` holds `size` bytes, the stream ends, or `done(out)` says enough.
template <class Done>
Result<std::size_t> read_until(ByteStream& in, std::string& out, std::size_t size, Done done) {
  while (out.size() < size) {
    const std::size_t old = out.size();
    out.resize(size);
    auto n = in.read(out.data() + old, size - old);
    if (!n) {
      out.resize(old);
      return tl::unexpected(n.error());
    }
    out.resize(old + *n);
    if (*n == 0 || done(out)) break;
  }
  return out.size();
}

}  // namespace

Result<std::size_t> read_at_least(ByteStream& in, std::string& out, std::size_t size) {
  return read_until(in, out, size, [](const std::string&) { return false; });
}

Result<std::size_t> read_head(ByteStream& in, std::string& out, std::size_t size) {
  return read_until(in, out, size, [](const std::string& head) {
    const std::size_t first = head.find_first_not_of(" \t\r\n");
    return first != std::string::npos && head[first] == '{' &&
           head.find('\n', first) != std::string::npos;
  });
}

}  // namespace cmdsentry::sources
