#pragma once
/// Rule conditions: a boolean expression over named detections, parsed into an AST.
///
/// Grammar (Sigma specification v2, "condition"), lowest precedence first:
///
///   condition  = or_expr ;
///   or_expr    = and_expr { "or" and_expr } ;
///   and_expr   = not_expr { "and" not_expr } ;
///   not_expr   = "not" not_expr | primary ;
///   primary    = "(" or_expr ")" | quantified | identifier ;
///   quantified = ( "1" | "all" | "any" | number ) "of" ( "them" | pattern ) ;
///   identifier = ( letter | digit | "_" | "-" | "." )+ ;   (not a keyword)
///   pattern    = identifier with "*" wildcards ;
///
/// Keywords are case-insensitive. "1 of X" is true when at least one detection whose name
/// matches X is true; "all of X" when every one is; "them" is every detection except those
/// whose name starts with "_" (the spec's convention for helper detections).
///
/// Parsing is bounded: nesting depth is capped (kMaxConditionDepth) and the text length too.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace cmdsentry::rules {

inline constexpr std::size_t kMaxConditionDepth = 64;
inline constexpr std::size_t kMaxConditionLength = 16 * 1024;

/// One node of a condition.
struct Condition {
  enum class Kind : std::uint8_t { kRef, kAnd, kOr, kNot, kOf };
  Kind kind = Kind::kRef;
  std::string name;             ///< kRef: detection name; kOf: pattern or "them"
  std::uint32_t count = 1;      ///< kOf: how many must hold; 0 means all
  std::vector<Condition> kids;  ///< kAnd/kOr: two or more; kNot: one
};

/// Parses a condition; the error's offset is the 0-based column of the problem.
[[nodiscard]] Result<Condition> parse_condition(std::string_view text);

/// A glob over detection names ("selection_*"): '*' any run, '?' one character (ASCII
/// case-insensitive, as cmdline::glob_match).
[[nodiscard]] bool name_matches(std::string_view pattern, std::string_view name);

}  // namespace cmdsentry::rules
