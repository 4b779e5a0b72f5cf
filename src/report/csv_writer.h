#pragma once
/// CsvWriter: RFC 4180 CSV with a header row, one finding per row. Every field goes through
/// terminal_text (report/fields.h: C0/C1 controls, DEL as \x1b, bidi overrides as \u{202e}, so
/// each row is one line) and then append_csv_field (core/text_escape.h): quoted when needed, and
/// a value a spreadsheet would evaluate (leading = + - @) is prefixed with a single quote.
/// Multi-valued fields (technique, obfuscation reasons, targets) are joined with spaces.

#include <string>

#include "report/sink.h"

namespace cmdsentry::report {

/// The header row's column names, in order, for `profile` (docs/scan.md).
[[nodiscard]] std::vector<std::string_view> csv_columns(Profile profile = Profile::kStandard);

/// CSV sink.
class CsvWriter final : public Sink {
 public:
  explicit CsvWriter(TextOut out, Profile profile = Profile::kStandard)
      : out_(std::move(out)), profile_(profile) {}
  void begin() override;
  void write(const Finding& finding) override;
  void finish() override;
  void flush() override {
    if (!buf_.empty()) out_(buf_);
    buf_.clear();
  }

 private:
  void end_row();

  TextOut out_;
  Profile profile_;
  std::string buf_;
};

}  // namespace cmdsentry::report
