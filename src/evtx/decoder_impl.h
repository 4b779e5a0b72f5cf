#pragma once
/// Internal state of ChunkDecoder, shared by the parser (chunk_decoder.cpp) and the renderers
/// (render_json.cpp, render_xml.cpp, extract.cpp).

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/byte_reader.h"
#include "core/error.h"
#include "core/limits.h"
#include "evtx/binxml.h"
#include "evtx/chunk_decoder.h"
#include "evtx/render_cache.h"
#include "evtx/template_cache.h"

namespace cmdsentry::evtx {

namespace detail {

/// Work done rendering, against the caps in core/limits.h (kMaxRenderedRecord*, for the record
/// being rendered, and kMaxRenderedChunk*, for every rendering since the chunk was loaded).
///
/// Why: an element whose content holds an array value is written once per item, nested
/// repetitions multiply, and an attribute may hold the whole joined array each time, so output
/// is not bounded by the input. Bytes are the growth of the rendering's output string, plus what
/// values and literal text write into temporaries (attribute values, keys, RawEvent fields)
/// until those reach the output. Nodes are counted per element visit (1 + Node::width), per
/// value or text piece, per joined array item and per value or node of a nested fragment parsed
/// again. A record over a cap fails with kLimit and is skipped like any damaged record; once the
/// chunk is over its cap, its later records fail too.
class RenderBudget {
 public:
  /// Starts counting a rendering that appends to `out` (null: RawEvent extraction).
  void start_record(const std::string* out) {
    out_ = out;
    out_counted_ = out != nullptr ? out->size() : 0;
    bytes_ = nodes_ = 0;
    bytes_left_ = std::min(
        limits::kMaxRenderedRecordBytes,
        limits::kMaxRenderedChunkBytes - std::min(chunk_bytes_, limits::kMaxRenderedChunkBytes));
    nodes_left_ = std::min(
        limits::kMaxRenderedRecordNodes,
        limits::kMaxRenderedChunkNodes - std::min(chunk_nodes_, limits::kMaxRenderedChunkNodes));
    exceeded_ = false;
  }
  /// Whether text appended to `s` is counted through the output string.
  [[nodiscard]] bool counts_output(const std::string& s) const { return &s == out_; }
  /// Counts `nodes`, the output written since the last call and `extra` bytes written elsewhere;
  /// false once a cap is passed (and from then on).
  bool spend(std::size_t extra, std::size_t nodes) {
    if (out_ != nullptr) {
      bytes_ += out_->size() - out_counted_;
      out_counted_ = out_->size();
    }
    bytes_ += extra;
    nodes_ += nodes;
    if (bytes_ > bytes_left_ || nodes_ > nodes_left_) exceeded_ = true;
    return !exceeded_;
  }
  /// Whether `bytes` more output and `nodes` more nodes stay within the caps; when not, the
  /// budget is exceeded from then on. Counts nothing (for work about to be counted as written).
  bool admits(std::size_t bytes, std::size_t nodes) {
    if (bytes_ + bytes > bytes_left_ || nodes_ + nodes > nodes_left_) exceeded_ = true;
    return !exceeded_;
  }
  /// `n` bytes counted as written to a temporary were just appended to the output.
  void landed(std::size_t n) {
    if (out_ != nullptr) out_counted_ = std::min(out_counted_ + n, out_->size());
  }
  [[nodiscard]] bool exceeded() const { return exceeded_; }
  /// Adds the record's work to the chunk's; the kLimit error (at `offset`) when a cap was passed.
  Result<void> finish_record(std::uint64_t offset);
  void reset_chunk() {
    chunk_bytes_ = chunk_nodes_ = 0;
    start_record(nullptr);
  }

 private:
  const std::string* out_ = nullptr;
  std::size_t out_counted_ = 0;
  std::size_t bytes_ = 0, nodes_ = 0;
  std::size_t bytes_left_ = 0, nodes_left_ = 0;  ///< for this record: the lower cap
  std::size_t chunk_bytes_ = 0, chunk_nodes_ = 0;
  bool exceeded_ = false;
};

}  // namespace detail

struct ChunkDecoder::Impl {
  std::span<const std::uint8_t> chunk;
  detail::StringTable strings;
  std::unordered_map<std::uint32_t, std::uint32_t> names;  ///< name offset -> string id
  /// Template definitions parsed in this chunk, by definition offset.
  std::unordered_map<std::uint32_t, detail::Tree*> templates;
  /// Trees are pooled and reused across chunks: template trees live for the chunk, scratch trees
  /// (bare elements inside one record) for the record.
  std::vector<std::unique_ptr<detail::Tree>> template_pool;
  std::size_t templates_used = 0;
  std::vector<std::unique_ptr<detail::Tree>> scratch_pool;
  std::size_t scratch_used = 0;
  /// Definitions kept across chunks; `strings` is cleared with them (past kMaxKeptStringBytes).
  detail::KnownTemplates known_templates;
  static constexpr std::size_t kMaxKeptStringBytes = 8u << 20;
  std::vector<detail::NameRef> name_refs;  ///< name offsets read by the definition being parsed
  bool recording_names = false;
  /// Text read now belongs to a bare-element fragment: it goes to the strings' scratch part.
  bool scratch_text = false;
  std::vector<Value> values;  ///< values of the current record (all nesting levels)
  std::vector<std::span<const std::uint8_t>> array_items;
  /// Items of the record's array values, split once each (see items()).
  std::vector<std::span<const std::uint8_t>> item_pool;
  std::string text_scratch;
  std::uint32_t record_offset = 0;  ///< chunk offset of the record opened last
  detail::RenderBudget budget;

  // Render cache (see render_cache.h): the record's documents (the record and its nested BinXml
  // values), its signature, and the recorder while a program is being recorded.
  detail::RenderCache cache;
  detail::Recorder* recorder = nullptr;
  std::vector<Doc> docs;
  std::vector<std::uint32_t> child_base;      ///< per doc: start in child_ordinals
  std::vector<std::uint32_t> child_ordinals;  ///< per value: nested doc ordinal or kNoNode
  std::string signature;  ///< buffer: the signature is its first signature_len bytes
  std::size_t signature_len = 0;
  bool cacheable = false;

  /// Parses every nested BinXml value of `root` (depth first) into `docs` and builds the
  /// record's signature.
  Result<void> prepare_docs(const Doc& root);
  [[nodiscard]] std::string_view record_signature() const {
    return {signature.data(), signature_len};
  }
  /// The nested document of value `index` of `parent` (prepared, or parsed now).
  Result<Doc> nested_doc(const Doc& parent, std::uint16_t index);

  void reset_chunk(std::span<const std::uint8_t> c);
  /// Drops per-record state (nested fragment trees and values).
  void reset_record();

  static detail::Tree* take(std::vector<std::unique_ptr<detail::Tree>>& pool, std::size_t& used);

  /// Parses a fragment (optional PIs, FragmentHeader, template instance or bare element) at
  /// chunk offset `pos`, bounded by `end`. `depth` counts nested BinXml levels.
  Result<Doc> parse_fragment(std::uint32_t pos, std::uint32_t end, int depth);

  /// Bytes of a value.
  [[nodiscard]] std::span<const std::uint8_t> bytes(const Value& v) const {
    return chunk.subspan(v.offset, v.size);
  }
  /// Items of array value `index` of `d` (empty when it is not an array). An element is
  /// written once per item and each rendering picks one: splitting the value every time made
  /// a record with n items cost n times the value's size. The view lasts until the next call.
  std::span<const std::span<const std::uint8_t>> items(const Doc& d, std::uint32_t index);

  /// Value `index` of a doc (a copy: parsing nested fragments grows `values`); a Null value when
  /// the instance has fewer values.
  [[nodiscard]] Value value(const Doc& d, std::uint32_t index) const {
    return index < d.value_count ? values[d.first_value + index] : Value{};
  }

 private:
  Result<detail::Tree*> load_template(std::uint32_t def_offset);
  Result<std::uint32_t> parse_element(ByteReader& r, detail::Tree& t, bool has_dep, int depth);
  Result<std::uint32_t> parse_content_node(ByteReader& r, detail::Tree& t, bool has_dep, int depth);
  Result<std::uint32_t> read_name(ByteReader& r);
  Result<std::uint32_t> read_text(ByteReader& r);
  Result<void> read_instance_values(ByteReader& r, Doc& d);
};

/// True when element `n` of `d` must be dropped because its dependency value is null.
bool element_suppressed(const ChunkDecoder::Impl& impl, const Doc& d, const detail::Node& n);

}  // namespace cmdsentry::evtx
