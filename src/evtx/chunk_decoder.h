#pragma once
/// ChunkDecoder: stage 1 (index) and stage 2 (decode) of one chunk at a time. A decoder is reused
/// across chunks by one thread; template trees, names and values are chunk-local and live until
/// the next load(). Decoding a record is lazy: open() reads only the template instance header and
/// the value descriptors, which is enough to test EventID/Channel; rendering happens on demand.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/raw_event.h"
#include "evtx/binxml.h"
#include "evtx/chunk.h"
#include "evtx/reader.h"

namespace cmdsentry::evtx {

/// A substitution value: type and chunk-relative byte range.
struct Value {
  std::uint8_t type = 0;
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
  /// Array values: where their items sit in the decoder's pool once split (kNoNode: not yet).
  std::uint32_t items_first = detail::kNoNode;
  std::uint32_t items_count = 0;
};

/// A tree with the values of one record (or of one nested BinXml value).
struct Doc {
  const detail::Tree* tree = nullptr;
  std::uint32_t root = detail::kNoNode;
  std::uint32_t first_value = 0;
  std::uint32_t value_count = 0;
  std::uint32_t ordinal = 0;  ///< position in the record's document table (0 = the record)
  /// BinXml nesting: 0 for the record, one more for each BinXml value it sits in (capped by
  /// kMaxBinXmlDepth, whichever output walks it).
  std::uint32_t depth = 0;
};

class ChunkDecoder {
 public:
  ChunkDecoder();
  ~ChunkDecoder();
  ChunkDecoder(const ChunkDecoder&) = delete;
  ChunkDecoder& operator=(const ChunkDecoder&) = delete;

  /// Stage 1: validates and indexes `chunk` (the span must stay valid until the next load).
  const ChunkIndex& load(std::span<const std::uint8_t> chunk, bool carve);
  [[nodiscard]] const ChunkIndex& index() const { return index_; }

  /// Stage 2a: parses the record's fragment header and template instance (no rendering).
  [[nodiscard]] Result<Doc> open(const RecordRef& record);

  /// Whether the record passes `filter`, reading only its EventID/Channel values.
  [[nodiscard]] bool accepts(const Doc& doc, const EventFilter& filter);

  /// Appends the record as one evtx_dump-style JSON object (`{"Event":{...}}`, no newline).
  [[nodiscard]] Result<void> render_json(const Doc& doc, std::string& out);
  /// Appends the record as Windows renders it: `<Event xmlns='...'>...</Event>`, no newline.
  [[nodiscard]] Result<void> render_xml(const Doc& doc, std::string& out);
  /// Fills the System fields and data fields of `out`.
  [[nodiscard]] Result<void> extract(const Doc& doc, RawEvent& out);

  // Used by the renderers (internal).
  struct Impl;

 private:
  ChunkIndex index_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cmdsentry::evtx
