// XML stream splitting: Windows exports are either one <Events> document or <Event> elements
// simply concatenated (wevtutil qe /f:xml has no root). Each <Event>...</Event> is cut out and
// parsed on its own, so one malformed element costs one event: the reader resynchronises at the
// next "<Event" even when the broken element never closes.
#include <cstring>
#include <string>

#include "core/limits.h"
#include "sources/readers.h"
#include "sources/xml_event.h"

namespace cmdsentry::sources::detail {
namespace {

constexpr std::size_t kBlock = 1u << 20;

// Position of the next "<Event" start tag (not "<Events") at or after `from`, or npos.
std::size_t find_event_start(const std::string& s, std::size_t from) {
  for (;;) {
    const std::size_t p = s.find("<Event", from);
    if (p == std::string::npos || p + 6 >= s.size()) return p;
    const char c = s[p + 6];
    if (c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/') return p;
    from = p + 6;
  }
}

class XmlStreamReader {
 public:
  XmlStreamReader(const std::string& name, ByteStream& in, const ReadContext& ctx)
      : in_(in), ctx_(ctx), sink_(name, ctx) {}

  void run() {
    std::size_t pos = 0;  // scan position, relative to head_
    for (;;) {
      const std::size_t start = find_event_start(buf_, head_ + pos);
      if (start == std::string::npos || start + 7 > buf_.size()) {
        // Keep a possible partial "<Event" at the end of the buffer.
        const std::size_t avail = buf_.size() - head_;
        consume(avail - std::min<std::size_t>(avail, 7));
        pos = 0;
        if (!refill()) return;
        continue;
      }
      consume(start - head_);
      const std::size_t close = buf_.find("</Event>", head_);
      const std::size_t next = find_event_start(buf_, head_ + 6);
      if (next != std::string::npos && (close == std::string::npos || next < close)) {
        sink_.skip(here(), "<Event> element not closed before the next one: skipped");
        pos = next - head_;
        continue;
      }
      if (close == std::string::npos) {
        if (buf_.size() - head_ > limits::kMaxXmlEventBytes) {
          sink_.skip(here(), "<Event> element larger than kMaxXmlEventBytes: skipped",
                     /*over_limit=*/true);
          pos = 6;
          continue;
        }
        pos = 0;
        if (!refill()) {
          if (buf_.size() > head_) sink_.skip(here(), "<Event> element truncated at end of input");
          return;
        }
        continue;
      }
      const std::size_t len = close - head_ + 8;
      parse(std::string_view(buf_.data() + head_, len));
      pos = len;
    }
  }

 private:
  void parse(std::string_view xml) {
    auto r = read_xml_event(xml, event_);
    if (!r) {
      // Named by where the element starts, like a JSON record; a parser error further down a
      // pretty-printed element adds its own line.
      sink_.skip(here(), r.error(), line_at(r.error().offset));
      return;
    }
    sink_.deliver(std::move(event_), here());
  }

  // Drops the first n bytes of buf_, keeping line_ and base_ in step.
  void consume(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) line_ += buf_[head_ + i] == '\n';
    head_ += n;
    base_ += n;
  }

  std::uint64_t line_at(std::size_t offset) const {
    std::uint64_t l = line_;
    for (std::size_t i = head_; i < head_ + offset && i < buf_.size(); ++i) l += buf_[i] == '\n';
    return l;
  }

  bool refill() {
    if (eof_) return false;
    buf_.erase(0, head_);
    head_ = 0;
    const std::size_t old = buf_.size();
    buf_.resize(old + kBlock);
    auto n = in_.read(buf_.data() + old, kBlock);
    if (!n) {
      buf_.resize(old);
      sink_.read_failed({line_, base_ + old}, n.error().message);
      eof_ = true;
      return false;
    }
    buf_.resize(old + *n);
    ctx_.stats.bytes += *n;
    if (*n == 0) eof_ = true;
    return *n > 0;
  }

  /// Where the element being read starts (buf_[head_]).
  TextPosition here() const { return {line_, base_}; }

  ByteStream& in_;
  const ReadContext& ctx_;
  const RecordSink sink_;
  std::string buf_;
  std::size_t head_ = 0;    ///< start of the unconsumed bytes in buf_
  std::uint64_t base_ = 0;  ///< file offset of buf_[head_]
  std::uint64_t line_ = 1;
  bool eof_ = false;
  RawEvent event_;
};

}  // namespace

void read_xml_stream(const std::string& name, ByteStream& in, const ReadContext& ctx) {
  XmlStreamReader(name, in, ctx).run();
}

}  // namespace cmdsentry::sources::detail
