#include "kb/entry.h"

#include <fmt/format.h>

#include <algorithm>

namespace cmdsentry::kb {

std::string_view to_string(Noise noise) {
  switch (noise) {
    case Noise::kVeryLow:
      return "very-low";
    case Noise::kLow:
      return "low";
    case Noise::kMedium:
      return "medium";
    case Noise::kHigh:
      return "high";
  }
  return "?";
}

std::string_view to_string(DiagCode code) {
  switch (code) {
    case DiagCode::kIo:
      return "io";
    case DiagCode::kSyntax:
      return "syntax";
    case DiagCode::kTooLarge:
      return "too-large";
    case DiagCode::kBadStructure:
      return "bad-structure";
    case DiagCode::kMissingField:
      return "missing-field";
    case DiagCode::kBadValue:
      return "bad-value";
    case DiagCode::kUnknownField:
      return "unknown-field";
    case DiagCode::kDuplicateName:
      return "duplicate-name";
    case DiagCode::kOverride:
      return "override";
  }
  return "?";
}

int MatchSpec::specificity() const {
  int s = 1;
  if (!subcommands.empty()) {
    std::size_t words = 0;
    for (const auto& alt : subcommands) words = std::max(words, alt.size());
    s += 2 * static_cast<int>(words);
  }
  s += flags_any.empty() ? 0 : 2;
  s += 2 * static_cast<int>(flags_all.size());
  s += args_any.empty() ? 0 : 2;
  s += 2 * static_cast<int>(args_all.size());
  s += contains_any.empty() ? 0 : 2;
  s += 2 * static_cast<int>(contains_all.size());
  return s;
}

std::string Diagnostic::describe() const {
  std::string_view sev = severity == Severity::kError     ? "error"
                         : severity == Severity::kWarning ? "warning"
                                                          : "note";
  std::string out = fmt::format("{}:{}:{}: {}: {} [{}]", where.file, where.line, where.column, sev,
                                message, to_string(code));
  if (!entry.empty()) out += fmt::format(" (entry '{}')", entry);
  return out;
}

cmdsentry::Diagnostic Diagnostic::to_diagnostic() const {
  cmdsentry::Diagnostic d;
  d.severity = severity == Severity::kError     ? DiagnosticSeverity::kError
               : severity == Severity::kWarning ? DiagnosticSeverity::kWarning
                                                : DiagnosticSeverity::kNote;
  d.code = std::string(to_string(code));
  d.where.file = where.file;
  d.where.line = where.line > 0 ? static_cast<std::uint64_t>(where.line) : 0;
  d.where.column = where.column > 0 ? static_cast<std::uint64_t>(where.column) : 0;
  d.message = message;
  if (!entry.empty()) d.message += fmt::format(" (entry '{}')", entry);
  return d;
}

}  // namespace cmdsentry::kb
