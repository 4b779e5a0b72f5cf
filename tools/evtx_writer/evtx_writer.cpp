#include "evtx_writer/evtx_writer.h"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "evtx/crc32.h"

namespace cmdsentry::evtxgen {

EvtxWriter::EvtxWriter(WriterOptions options)
    : options_(options), next_id_(options.first_record_id), next_number_(options.first_record_id) {}

void EvtxWriter::seal_open_chunk() {
  if (!open_) return;
  if (!open_->empty()) {
    sealed_templates_ += open_->template_count();
    if (options_.on_sealed) {
      options_.on_sealed(open_->finish());
      ++streamed_chunks_;
    } else {
      sealed_.push_back(open_->finish());
    }
  }
  open_.reset();
}

Result<std::uint64_t> EvtxWriter::add(const EventSpec& event) {
  const std::uint64_t id = event.record_id.value_or(next_id_);
  if (open_ && options_.max_records_per_chunk != 0 &&
      open_->record_count() >= options_.max_records_per_chunk) {
    seal_open_chunk();
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!open_) open_.emplace(next_number_);
    auto added = open_->try_add(event, id);
    if (!added) return tl::unexpected(added.error());
    if (*added) {
      next_id_ = id + 1;
      ++next_number_;
      ++records_;
      return id;
    }
    seal_open_chunk();  // did not fit: retry once in a fresh chunk
  }
  return fail(ErrorCode::kLimit, fmt::format("record {} does not fit in an empty chunk", id));
}

void EvtxWriter::flush() { seal_open_chunk(); }

std::vector<std::uint8_t> EvtxWriter::file_header() const {
  return header_for(streamed_chunks_ + sealed_.size() + (open_ && !open_->empty() ? 1 : 0));
}

std::vector<std::uint8_t> EvtxWriter::bytes() const {
  std::vector<std::uint8_t> open_chunk;
  if (open_ && !open_->empty()) open_chunk = open_->finish();
  std::vector<std::uint8_t> file = file_header();
  file.reserve(kFileHeaderSize + (sealed_.size() + 1) * kChunkSize);
  for (const auto& c : sealed_) file.insert(file.end(), c.begin(), c.end());
  file.insert(file.end(), open_chunk.begin(), open_chunk.end());
  return file;
}

std::vector<std::uint8_t> EvtxWriter::header_for(std::size_t chunks) const {
  std::vector<std::uint8_t> file(kFileHeaderSize, 0);
  std::span<std::uint8_t> h(file);
  static constexpr char kMagic[8] = {'E', 'l', 'f', 'F', 'i', 'l', 'e', 0};
  std::copy(std::begin(kMagic), std::end(kMagic), file.begin());
  store_le(h, 8, 0, 8);                         // first (oldest) chunk
  store_le(h, 16, chunks ? chunks - 1 : 0, 8);  // last (current) chunk
  store_le(h, 24, next_id_, 8);                 // next record id
  store_le(h, 32, 128, 4);                      // header size
  store_le(h, 36, options_.minor_version, 2);
  store_le(h, 38, 3, 2);                // major version
  store_le(h, 40, kFileHeaderSize, 2);  // header block size
  store_le(h, 42, chunks, 2);
  store_le(h, 120, options_.dirty ? kFlagDirty : 0, 4);
  store_le(h, 124, evtx::crc32(h.first(120)), 4);
  return file;
}

Result<void> EvtxWriter::write_file(const std::filesystem::path& path) const {
  const std::vector<std::uint8_t> data = bytes();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return fail(ErrorCode::kIo, fmt::format("cannot create {}", path.string()));
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) return fail(ErrorCode::kIo, fmt::format("cannot write {}", path.string()));
  return {};
}

WriteStats EvtxWriter::stats() const {
  WriteStats s;
  s.records = records_;
  s.chunks = streamed_chunks_ + sealed_.size() + (open_ && !open_->empty() ? 1 : 0);
  s.templates = sealed_templates_ + (open_ ? open_->template_count() : 0);
  return s;
}

}  // namespace cmdsentry::evtxgen
