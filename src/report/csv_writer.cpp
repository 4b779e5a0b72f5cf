#include "report/csv_writer.h"

#include <string_view>

#include "core/text_escape.h"
#include "report/fields.h"

namespace cmdsentry::report {
namespace {
constexpr std::size_t kFlushBytes = 1 << 16;
}  // namespace

namespace {
const std::vector<std::string_view> kStandardColumns = {"timestamp",
                                                        "host",
                                                        "user",
                                                        "phase",
                                                        "command",
                                                        "args",
                                                        "technique",
                                                        "noise",
                                                        "image",
                                                        "command_line",
                                                        "parent_image",
                                                        "obfuscation_score",
                                                        "obfuscation_reasons",
                                                        "source",
                                                        "record",
                                                        "rule",
                                                        "tactic",
                                                        "study",
                                                        "process_id",
                                                        "parent_process_id",
                                                        "logon_id",
                                                        "origin",
                                                        "via_cmd",
                                                        "via_process_id",
                                                        "via_command_line",
                                                        "via_record",
                                                        "targets",
                                                        "decoded",
                                                        "chunk",
                                                        "offset",
                                                        "via_parent_image",
                                                        "via_parent_command_line",
                                                        "incident",
                                                        "ancestry",
                                                        "automation",
                                                        "applocker"};
const std::vector<std::string_view> kMinimalColumns = {
    "timestamp", "host",         "user",   "phase",  "command", "rule",
    "level",     "command_line", "source", "record", "incident"};
const std::vector<std::string_view> kTimesketchColumns = {"message", "datetime", "timestamp_desc"};
const std::vector<std::string_view> kVerboseColumns = {
    "level", "process_guid", "parent_process_guid", "current_directory", "original_file_name"};
}  // namespace

std::vector<std::string_view> csv_columns(Profile profile) {
  if (profile == Profile::kMinimal) return kMinimalColumns;
  std::vector<std::string_view> out;
  if (profile == Profile::kTimesketch) out = kTimesketchColumns;
  out.insert(out.end(), kStandardColumns.begin(), kStandardColumns.end());
  if (profile == Profile::kVerbose) {
    out.insert(out.end(), kVerboseColumns.begin(), kVerboseColumns.end());
  }
  return out;
}

void CsvWriter::begin() {
  bool first = true;
  for (std::string_view c : csv_columns(profile_)) {
    if (!first) buf_ += ',';
    first = false;
    buf_ += c;
  }
  buf_ += "\r\n";
}

void CsvWriter::write(const Finding& f) {
  const ProcessEvent& e = *f.process;
  const SourceRef& src = source_of(e);
  bool first = true;
  auto field = [&](std::string_view v) {
    if (!first) buf_ += ',';
    first = false;
    // Controls (ESC, BEL, CR, LF...) and bidi overrides made visible first, so a row is one line
    // and no cell carries a terminal sequence; then RFC 4180 quoting and formula neutralising.
    append_csv_field(buf_, terminal_text(v));
  };
  auto number = [&](std::uint64_t v, bool present) { field(present ? std::to_string(v) : ""); };
  if (profile_ == Profile::kMinimal) {
    field(iso_time(e.time));
    field(e.host());
    field(user_of(e));
    field(f.phase());
    field(f.command());
    field(f.rule());
    field(to_string(headline_level(f)));
    field(e.command_line());
    field(src.file);
    number(record_of(src), record_of(src) != 0);
    field(f.incident);
    end_row();
    return;
  }
  if (profile_ == Profile::kTimesketch) {
    field(timeline_message(f));
    field(iso_time(e.time));
    field("Process creation");
  }
  field(iso_time(e.time));
  field(e.host());
  field(user_of(e));
  field(f.phase());
  field(f.command());
  field(f.args);
  field(join(f.techniques()));
  field(kb::to_string(f.noise()));
  field(e.image());
  field(e.command_line());
  field(e.parent_image());
  number(static_cast<std::uint64_t>(f.obfuscation_score), true);
  field(reasons_text(f));
  field(src.file);
  number(record_of(src), record_of(src) != 0);
  field(f.rule());
  field(f.tactic());
  field(f.study() ? "true" : "false");
  number(e.pid, e.pid != 0);
  number(e.parent_pid.value_or(0), e.parent_pid.has_value());
  field(hex_id(e.logon_id));
  field(cmdline::to_string(f.origin));
  field(f.via_cmd ? "true" : "false");
  number(f.via ? f.via->pid : 0, f.via && f.via->pid != 0);
  field(f.via ? std::string_view(f.via->command_line()) : std::string_view());
  number(f.via ? record_of(source_of(*f.via)) : 0, f.via != nullptr);
  field(join(f.targets));
  field(f.decoded);
  number(static_cast<std::uint64_t>(src.chunk), src.has_evtx_position());
  number(src.offset, src.has_evtx_position());
  field(f.via ? std::string_view(f.via->parent_image()) : std::string_view());
  field(f.via ? std::string_view(f.via->parent_command_line()) : std::string_view());
  field(f.incident);
  field(f.ancestry);
  field(f.automation);
  field(e.applocker->decision == AppLockerDecision::kNone ? std::string_view()
                                                          : to_string(e.applocker->decision));
  if (profile_ == Profile::kVerbose) {
    field(to_string(headline_level(f)));
    field(e.process_guid());
    field(e.parent_process_guid());
    field(e.current_directory());
    field(e.original_file_name());
  }
  end_row();
}

void CsvWriter::end_row() {
  buf_ += "\r\n";
  if (buf_.size() >= kFlushBytes) {
    out_(buf_);
    buf_.clear();
  }
}

void CsvWriter::finish() {
  if (!buf_.empty()) out_(buf_);
  buf_.clear();
}

}  // namespace cmdsentry::report
