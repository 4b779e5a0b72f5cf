#pragma once
/// BinXml encoding of template skeletons, in the context of one chunk.
///
/// Tokens written (evtx-format.md §5.1):
///   0F 01 01 00                      fragment header
///   01|41 FFFF u32:size u32:name     element start (0x41: attribute list follows), with the
///                                    dependency id of template definitions (0xFFFF = none);
///                                    size counts the bytes after itself through the end token
///   u32:attribute-list-size          (0x41 only) bytes of the attributes, not the close token
///   46|06 u32:name <value>           attribute; 0x46 when another attribute follows
///   02 / 03 / 04                     close start tag / close empty element / end element
///   05 01 u16:n n*UTF-16             literal text
///   0D|0E u16:index u8:type          normal / optional substitution
///   00                               end of fragment
/// A name is referenced by its chunk offset; the first use in a chunk writes the Name structure
/// (u32 next-in-bucket, u16 hash, u16 length, UTF-16, u16 NUL) right after the offset field.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "evtx_writer/byte_sink.h"
#include "evtx_writer/template_builder.h"

namespace cmdsentry::evtxgen {

/// Low 16 bits of h = h * 65599 + unit over the UTF-16 code units (h starts at 0).
[[nodiscard]] std::uint16_t name_hash(std::u16string_view name);

/// Number of buckets of a chunk's common string table.
inline constexpr std::size_t kStringBuckets = 64;

/// The names already written in one chunk, plus the string-table buckets (newest first, as
/// Windows chains them).
class NameTable {
 public:
  /// Writes a reference to `name` at the sink's end. `base` is the chunk offset of the sink's
  /// first byte. Writes the Name structure inline on first use.
  void write_ref(ByteSink& out, std::size_t base, std::string_view name);

  /// Chunk offset of the newest name in each bucket (0 = empty).
  [[nodiscard]] const std::array<std::uint32_t, kStringBuckets>& buckets() const {
    return buckets_;
  }
  /// Number of distinct names written.
  [[nodiscard]] std::size_t size() const { return offsets_.size(); }

 private:
  std::map<std::string, std::uint32_t, std::less<>> offsets_;
  std::array<std::uint32_t, kStringBuckets> buckets_{};
};

/// Writes a template definition body: fragment header, the root element (with dependency ids),
/// EOF. Names go through `names`; `base` is the chunk offset of the sink's first byte.
void encode_template_body(ByteSink& out, std::size_t base, const Element& root, NameTable& names);

}  // namespace cmdsentry::evtxgen
