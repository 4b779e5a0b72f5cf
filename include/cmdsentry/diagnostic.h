#pragma once
/// Diagnostic: one problem with the input or the configuration, as data. Every reader (EVTX,
/// JSON, XML, archives), the knowledge-base loader and the engine report through it; the CLI
/// renders it as text or JSON (`--diagnostics json`) with render_text() / render_json().

#include <cstdint>
#include <string>
#include <string_view>

namespace cmdsentry {

/// How serious a diagnostic is.
enum class DiagnosticSeverity : std::uint8_t {
  kNote,     ///< not an event log (a README next to the logs), a rule override
  kWarning,  ///< something was skipped or corrected; the rest was read
  kError,    ///< a whole file could not be read, a rules file is invalid
};

/// Where: any of the fields may be unknown (0 / empty).
struct DiagnosticLocation {
  std::string file;          ///< path, or "archive.zip!member"
  std::uint64_t line = 0;    ///< 1-based line (text formats, rules files)
  std::uint64_t column = 0;  ///< 1-based column
  std::uint64_t offset = 0;  ///< byte offset in the (decompressed) file
  std::uint64_t chunk = 0;   ///< EVTX chunk index + 1 (0: not applicable)
  std::uint64_t record = 0;  ///< EventRecordID or record number
};

/// One problem.
struct Diagnostic {
  DiagnosticSeverity severity = DiagnosticSeverity::kWarning;
  std::string code;  ///< stable kebab-case code ("bad-json", "late-event", "clock-offset")
  DiagnosticLocation where;
  std::string message;
};

/// "note", "warning", "error".
[[nodiscard]] std::string_view to_string(DiagnosticSeverity severity);

/// "cmdsentry: warning: file:12 (offset 4096): message [code]", terminal-safe, no newline.
[[nodiscard]] std::string render_text(const Diagnostic& d);
/// One JSON object, no newline: {"severity":..,"code":..,"file":..,...,"message":..}.
[[nodiscard]] std::string render_json(const Diagnostic& d);

}  // namespace cmdsentry
