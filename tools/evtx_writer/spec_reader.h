#pragma once
/// Reads event specs: one JSON object per line (format in docs/evtx-writer.md).
///
///   {"provider":"Microsoft-Windows-Security-Auditing",
///    "guid":"{54849625-5478-4994-A5BA-3E3B0328C30D}", "channel":"Security",
///    "event_id":4688, "version":2, "level":0, "task":13312, "opcode":0,
///    "keywords":"0x8020000000000000", "time":"2026-03-02T09:14:07.1234567Z",
///    "computer":"WKS-FIN-07.corp.example", "pid":4, "tid":88, "user_sid":null,
///    "data":[["SubjectUserSid","sid","S-1-5-18"], ["CommandLine","string","cmd.exe /c ver"]]}
///
/// Blank lines are skipped. Unknown keys are errors (they are almost always typos).

#include <cstddef>
#include <filesystem>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "evtx_writer/event_spec.h"

namespace cmdsentry::evtxgen {

/// Parses one JSON object into an EventSpec. Errors say which key is wrong.
[[nodiscard]] Result<EventSpec> parse_event_spec(std::string_view json);

/// Parses a whole JSONL text. Errors are prefixed "line N: " (1-based) and carry N in `offset`.
[[nodiscard]] Result<std::vector<EventSpec>> parse_event_specs(std::string_view jsonl);

/// Reads and parses a JSONL file.
[[nodiscard]] Result<std::vector<EventSpec>> read_event_specs(const std::filesystem::path& path);

}  // namespace cmdsentry::evtxgen
