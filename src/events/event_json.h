#pragma once
/// Normalized events as JSON Lines: the `cmdsentry events` output and the golden-test format.
/// Every string is attacker-controlled: it is escaped for JSON, invalid UTF-8 becomes U+FFFD,
/// and U+2028/U+2029 are escaped so the output is safe to embed in JavaScript (the HTML report).
///
/// Process event shape (empty fields omitted):
///   {"type":"process","time":"2025-03-14T09:21:07.441182Z","host":..,"user_sid":..,
///    "user_domain":..,"user_name":..,"logon_id":"0x5c3a1f","pid":8008,"parent_pid":8724,
///    "image":..,"command_line":..,"command_line_logged":true,"parent_image":..,
///    "parent_command_line":..,"integrity":"medium","process_guid":..,"parent_process_guid":..,
///    "original_file_name":..,"current_directory":..,"hashes":{"sha256":..},
///    "applocker":{"decision":"audited","policy":"EXE",..},"helper":{"pid":..,"image":..},
///    "evidence":["4688","sysmon1"],"sources":[{"file":..,"record_id":..,"line":..}]}
///
/// A source's "record_id" is the event's EventRecordID. EVTX sources add their position:
/// "record_number" (the record header's number), "chunk" (0-based) and "offset" (file offset of
/// the record); text sources give "line" (or "offset" when they have no lines).

#include <string>
#include <string_view>

#include "cmdsentry/event.h"
#include "core/utf.h"

namespace cmdsentry::events {

/// Output switches.
struct JsonOptions {
  bool sources = true;  ///< include "sources" (file/record/line); off to compare renderings
};

/// Appends one event as a single-line JSON object followed by '\n'.
void append_jsonl(std::string& out, const Event& event, const JsonOptions& options = {});

/// Appends `text` as a JSON string literal: core's escaper (core/utf.h), named here too for the
/// writers that include this header.
using cmdsentry::append_json_string;

}  // namespace cmdsentry::events
