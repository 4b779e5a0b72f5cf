#pragma once
/// ChunkBuilder: fills one 64 KiB EVTX chunk with event records and seals it (tables, CRCs).
///
/// Chunk layout (evtx-format.md §3): 512-byte header, records back-to-back from offset 512,
/// zeros up to 65536. Names and templates are chunk-local: the first record that needs one
/// defines it inline, later records in the same chunk point back at it by chunk offset. A record
/// is built against a copy of the chunk's name/template state and only committed when it fits,
/// so a record that spills over leaves the chunk untouched and is redone in a fresh chunk.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "evtx_writer/binxml_encoder.h"
#include "evtx_writer/event_spec.h"

namespace cmdsentry::evtxgen {

inline constexpr std::size_t kChunkSize = 65536;
inline constexpr std::size_t kChunkHeaderSize = 512;
inline constexpr std::size_t kTemplateBuckets = 32;

/// Template-table bucket of a template GUID: the name hash recurrence run over the GUID's eight
/// little-endian 16-bit units, modulo 32 (matches every template of real Windows chunks we
/// checked).
[[nodiscard]] std::size_t template_bucket(const std::array<std::uint8_t, 16>& guid);

/// Where a record landed in its chunk.
struct RecordLayout {
  std::uint64_t record_id = 0;
  std::uint32_t offset = 0;  ///< chunk offset of the record
  std::uint32_t size = 0;
};

class ChunkBuilder {
 public:
  /// `first_record_number` is the chunk header's first event record number (normally equal to
  /// the first record id; the header's last number is first + count - 1).
  explicit ChunkBuilder(std::uint64_t first_record_number);

  /// Appends `event` as record `record_id`. Returns false (chunk unchanged) when it does not
  /// fit; fails when a value does not match its declared type or a value is too large.
  [[nodiscard]] Result<bool> try_add(const EventSpec& event, std::uint64_t record_id);

  [[nodiscard]] bool empty() const { return records_.empty(); }
  [[nodiscard]] std::size_t record_count() const { return records_.size(); }
  [[nodiscard]] const std::vector<RecordLayout>& records() const { return records_; }
  /// Distinct templates defined in this chunk.
  [[nodiscard]] std::size_t template_count() const { return state_.templates.size(); }

  /// The sealed 65536-byte chunk: header fields, string and template tables, both CRCs.
  [[nodiscard]] std::vector<std::uint8_t> finish() const;

 private:
  struct TemplateRef {
    std::uint32_t offset = 0;  ///< chunk offset of the definition header
    std::uint32_t id = 0;
  };
  struct State {
    NameTable names;
    std::map<std::string, TemplateRef> templates;  ///< shape key -> definition
    std::array<std::uint32_t, kTemplateBuckets> template_buckets{};
  };

  std::vector<std::uint8_t> data_;  ///< header placeholder + records written so far
  State state_;
  std::vector<RecordLayout> records_;
  std::uint64_t first_number_ = 0;
};

}  // namespace cmdsentry::evtxgen
