#include "cmdsentry/diagnostic.h"

#include <fmt/format.h>

#include "core/text_escape.h"
#include "core/utf.h"

namespace cmdsentry {

std::string_view to_string(DiagnosticSeverity severity) {
  switch (severity) {
    case DiagnosticSeverity::kNote:
      return "note";
    case DiagnosticSeverity::kWarning:
      return "warning";
    case DiagnosticSeverity::kError:
      return "error";
  }
  return "warning";
}

std::string render_text(const Diagnostic& d) {
  const DiagnosticLocation& w = d.where;
  std::string where = terminal_safe(w.file);
  if (w.line != 0) where += fmt::format(":{}", w.line);
  if (w.column != 0) where += fmt::format(":{}", w.column);
  if (w.chunk != 0) where += fmt::format(" chunk {}", w.chunk - 1);
  if (w.record != 0) where += fmt::format(" record {}", w.record);
  if (w.offset != 0) where += fmt::format(" (offset {})", w.offset);
  std::string out = fmt::format("cmdsentry: {}: ", to_string(d.severity));
  if (!where.empty()) out += where + ": ";
  out += terminal_safe(d.message);
  if (!d.code.empty()) out += fmt::format(" [{}]", d.code);
  return out;
}

std::string render_json(const Diagnostic& d) {
  std::string out = "{\"severity\":\"";
  out += to_string(d.severity);
  out += "\",\"code\":\"";
  append_escaped(out, d.code, Escape::kJson);
  out += "\",\"file\":\"";
  append_escaped(out, d.where.file, Escape::kJson);
  out += '"';
  auto num = [&](const char* name, std::uint64_t v) {
    if (v != 0) out += fmt::format(",\"{}\":{}", name, v);
  };
  num("line", d.where.line);
  num("column", d.where.column);
  num("offset", d.where.offset);
  if (d.where.chunk != 0) out += fmt::format(",\"chunk\":{}", d.where.chunk - 1);
  num("record", d.where.record);
  out += ",\"message\":\"";
  append_escaped(out, d.message, Escape::kJson);
  out += "\"}";
  return out;
}

}  // namespace cmdsentry
