#include "evtx_writer/chunk_builder.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "evtx/crc32.h"
#include "evtx_writer/template_builder.h"

namespace cmdsentry::evtxgen {
namespace {

constexpr std::uint32_t kRecordMagic = 0x00002A2A;  // "**\0\0"
constexpr std::uint8_t kTokFragment = 0x0F;
constexpr std::uint8_t kTokTemplateInstance = 0x0C;
constexpr std::uint8_t kTokEof = 0x00;
constexpr std::size_t kMaxValueSize = 0xFFFF;

Result<void> check_event(const EventSpec& event) {
  for (const DataField& f : event.data) {
    if (!f.value.is_null() && f.value.type != f.type) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("field '{}' is declared {} but holds a {} value", f.name,
                              value_type_name(f.type), value_type_name(f.value.type)));
    }
    if (f.value.bytes.size() > kMaxValueSize) {
      return fail(ErrorCode::kLimit, fmt::format("field '{}' is larger than 65535 bytes", f.name));
    }
    if (f.type == ValueType::kNull) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("field '{}' needs a declared type other than null", f.name));
    }
  }
  return {};
}

void write_substitution_array(ByteSink& out, const std::vector<Value>& values) {
  out.u32(static_cast<std::uint32_t>(values.size()));
  for (const Value& v : values) {
    out.u16(static_cast<std::uint16_t>(v.bytes.size()));
    out.u8(static_cast<std::uint8_t>(v.type));
    out.u8(0);
  }
  for (const Value& v : values) out.append(v.bytes);
}

}  // namespace

std::size_t template_bucket(const std::array<std::uint8_t, 16>& guid) {
  std::uint32_t h = 0;
  for (std::size_t i = 0; i < guid.size(); i += 2) {
    h = h * 65599U +
        (static_cast<std::uint32_t>(guid[i]) | static_cast<std::uint32_t>(guid[i + 1]) << 8);
  }
  return h % kTemplateBuckets;
}

ChunkBuilder::ChunkBuilder(std::uint64_t first_record_number)
    : data_(kChunkHeaderSize, 0), first_number_(first_record_number) {}

Result<bool> ChunkBuilder::try_add(const EventSpec& event, std::uint64_t record_id) {
  if (auto ok = check_event(event); !ok) return tl::unexpected(ok.error());
  State trial = state_;
  const std::size_t base = data_.size();
  ByteSink rec;
  rec.u32(kRecordMagic);
  rec.u32(0);  // size, patched below
  rec.u64(record_id);
  rec.u64(event.written_time.value_or(event.time_created));

  rec.u8(kTokFragment);
  rec.u8(1);
  rec.u8(1);
  rec.u8(0);
  rec.u8(kTokTemplateInstance);
  rec.u8(1);
  const std::string key = template_key(event);
  if (auto it = trial.templates.find(key); it != trial.templates.end()) {
    rec.u32(it->second.id);
    rec.u32(it->second.offset);
  } else {
    const TemplateShape shape = build_template(event);
    rec.u32(shape.id());
    const auto def_offset = static_cast<std::uint32_t>(base + rec.size() + 4);
    rec.u32(def_offset);  // == the next byte: the definition follows inline
    std::uint32_t& head = trial.template_buckets[template_bucket(shape.guid)];
    rec.u32(head);  // next definition in the same bucket: the previous head
    rec.append(shape.guid);
    const std::size_t size_pos = rec.size();
    rec.u32(0);
    encode_template_body(rec, base, shape.root, trial.names);
    rec.patch_u32(size_pos, static_cast<std::uint32_t>(rec.size() - size_pos - 4));
    head = def_offset;
    trial.templates.emplace(key, TemplateRef{def_offset, shape.id()});
  }
  write_substitution_array(rec, substitution_values(event, record_id));
  rec.u8(kTokEof);
  while ((rec.size() + 4) % 8 != 0) rec.u8(0);  // Windows keeps records 8-byte aligned
  const auto size = static_cast<std::uint32_t>(rec.size() + 4);
  rec.u32(size);
  rec.patch_u32(4, size);

  if (base + size > kChunkSize) {
    if (records_.empty()) {
      return fail(
          ErrorCode::kLimit,
          fmt::format("record {} needs {} bytes: larger than an empty chunk", record_id, size));
    }
    return false;
  }
  data_.insert(data_.end(), rec.bytes().begin(), rec.bytes().end());
  state_ = std::move(trial);
  records_.push_back({record_id, static_cast<std::uint32_t>(base), size});
  return true;
}

std::vector<std::uint8_t> ChunkBuilder::finish() const {
  std::vector<std::uint8_t> chunk(kChunkSize, 0);
  std::copy(data_.begin(), data_.end(), chunk.begin());
  std::span<std::uint8_t> c(chunk);
  static constexpr char kMagic[8] = {'E', 'l', 'f', 'C', 'h', 'n', 'k', 0};
  std::copy(std::begin(kMagic), std::end(kMagic), chunk.begin());
  const std::uint64_t count = records_.size();
  store_le(c, 8, first_number_, 8);
  store_le(c, 16, count ? first_number_ + count - 1 : first_number_, 8);
  store_le(c, 24, count ? records_.front().record_id : 0, 8);
  store_le(c, 32, count ? records_.back().record_id : 0, 8);
  store_le(c, 40, 128, 4);
  store_le(c, 44, count ? records_.back().offset : 0, 4);
  store_le(c, 48, data_.size(), 4);
  for (std::size_t i = 0; i < kStringBuckets; ++i) {
    store_le(c, 128 + 4 * i, state_.names.buckets()[i], 4);
  }
  for (std::size_t i = 0; i < kTemplateBuckets; ++i) {
    store_le(c, 384 + 4 * i, state_.template_buckets[i], 4);
  }
  const std::uint32_t data_crc =
      evtx::crc32(c.subspan(kChunkHeaderSize, data_.size() - kChunkHeaderSize));
  store_le(c, 52, data_crc, 4);
  const std::uint32_t header_crc = evtx::crc32(c.subspan(128, 384), evtx::crc32(c.first(120)));
  store_le(c, 124, header_crc, 4);
  return chunk;
}

}  // namespace cmdsentry::evtxgen
