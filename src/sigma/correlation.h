#pragma once
/// Sigma correlation rules (specification v2.1): reading, linking, and the per-group state that
/// evaluates them over a stream of base-rule matches.
///
/// A correlation document is read as:
///
///   title, id, name, status, level, tags          -> identity (as detection rules: rules::Rule)
///   correlation:
///     type: event_count | value_count | temporal | temporal_ordered
///           | value_sum | value_avg | value_percentile
///     rules: [id-or-name, ...]                    -> detection rules or other correlations
///     group-by: [field-or-alias, ...]             -> one state per tuple of values
///     timespan: N(s|m|h|d|w)                      -> window length in event time
///     condition: {gt|gte|lt|lte|eq|neq: number, field: name | [names]}
///     aliases: {alias: {rule-name: field}}        -> group-by field per referenced rule
///   generate: true|false                           -> base rules also reported (default false)
///
/// Semantics (docs/sigma.md, "Correlation rules"): time is event time. Each execution that a
/// referenced rule (or a referenced correlation, in the same pass) matches adds one entry to the
/// group of its group-by values; a group keeps the entries of the last `timespan` before its
/// newest (`last - first <= timespan`, so a match exactly `timespan` after the first still
/// counts). Entries arriving out of order are inserted in time order while they fall in that
/// window, and dropped (counted) otherwise. After each entry the condition is checked over the
/// window; when it holds, the correlation fires on that execution and the group starts afresh.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cmdsentry/diagnostic.h"
#include "cmdsentry/event.h"
#include "cmdsentry/finding.h"
#include "core/limits.h"
#include "rules/rule.h"

namespace YAML {
class Node;
}

namespace cmdsentry::sigma {

/// The correlation types of the specification.
enum class CorrelationType : std::uint8_t {
  kEventCount,
  kValueCount,
  kTemporal,
  kTemporalOrdered,
  kValueSum,
  kValueAvg,
  kValuePercentile,
};

/// "event_count", ...
[[nodiscard]] std::string_view to_string(CorrelationType type);

/// The condition: every bound given must hold (a range is two bounds).
struct CorrelationCondition {
  std::optional<double> gt, gte, lt, lte, eq, neq;
  std::vector<std::string> fields;  ///< `field` (value_*): several are one tuple
  [[nodiscard]] bool holds(double value) const;
  [[nodiscard]] bool empty() const { return !gt && !gte && !lt && !lte && !eq && !neq; }
};

/// A correlation rule as read.
struct CorrelationRule {
  rules::Rule meta;  ///< id, name, title, status, level, tags, file, line (no detections)
  CorrelationType type = CorrelationType::kEventCount;
  std::vector<std::string> rules;         ///< references as written
  std::vector<std::uint64_t> rule_lines;  ///< line of each reference (diagnostics)
  std::vector<std::string> group_by;      ///< field names or aliases
  std::uint64_t timespan = 0;             ///< FILETIME ticks
  CorrelationCondition condition;         ///< temporal*: empty means "all rules"
  /// alias -> (referenced rule's name or id -> field name in that rule's events)
  std::map<std::string, std::map<std::string, std::string>> aliases;
  bool generate = false;
  /// Its own matches are reported (the detector clears it for a correlation only other
  /// correlations use: the specification reports only the outermost one).
  bool report = true;
};

/// Reads a document with a `correlation` map; `meta` already holds the identity fields. On
/// failure: the diagnostic (code sigma-invalid or sigma-limit; line 0 means the document's).
[[nodiscard]] tl::expected<CorrelationRule, Diagnostic> read_correlation(const YAML::Node& doc,
                                                                         std::uint64_t base_line,
                                                                         rules::Rule meta);

/// "5m" -> ticks; nullopt when not `digits + s|m|h|d|w`, zero, or over the cap.
[[nodiscard]] std::optional<std::uint64_t> parse_timespan(std::string_view text);

/// What a correlation refers to: a detection rule or another correlation (by index).
struct CorrelationRef {
  bool correlation = false;
  std::size_t index = 0;
};

/// Resolves every correlation's `rules` against `rules` and `correlations` (by id, then by
/// name). A correlation that names an unknown rule, refers to itself through a chain, chains
/// deeper than the cap, or has an alias for a rule it does not refer to is removed from
/// `correlations` with an error diagnostic (code sigma-correlation) and counted in `failed`.
/// Returns, for each correlation kept, its references in `rules` order.
[[nodiscard]] std::vector<std::vector<CorrelationRef>> link_correlations(
    const std::vector<rules::Rule>& rules, std::vector<CorrelationRule>& correlations,
    std::vector<Diagnostic>& diagnostics, std::size_t& failed);

/// Evaluates linked correlations over the matches of one execution at a time (below).
///
/// Per execution: begin(), then hit() for every base rule (index in the detector's rule list)
/// that matched, then finish(), which updates the groups and appends a Match (engine
/// correlation, command kOwnFinding) for each correlation that fired.
/// State caps of a CorrelationEngine (core/limits.h by default; tests lower them).
struct CorrelationCaps {
  std::size_t groups = limits::kMaxCorrelationGroups;    ///< per correlation rule
  std::size_t entries = limits::kMaxCorrelationEntries;  ///< per group
};

class CorrelationEngine {
 public:
  using Caps = CorrelationCaps;
  /// `base` is the detection rules the indices of hit() refer to; refs from link_correlations.
  CorrelationEngine(std::vector<CorrelationRule> rules,
                    std::vector<std::vector<CorrelationRef>> refs,
                    const std::vector<rules::Rule>& base, Caps caps = {});

  void begin();
  void hit(std::size_t base_index);
  /// `record` is the execution (ProcessRecord) or event (RawRecord) the hits were on, `time` its
  /// event time, `source` where it was logged (may be null).
  void finish(const rules::Record& record, std::uint64_t time, const SourceRef* source,
              std::vector<Match>& out);
  /// Event time reached `time`: groups idle for longer than their timespan are freed.
  void on_time(std::uint64_t time);

  [[nodiscard]] std::size_t size() const { return rules_.size(); }
  /// Base rule indices some correlation refers to (directly or through a chain).
  [[nodiscard]] bool referenced(std::size_t base_index) const;
  /// Correlation fired / base matches dropped by a cap or for lateness / no group-by value.
  struct Stats {
    std::uint64_t fired = 0;
    std::uint64_t entries = 0;
    std::uint64_t dropped_late = 0;
    std::uint64_t dropped_entries = 0;
    std::uint64_t dropped_groups = 0;
    std::uint64_t no_group_value = 0;
    std::uint64_t no_number = 0;
    std::uint64_t groups = 0;  ///< live now
  };
  [[nodiscard]] Stats stats() const;

 private:
  struct Entry {
    std::uint64_t time = 0;
    std::uint64_t record = 0;
    std::uint64_t mask = 0;  ///< which of the correlation's references matched
    double number = 0;
    std::uint32_t file = 0;  ///< index in files_
    std::string value;       ///< value_count / value_percentile: the field tuple
  };
  struct Group {
    std::deque<Entry> entries;
    std::uint64_t newest = 0;
    std::vector<MatchedField> values;  ///< the group-by values
  };
  struct State {
    CorrelationRule rule;
    std::vector<CorrelationRef> refs;
    /// ref -> the field each group-by name reads in the events of that reference (aliases)
    std::vector<std::vector<rules::FieldRef>> group_fields;
    std::vector<rules::FieldRef> value_fields;  ///< condition.fields
    std::unordered_map<std::string, Group> groups;
    std::uint64_t swept = 0;
  };

  void update(std::size_t c, std::uint64_t mask, const rules::Record& record, std::uint64_t time,
              const SourceRef* source, std::vector<Match>& out);
  [[nodiscard]] double measure(const State& s, const Group& g, const Entry& arrived) const;
  void sweep(State& s);
  [[nodiscard]] std::uint32_t file_index(std::string_view file);

  std::vector<State> rules_;
  std::vector<std::size_t> order_;  ///< evaluation order: referenced correlations first
  std::vector<bool> referenced_;
  std::vector<std::size_t> base_hits_;  ///< this execution
  std::vector<bool> fired_;             ///< this execution, per correlation
  std::vector<std::string> files_;
  std::unordered_map<std::string, std::uint32_t> file_ids_;
  std::uint64_t watermark_ = 0;
  Caps caps_;
  Stats stats_;
};

}  // namespace cmdsentry::sigma
