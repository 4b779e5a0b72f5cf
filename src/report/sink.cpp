#include "report/sink.h"

#include "report/csv_writer.h"
#include "report/jsonl_writer.h"
#include "report/table_writer.h"

namespace cmdsentry::report {

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") return Format::kTable;
  if (name == "csv") return Format::kCsv;
  if (name == "jsonl") return Format::kJsonl;
  return std::nullopt;
}

std::optional<Profile> parse_profile(std::string_view name) {
  if (name == "minimal") return Profile::kMinimal;
  if (name == "standard") return Profile::kStandard;
  if (name == "verbose") return Profile::kVerbose;
  if (name == "timesketch") return Profile::kTimesketch;
  return std::nullopt;
}

std::unique_ptr<Sink> make_sink(Format format, TextOut out, const SinkOptions& options) {
  switch (format) {
    case Format::kCsv:
      return std::make_unique<CsvWriter>(std::move(out), options.profile);
    case Format::kJsonl:
      return std::make_unique<JsonlWriter>(std::move(out), options.profile);
    case Format::kTable:
      break;
  }
  return std::make_unique<TableWriter>(std::move(out), options.width, options.color, options.time);
}

}  // namespace cmdsentry::report
