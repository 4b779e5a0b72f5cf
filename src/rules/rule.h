#pragma once
/// A compiled rule: detections (field tests over one record) combined by a resolved condition.
/// Built by a front end (src/sigma reads Sigma YAML) and frozen into a RuleSet.
///
/// A value test is one of a few shapes so that the common ones are a plain comparison: exact,
/// prefix, suffix and substring (ASCII case-insensitive unless `cased`), a glob with '*'/'?',
/// a regular expression (Vectorscan, std::regex for what Vectorscan cannot compile), a CIDR
/// range, a number comparison, field existence, a null test and a comparison with another field.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "cmdsentry/finding.h"
#include "rules/condition.h"

struct hs_database;

namespace cmdsentry::rules {

/// A field as the rule names it, with the id a Record resolves it by (front-end defined; 0 when
/// the record should look the name up among its raw fields).
struct FieldRef {
  std::string name;
  std::uint16_t id = 0;
};

/// What a Record gives: field values by reference. Implemented per event kind by the front end.
class Record {
 public:
  virtual ~Record() = default;
  /// The field's value, or nullopt when the record has no such field. `scratch` may hold a value
  /// built on demand (a view into it is returned).
  [[nodiscard]] virtual std::optional<std::string_view> get(const FieldRef& field,
                                                            std::string& scratch) const = 0;
  /// Every value of the record (keyword detections, the literal prefilter).
  virtual void for_each_value(const std::function<void(std::string_view)>& fn) const = 0;
};

/// A compiled regular expression (owned; shared between copies of a value).
class Regex {
 public:
  enum Flags : std::uint8_t { kCaseless = 1, kMultiline = 2, kDotAll = 4 };
  /// Compiles `pattern` (Vectorscan first, else std::regex ECMAScript); the error says why not.
  [[nodiscard]] static Result<std::shared_ptr<Regex>> compile(const std::string& pattern,
                                                              std::uint8_t flags);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  [[nodiscard]] bool search(std::string_view text, void* scratch) const;
  [[nodiscard]] hs_database* database() const { return db_; }

 private:
  Regex() = default;
  hs_database* db_ = nullptr;
  std::optional<std::regex> fallback_;
};

/// One value test.
struct Value {
  enum class Op : std::uint8_t {
    kEquals,
    kPrefix,
    kSuffix,
    kContains,
    kGlob,
    kRegex,
    kCidr,
    kExists,
    kNull,
    kFieldRef,
    kGt,
    kGte,
    kLt,
    kLte,
  };
  Op op = Op::kEquals;
  bool cased = false;  ///< compare bytes exactly (Sigma `cased`, encodings)
  std::string text;    ///< literal (lower-cased unless cased); glob pattern for kGlob
  bool exists = true;  ///< kExists: expected presence
  double number = 0;   ///< kGt..kLte
  FieldRef ref;        ///< kFieldRef: the other field (compared equal, or with ref_op)
  Op ref_op = Op::kEquals;
  std::shared_ptr<Regex> regex;
  std::uint8_t cidr[16] = {};
  std::uint8_t cidr_bits = 0;
  bool cidr_v6 = false;

  /// The literal that must occur in a matching value (for the prefilter), or empty.
  [[nodiscard]] std::string_view required_literal() const;
};

/// A field with its values: any value matches (or all, with `all`).
struct FieldTest {
  FieldRef field;  ///< empty name: a keyword, tested against every value of the record
  std::vector<Value> values;
  bool all = false;
};

/// A detection: alternatives (OR) of field-test groups (AND).
struct Detection {
  std::string name;
  std::vector<std::vector<FieldTest>> alternatives;
};

/// A condition over detection indices (kOf expanded at compile time).
struct Expr {
  enum class Kind : std::uint8_t { kRef, kAnd, kOr, kNot, kAtLeast };
  Kind kind = Kind::kRef;
  std::uint32_t index = 0;  ///< kRef: detection index; kAtLeast: how many kids
  std::vector<Expr> kids;
};

/// Resolves a parsed condition against a rule's detection names.
[[nodiscard]] Result<Expr> resolve(const Condition& c, const std::vector<Detection>& detections);

/// A compiled rule as the engine runs it.
struct Rule {
  // --- identity and reporting ---
  std::string id;
  std::string name;  ///< Sigma `name`: how correlation rules may refer to it (empty: none)
  std::string title;
  std::string status;
  Level level = Level::kMedium;
  std::vector<std::string> tags;
  std::string tactic;                   ///< first ATT&CK tactic of the tags
  std::vector<std::string> techniques;  ///< ATT&CK technique ids of the tags
  std::string file;
  std::uint64_t line = 0;
  // --- where it runs (the RuleSet buckets rules by it) ---
  std::string route;  ///< "process_creation", or a channel (lower case), or "" for any record
  std::vector<std::uint32_t> event_ids;  ///< empty: any
  // --- what it tests ---
  std::vector<Detection> detections;
  std::vector<Expr> conditions;  ///< any true: the rule matches
};

}  // namespace cmdsentry::rules
