#include "sources/readers.h"

namespace cmdsentry::sources::detail {

void RecordSink::deliver(RawEvent&& event, TextPosition at) const {
  event.source.file = source_name_;
  event.source.record_id = event.record_id;
  event.source.line = at.line;
  event.source.offset = at.offset;
  ctx_.deliver(std::move(event));
}

void RecordSink::skip(TextPosition at, std::string why, bool over_limit) const {
  ctx_.stats.skipped++;
  if (over_limit) ctx_.stats.skipped_over_limit++;
  ctx_.diagnose(Severity::kWarning, name_, at.line, at.offset, std::move(why));
}

void RecordSink::skip(TextPosition at, const Error& error, std::uint64_t error_line) const {
  std::string why = error.message;
  if (error_line > at.line) why += " (at line " + std::to_string(error_line) + ")";
  skip(at, std::move(why), error.code == ErrorCode::kLimit);
}

void RecordSink::warn(TextPosition at, std::string why) const {
  ctx_.diagnose(Severity::kWarning, name_, at.line, at.offset, std::move(why));
}

void RecordSink::read_failed(TextPosition at, std::string why) const {
  ctx_.diagnose(Severity::kError, name_, at.line, at.offset, std::move(why));
}

}  // namespace cmdsentry::sources::detail
