// JSON stream splitting: one record per top-level object, whether the file is JSON lines, a JSON
// array ("[{..},{..}]", pretty-printed or not) or objects simply concatenated.
//
// Why not simdjson's parse_many: one bad line must cost one record, not the rest of the file, and
// each record needs its line number for the warning. The splitter scans for the end of each
// top-level object (tracking strings and nesting), then simdjson parses just that object in place
// (the buffer always keeps SIMDJSON_PADDING spare bytes, so no copy). Once the input proves to be
// JSON lines (the first object ends on its own line) a newline always ends a record, so a
// truncated line cannot swallow the lines after it.
//
// A JSON lines file in memory (mapped) with more than one reader thread is parsed in blocks of
// kParallelBlock on those threads: a block starts after the first newline at or after its
// nominal start, so every worker finds its own lines without the others, and run_ordered hands
// the blocks' records and problems to this thread in file order (line numbers are block-relative
// until then). At most 2 x threads blocks are in flight, so memory does not follow the file.
#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.h"
#include "core/ordered_pool.h"
#include "sources/json_event.h"
#include "sources/readers.h"

namespace cmdsentry::sources::detail {
namespace {

constexpr std::size_t kBlock = 1u << 20;
/// Bytes of a mapped JSON lines file one worker parses at a time.
constexpr std::size_t kParallelBlock = 1u << 20;

enum class Scan : std::uint8_t { kRecord, kMalformed, kNeedMore };

struct ScanResult {
  Scan kind;
  std::size_t end;  ///< one past the record (or the bad bytes to skip)
  const char* reason = nullptr;
  bool over_limit = false;  ///< malformed only because it exceeds a cap
};

// Scans one object starting at p[0] == '{'.
ScanResult scan_object(const char* p, std::size_t n, bool lines_mode) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = p[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      } else if (c == '\n') {
        return {Scan::kMalformed, i + 1, "line break inside a JSON string (truncated record?)"};
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '{':
      case '[':
        if (++depth > limits::kMaxDocumentDepth) {
          // Give up on this record: resume after its line.
          const void* nl = std::memchr(p + i, '\n', n - i);
          if (nl == nullptr) return {Scan::kNeedMore, n};
          return {Scan::kMalformed, static_cast<std::size_t>(static_cast<const char*>(nl) - p) + 1,
                  "JSON nesting deeper than kMaxDocumentDepth", true};
        }
        break;
      case '}':
      case ']':
        if (--depth == 0) return {Scan::kRecord, i + 1};
        break;
      case '\n':
        if (lines_mode) return {Scan::kMalformed, i + 1, "JSON line ends inside an object"};
        break;
      default:
        break;
    }
  }
  return {Scan::kNeedMore, n};
}

// JSON lines fast path: a record is everything up to the newline (memchr is vectorised);
// simdjson then rejects a broken line on its own, costing that line only.
ScanResult scan_line(const char* p, std::size_t n, bool eof) {
  const void* nl = std::memchr(p, '\n', n);
  if (nl == nullptr) return eof ? ScanResult{Scan::kRecord, n} : ScanResult{Scan::kNeedMore, n};
  std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - p);
  while (end > 0 && (p[end - 1] == '\r' || p[end - 1] == ' ' || p[end - 1] == '\t')) --end;
  return {Scan::kRecord, end};
}

class JsonStreamReader {
 public:
  JsonStreamReader(const std::string& name, ByteStream& in, const ReadContext& ctx)
      : in_(in), ctx_(ctx), sink_(name, ctx) {
    // In memory already (a buffer, a mapped file): parse in place, no copy into blocks.
    if (auto all = in_.take_rest(0)) {
      data_ = all->data();
      end_ = all->size();
      eof_ = true;
      in_place_ = true;
      ctx_.stats.bytes += all->size();
    } else {
      buf_.resize(kBlock + simdjson::SIMDJSON_PADDING);
      data_ = buf_.data();
    }
  }

  void run() {
    bool first = true;
    for (;;) {
      // Skip separators between records: whitespace, array brackets, commas, a BOM.
      while (begin_ < end_) {
        const unsigned char c = static_cast<unsigned char>(data_[begin_]);
        if (c == '\n') {
          ++line_;
        } else if (!(c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '[' || c == ']' ||
                     c == 0xEF || c == 0xBB || c == 0xBF)) {
          break;
        }
        ++begin_;
      }
      if (begin_ == end_) {
        if (eof_ || !refill()) return;
        continue;
      }
      if (data_[begin_] != '{') {
        skip_garbage();
        continue;
      }
      record_seen_ = true;
      ScanResult r = lines_mode_ ? scan_line(data_ + begin_, end_ - begin_, eof_)
                                 : scan_object(data_ + begin_, end_ - begin_, false);
      if (r.kind == Scan::kNeedMore) {
        if (eof_) {
          sink_.skip(here(), "JSON record truncated at end of input");
          begin_ = end_;
          return;
        }
        if (!refill()) return;
        continue;
      }
      const char* rec = data_ + begin_;
      if (r.kind == Scan::kMalformed) {
        sink_.skip(here(), r.reason, r.over_limit);
      } else {
        if (first) {
          first = false;
          const char* nl = static_cast<const char*>(std::memchr(rec, '\n', r.end));
          lines_mode_ = nl == nullptr && followed_by_newline(begin_ + r.end);
        }
        parse(rec, r.end);
      }
      // A JSON line holds no newline (scan_line stopped before it): nothing to count.
      advance(r.end, /*count_lines=*/!(lines_mode_ && r.kind == Scan::kRecord));
      if (lines_mode_ && in_place_ && ctx_.options.threads > 1 &&
          end_ - begin_ > 2 * kParallelBlock) {
        run_parallel();
        return;
      }
      if (in_place_ && begin_ - released_ >= kReleaseStep) {
        // Records keep no view into the input once delivered: give the read part back.
        in_.done_before(data_ + begin_);
        released_ = begin_;
      }
    }
  }

 private:
  /// What one worker made of one block, handed over in file order.
  struct Block {
    struct Item {
      std::optional<RawEvent> event;  ///< a record read; else a record skipped:
      std::optional<Error> error;     ///< the parser's error, or
      std::string why;                ///< why it is not a record
      std::uint64_t line = 0;         ///< lines before the record within the block
      std::uint64_t offset = 0;       ///< file offset of the record
    };
    std::vector<Item> items;
    std::uint64_t newlines = 0;
    std::size_t end = 0;  ///< one past the block's last byte
  };

  /// Where the block that nominally starts at `at` really starts: after the first newline at
  /// or after `at` (the block before it ends there), or at `end_`.
  std::size_t block_start(std::size_t at) const {
    if (at >= end_) return end_;
    const void* nl = std::memchr(data_ + at, '\n', end_ - at);
    return nl == nullptr ? end_
                         : static_cast<std::size_t>(static_cast<const char*>(nl) - data_) + 1;
  }

  /// Parses the lines of [from, to) as run() does in lines mode, into `out`.
  void parse_block(JsonEventReader& reader, std::size_t from, std::size_t to, Block& out) const {
    std::uint64_t lines = 0;
    std::size_t i = from;
    while (i < to) {
      const unsigned char c = static_cast<unsigned char>(data_[i]);
      if (c == '\n') {
        ++lines;
        ++i;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '[' || c == ']') {
        ++i;
        continue;
      }
      const char* p = data_ + i;
      const void* nl = std::memchr(p, '\n', to - i);
      const std::size_t line_end =
          nl == nullptr ? to : static_cast<std::size_t>(static_cast<const char*>(nl) - data_);
      Block::Item item;
      item.line = lines;
      item.offset = base_ + i;
      if (c != '{') {
        item.why = "not a JSON object";
      } else {
        std::size_t len = line_end - i;
        while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t')) --len;
        const bool padded = i + len + simdjson::SIMDJSON_PADDING <= end_;
        RawEvent event;
        auto r = reader.read(std::string_view(p, len), event, padded);
        if (r) {
          item.event.emplace(std::move(event));
        } else {
          item.error = r.error();
        }
      }
      out.items.push_back(std::move(item));
      i = line_end;
    }
    out.newlines = lines;
    out.end = to;
  }

  /// The rest of a mapped JSON lines input, in blocks on ctx_.options.threads workers.
  void run_parallel() {
    const std::size_t start = begin_;
    const std::size_t count = (end_ - start + kParallelBlock - 1) / kParallelBlock;
    const int threads = ctx_.options.threads;
    std::vector<JsonEventReader> readers(static_cast<std::size_t>(threads));
    run_ordered<Block>(
        count, threads, 2 * static_cast<std::size_t>(threads),
        [&](int worker, std::size_t k, Block& out) {
          const std::size_t from = k == 0 ? start : block_start(start + k * kParallelBlock);
          const std::size_t to =
              k + 1 == count ? end_ : block_start(start + (k + 1) * kParallelBlock);
          parse_block(readers[static_cast<std::size_t>(worker)], from, std::max(from, to), out);
        },
        [&](std::size_t, Block& b) {
          for (Block::Item& it : b.items) {
            const TextPosition at{line_ + it.line, it.offset};
            if (it.event) {
              sink_.deliver(std::move(*it.event), at);
            } else if (it.error) {
              sink_.skip(at, *it.error);
            } else {
              sink_.skip(at, std::move(it.why));
            }
          }
          line_ += b.newlines;
          begin_ = std::max(begin_, b.end);
          if (begin_ - released_ >= kReleaseStep) {
            in_.done_before(data_ + begin_);
            released_ = begin_;
          }
        });
  }

  bool followed_by_newline(std::size_t pos) const {
    while (pos < end_ && (data_[pos] == ' ' || data_[pos] == '\t' || data_[pos] == '\r')) ++pos;
    return pos >= end_ || data_[pos] == '\n';
  }

  void parse(const char* rec, std::size_t len) {
    // In place, simdjson may read SIMDJSON_PADDING bytes past the record only where the input
    // has them; the last records of a mapped file are copied by the parser instead.
    const bool padded = !in_place_ || (rec - data_) + len + simdjson::SIMDJSON_PADDING <= end_;
    auto r = reader_.read(std::string_view(rec, len), event_, padded);
    if (!r) {
      sink_.skip(here(), r.error());
      return;
    }
    sink_.deliver(std::move(event_), here());
  }

  void advance(std::size_t n, bool count_lines = true) {
    if (count_lines) {
      line_ += static_cast<std::uint64_t>(std::count(data_ + begin_, data_ + begin_ + n, '\n'));
    }
    begin_ += n;
  }

  void skip_garbage() {
    const char* p = data_ + begin_;
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', end_ - begin_));
    if (nl == nullptr && !eof_) {
      if (refill()) return;
    }
    const std::size_t len = nl == nullptr ? end_ - begin_ : static_cast<std::size_t>(nl - p);
    if (line_ == 1 && !record_seen_) {
      // The input starts inside a record (`tail -c N` of a JSON lines file, which
      // sniff_format takes for JSON): the rest is read from the first whole line.
      sink_.skip(here(), "first line is cut: skipped " + std::to_string(len) + " bytes");
    } else {
      sink_.skip(here(), "not a JSON object");
    }
    advance(nl == nullptr ? len : len + 1);
  }

  // Moves the unread tail to the front and reads more; grows the buffer for long records.
  bool refill() {
    if (in_place_) return false;
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      base_ += begin_;
      end_ -= begin_;
      begin_ = 0;
    }
    std::size_t room = buf_.size() - simdjson::SIMDJSON_PADDING - end_;
    if (room < kBlock / 4) {
      // More than the cap and the record has not ended: a record of exactly the cap is read
      // (a pipe may pause right before its newline).
      if (end_ > limits::kMaxLineBytes) {
        sink_.skip(here(), "JSON record larger than kMaxLineBytes: skipped to the next line",
                   /*over_limit=*/true);
        drop_to_newline();
        return !eof_ || end_ > 0;
      }
      buf_.resize(buf_.size() * 2);
      data_ = buf_.data();
      room = buf_.size() - simdjson::SIMDJSON_PADDING - end_;
    }
    auto n = in_.read(buf_.data() + end_, room);
    if (!n) {
      sink_.read_failed({line_, base_ + end_}, n.error().message);
      eof_ = true;
      return false;
    }
    if (*n == 0) {
      eof_ = true;
      return end_ > begin_;
    }
    end_ += *n;
    ctx_.stats.bytes += *n;
    return true;
  }

  void drop_to_newline() {
    for (;;) {
      const char* nl = static_cast<const char*>(std::memchr(buf_.data(), '\n', end_));
      if (nl != nullptr) {
        advance(static_cast<std::size_t>(nl - buf_.data()) + 1);
        return;
      }
      base_ += end_;
      end_ = 0;
      auto n = in_.read(buf_.data(), buf_.size() - simdjson::SIMDJSON_PADDING);
      if (!n || *n == 0) {
        eof_ = true;
        return;
      }
      ctx_.stats.bytes += *n;
      end_ = *n;
    }
  }

  /// Where the record being read starts.
  TextPosition here() const { return {line_, base_ + begin_}; }

  ByteStream& in_;
  const ReadContext& ctx_;
  const RecordSink sink_;
  std::vector<char> buf_;       ///< blocks read from the stream (unused in place)
  const char* data_ = nullptr;  ///< buf_.data(), or the whole input when parsed in place
  bool in_place_ = false;
  std::size_t released_ = 0;  ///< in place: input before this was handed back (done_before)
  static constexpr std::size_t kReleaseStep = 8u << 20;
  std::size_t begin_ = 0, end_ = 0;
  std::uint64_t base_ = 0;  ///< file offset of data_[0]
  std::uint64_t line_ = 1;
  bool eof_ = false;
  bool lines_mode_ = false;
  bool record_seen_ = false;  ///< a record started (so garbage on line 1 is not a cut line)
  JsonEventReader reader_;
  RawEvent event_;
};

}  // namespace

void read_json_stream(const std::string& name, ByteStream& in, const ReadContext& ctx) {
  JsonStreamReader(name, in, ctx).run();
}

}  // namespace cmdsentry::sources::detail
