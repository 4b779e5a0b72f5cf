#pragma once
/// Sigma rules from YAML into rules::Rule (read -> collect -> compile; RuleSet freezes them).
///
/// A file holds one rule per YAML document (`---` lines separate them); each document is parsed
/// on its own, so one broken document costs only its own rule. A document is read as:
///
///   title (required), id, status, level, tags        -> identity and reporting
///   logsource: product, category, service            -> Rule::route (see route_of)
///   detection: NAME: map | list, ..., condition       -> detections and conditions
///
/// A detection map ANDs its `field|modifiers: value(s)` entries; a list of maps ORs them; a list
/// of plain values is a keyword search ('|all' as a key ANDs keywords). Values and modifiers are
/// src/sigma/values.h; the condition grammar is src/rules/condition.h.
///
/// Every rule that cannot be loaded is one error Diagnostic (file, 1-based line and column of
/// the node at fault, the reason, a stable code); rules that load are unaffected. Codes:
///   sigma-unreadable   a path that is not a readable file or directory
///   sigma-yaml         the document is not valid YAML
///   sigma-invalid      valid YAML that is not a valid Sigma rule (missing title, bad level...)
///   sigma-condition    the condition does not parse or names no detection
///   sigma-unsupported  valid Sigma that cmdsentry does not run (filter rules, Sigma 1.0
///                      aggregations, neq and time modifiers, placeholders without a value)
///   sigma-correlation  a correlation rule that names an unknown rule, loops or chains too deep
///   sigma-limit        over a cap of core/limits.h (file size, documents, nodes, values)
/// Hostile YAML (deep nesting, alias bombs, huge values) ends as sigma-yaml or sigma-limit.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cmdsentry/diagnostic.h"
#include "rules/rule.h"
#include "sigma/correlation.h"
#include "sigma/values.h"

namespace cmdsentry::sigma {

/// How to read rules.
struct LoadOptions {
  Placeholders placeholders;  ///< values for `expand` (none by default: such rules fail)
};

/// Rules read, with a diagnostic for each one that could not be.
struct LoadResult {
  std::vector<rules::Rule> rules;
  /// Correlation rules (documents with a `correlation` map), linked: every rule they name is in
  /// `rules` or `correlations` (sigma/correlation.h).
  std::vector<CorrelationRule> correlations;
  std::vector<Diagnostic> diagnostics;
  std::size_t failed = 0;  ///< rule documents (and unreadable paths) not loaded
  std::size_t files = 0;   ///< rule files read
  [[nodiscard]] bool ok() const { return failed == 0; }
};

/// Where a logsource runs: "process_creation" (Windows process creation), a lower-case channel
/// for a Windows service ("security", "microsoft-windows-sysmon/operational"), "" for Windows
/// without category or service (every record), else "category:NAME" or "product:NAME/..." that
/// no cmdsentry event reaches.
[[nodiscard]] std::string route_of(std::string_view product, std::string_view category,
                                   std::string_view service);

/// Reads the rules of one file's text (`file` names it in diagnostics and Rule::file).
void load_text(std::string_view text, const std::string& file, const LoadOptions& options,
               LoadResult& out);
/// The same into a fresh result.
[[nodiscard]] LoadResult load_text(std::string_view text, const std::string& file = "<memory>",
                                   const LoadOptions& options = {});

/// Reads files and directories (walked recursively for *.yml and *.yaml, in name order).
[[nodiscard]] LoadResult load_paths(const std::vector<std::filesystem::path>& paths,
                                    const LoadOptions& options = {});

}  // namespace cmdsentry::sigma
