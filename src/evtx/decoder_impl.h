#pragma once
/// Internal state of ChunkDecoder, shared by the parser (chunk_decoder.cpp) and the renderers
/// (render_json.cpp, render_xml.cpp, extract.cpp).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/byte_reader.h"
#include "core/error.h"
#include "evtx/binxml.h"
#include "evtx/chunk_decoder.h"

namespace cmdsentry::evtx {

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
  std::vector<Value> values;         ///< values of the current record (all nesting levels)
  std::vector<std::span<const std::uint8_t>> array_items;

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
