#include "orgsim/log_file.h"

#include <fmt/format.h>

namespace cmdsentry::orgsim {

LogFile::LogFile(std::filesystem::path base, bool evtx, bool jsonl)
    : base_(std::move(base)),
      evtx_(evtx),
      jsonl_(jsonl),
      writer_({.on_sealed = [this](std::vector<std::uint8_t>&& c) { on_chunk(std::move(c)); }}) {
  if (evtx_) {
    const auto p = base_.string() + ".evtx";
    evtx_out_.open(p, std::ios::binary | std::ios::trunc);
    if (!evtx_out_) error_ = fmt::format("cannot create {}", p);
    const std::vector<char> placeholder(evtxgen::kFileHeaderSize, 0);
    evtx_out_.write(placeholder.data(), static_cast<std::streamsize>(placeholder.size()));
    evtx_bytes_ = evtxgen::kFileHeaderSize;
  }
  if (jsonl_) {
    const auto p = base_.string() + ".jsonl";
    jsonl_out_.open(p, std::ios::binary | std::ios::trunc);
    if (!jsonl_out_) error_ = fmt::format("cannot create {}", p);
    decoder_ = std::make_unique<evtx::ChunkDecoder>();
  }
}

void LogFile::on_chunk(std::vector<std::uint8_t>&& chunk) {
  if (evtx_) {
    evtx_out_.write(reinterpret_cast<const char*>(chunk.data()),
                    static_cast<std::streamsize>(chunk.size()));
    evtx_bytes_ += chunk.size();
  }
  if (!jsonl_) return;
  const auto& index = decoder_->load(chunk, false);
  for (const auto& rec : index.records) {
    line_.clear();
    auto doc = decoder_->open(rec);
    if (!doc || !decoder_->render_json(*doc, line_)) {
      if (error_.empty())
        error_ = fmt::format("{}.jsonl: record {} did not render", base_.string(), rec.id);
      continue;
    }
    line_ += '\n';
    jsonl_out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
    jsonl_bytes_ += line_.size();
  }
}

Result<std::uint64_t> LogFile::add(const evtxgen::EventSpec& e) {
  auto id = writer_.add(e);
  if (id) ++records_;
  return id;
}

Result<void> LogFile::close() {
  writer_.flush();
  if (evtx_) {
    const auto header = writer_.file_header();
    evtx_out_.seekp(0);
    evtx_out_.write(reinterpret_cast<const char*>(header.data()),
                    static_cast<std::streamsize>(header.size()));
    evtx_out_.close();
    if (!evtx_out_ && error_.empty()) error_ = fmt::format("cannot write {}.evtx", base_.string());
  }
  if (jsonl_) {
    jsonl_out_.close();
    if (!jsonl_out_ && error_.empty())
      error_ = fmt::format("cannot write {}.jsonl", base_.string());
  }
  if (!error_.empty()) return fail(ErrorCode::kIo, error_);
  return {};
}

}  // namespace cmdsentry::orgsim
