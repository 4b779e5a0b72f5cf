#pragma once
/// RuleSet: compiled rules, frozen, shared by every Matcher; Matcher: one per thread.
///
/// Why a prefilter: a Sigma rule set for process creation holds ~1,200 rules and nearly every
/// one needs some literal ("\\rundll32.exe", "-enc ") to occur in a field. Testing every rule on
/// every event is ~1,200 evaluations per event; instead all rules' required literals of a bucket
/// go into one Vectorscan literal database (caseless), scanned once over the record's values.
/// A rule is evaluated only when one of its literal alternatives was seen, or when no literal
/// is required for it to match (rules with `not`-only or regex-only conditions run always).
///
/// A rule's required literal set comes from its condition: a field test needs one of its
/// values' literals (an OR); AND takes the child with the smallest set; OR needs every child
/// to have a set and unions them; NOT has none. The set is a necessary condition only (each
/// literal is an ASCII-caseless substring of the tested value), so the prefilter never drops a
/// match; the exact evaluation decides.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/rule.h"

struct hs_database;
struct hs_scratch;

namespace cmdsentry::rules {

/// The rules that can fire on one kind of record, with their prefilter.
struct Bucket {
  std::vector<std::uint32_t> rules;       ///< indices into RuleSet::rules()
  std::vector<std::uint32_t> unfiltered;  ///< of `rules` (positions): always evaluated
  std::vector<std::vector<std::uint32_t>> literal_rules;  ///< literal id -> positions in `rules`
  hs_database* db = nullptr;
};

/// Immutable once built.
class RuleSet {
 public:
  /// Builds the buckets and prefilter databases. Fails only when Vectorscan refuses a literal
  /// database (out of memory).
  [[nodiscard]] static Result<std::shared_ptr<const RuleSet>> build(std::vector<Rule> rules);
  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  [[nodiscard]] const std::vector<Rule>& rules() const { return rules_; }
  /// Bucket for a route ("process_creation", a lower-case channel), or null.
  [[nodiscard]] const Bucket* bucket(std::string_view route) const;
  /// Bucket of rules for any record (route ""), or null.
  [[nodiscard]] const Bucket* any_bucket() const { return bucket(""); }
  /// Every Vectorscan database (for scratch allocation).
  [[nodiscard]] const std::vector<hs_database*>& databases() const { return dbs_; }
  /// Rules with no literal prefilter (always evaluated in their bucket).
  [[nodiscard]] std::size_t unfiltered_count() const;

 private:
  RuleSet() = default;
  std::vector<Rule> rules_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::vector<hs_database*> dbs_;
};

/// A rule that matched, with the fields that made it match.
struct RuleHit {
  const Rule* rule = nullptr;
  std::vector<MatchedField> fields;
};

/// Per-thread evaluation state over a shared RuleSet.
class Matcher {
 public:
  explicit Matcher(std::shared_ptr<const RuleSet> set);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  /// Appends the rules of `bucket` matching `record` (event id for the rule's filter).
  void match(const Bucket& bucket, const Record& record, std::uint32_t event_id,
             std::vector<RuleHit>& out);
  /// Exact evaluation of one rule, without the prefilter (tests, rules check).
  [[nodiscard]] bool evaluate(const Rule& rule, const Record& record,
                              std::vector<MatchedField>* fields);

  std::uint64_t evaluated = 0;  ///< exact evaluations run
  std::uint64_t skipped = 0;    ///< rules the prefilter ruled out

 private:
  bool test_field(const FieldTest& t, const Record& r, std::vector<MatchedField>* fields);
  /// `stable`: the value is a view into the record, unchanged during this match() (lowered()
  /// may keep its lower-case copy).
  bool test_value(const Value& v, std::optional<std::string_view> value, const Record& r,
                  bool stable);
  bool eval(const Expr& e, const Rule& rule, const Record& r, std::vector<MatchedField>* fields);
  bool detection(const Detection& d, const Record& r, std::vector<MatchedField>* fields);
  /// `s` in ASCII lower case. A stable value (a view into the record, unchanged during one
  /// match()) is lowered once per match() and reused by every caseless test of every rule;
  /// others (built on demand into scratch buffers that are reused) each time.
  std::string_view lowered(std::string_view s, bool stable);

  std::shared_ptr<const RuleSet> set_;
  hs_scratch* scratch_ = nullptr;
  std::string scratch_text_;
  std::string ref_text_;
  std::vector<std::uint32_t> lit_found_;   ///< literal ids of the bucket found in the record
  std::vector<std::uint32_t> candidates_;  ///< bucket positions of the rules to evaluate
  std::string scan_text_;                  ///< the record's values joined, for the prefilter
  /// lowered(): the values lowered during this match(), their text in lower_text_.
  struct Lowered {
    const char* data;
    std::size_t size;
    std::size_t at;  ///< in lower_text_
  };
  std::vector<Lowered> lowered_;
  std::string lower_text_;
  std::string lower_once_;  ///< lowered() of a value not kept
};

}  // namespace cmdsentry::rules
