#include "rules/condition.h"

#include <cctype>

#include "cmdline/text.h"
#include "core/ascii.h"

namespace cmdsentry::rules {
namespace {

struct Token {
  enum class Kind : std::uint8_t { kWord, kOpen, kClose, kEnd };
  Kind kind = Kind::kEnd;
  std::string_view text;
  std::size_t at = 0;
};

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.' ||
         c == '*' || c == '?';
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { next(); }

  Result<Condition> parse() {
    auto c = or_expr(0);
    if (!c) return c;
    if (tok_.kind != Token::Kind::kEnd) return error("unexpected text after the condition");
    return c;
  }

 private:
  void next() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0)
      ++pos_;
    tok_.at = pos_;
    if (pos_ >= text_.size()) {
      tok_ = {Token::Kind::kEnd, {}, pos_};
      return;
    }
    const char c = text_[pos_];
    if (c == '(' || c == ')') {
      tok_ = {c == '(' ? Token::Kind::kOpen : Token::Kind::kClose, text_.substr(pos_, 1), pos_};
      ++pos_;
      return;
    }
    std::size_t end = pos_;
    while (end < text_.size() && word_char(text_[end])) ++end;
    if (end == pos_) end = pos_ + 1;  // a stray character: reported by the caller as a word
    tok_ = {Token::Kind::kWord, text_.substr(pos_, end - pos_), pos_};
    pos_ = end;
  }
  bool is_word(std::string_view w) const {
    return tok_.kind == Token::Kind::kWord && iequals(tok_.text, w);
  }
  tl::unexpected<Error> error(std::string message) const {
    return fail(ErrorCode::kInvalidArgument, std::move(message), tok_.at);
  }

  Result<Condition> or_expr(std::size_t depth) { return binary(depth, "or", Condition::Kind::kOr); }
  Result<Condition> and_expr(std::size_t depth) {
    return binary(depth, "and", Condition::Kind::kAnd);
  }

  Result<Condition> binary(std::size_t depth, std::string_view op, Condition::Kind kind) {
    auto first = kind == Condition::Kind::kOr ? and_expr(depth) : not_expr(depth);
    if (!first) return first;
    if (!is_word(op)) return first;
    Condition node;
    node.kind = kind;
    node.kids.push_back(std::move(*first));
    while (is_word(op)) {
      next();
      auto rhs = kind == Condition::Kind::kOr ? and_expr(depth) : not_expr(depth);
      if (!rhs) return rhs;
      node.kids.push_back(std::move(*rhs));
    }
    return node;
  }

  Result<Condition> not_expr(std::size_t depth) {
    if (depth >= kMaxConditionDepth) return error("condition nested too deeply");
    if (is_word("not")) {
      next();
      auto inner = not_expr(depth + 1);
      if (!inner) return inner;
      Condition node;
      node.kind = Condition::Kind::kNot;
      node.kids.push_back(std::move(*inner));
      return node;
    }
    return primary(depth);
  }

  static bool keyword(std::string_view w) {
    return iequals(w, "and") || iequals(w, "or") || iequals(w, "not") || iequals(w, "of") ||
           iequals(w, "them");
  }

  Result<Condition> primary(std::size_t depth) {
    if (tok_.kind == Token::Kind::kOpen) {
      next();
      auto inner = or_expr(depth + 1);
      if (!inner) return inner;
      if (tok_.kind != Token::Kind::kClose) return error("missing ')'");
      next();
      return inner;
    }
    if (tok_.kind != Token::Kind::kWord) {
      return error(tok_.kind == Token::Kind::kEnd ? "condition ends early" : "unexpected ')'");
    }
    const std::string_view w = tok_.text;
    const bool all = iequals(w, "all");
    const bool any = iequals(w, "any");
    bool number = !w.empty();
    for (char c : w) number = number && std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (all || any || number) {
      const std::size_t at = tok_.at;
      next();
      if (is_word("of")) {
        next();
        if (tok_.kind != Token::Kind::kWord ||
            (keyword(tok_.text) && !iequals(tok_.text, "them"))) {
          return error("expected 'them' or a detection name pattern after 'of'");
        }
        Condition node;
        node.kind = Condition::Kind::kOf;
        node.name = iequals(tok_.text, "them") ? "them" : std::string(tok_.text);
        if (all) {
          node.count = 0;
        } else if (number) {
          if (w.size() > 6) return fail(ErrorCode::kLimit, "quantifier too large", at);
          node.count = static_cast<std::uint32_t>(std::stoul(std::string(w)));
          if (node.count == 0) return fail(ErrorCode::kInvalidArgument, "'0 of' is never true", at);
        }
        next();
        return node;
      }
      if (all || any)
        return fail(ErrorCode::kInvalidArgument, "expected 'of' after quantifier", at);
      Condition ref;  // a detection named with digits only
      ref.name = std::string(w);
      return ref;
    }
    if (keyword(w)) return error("unexpected '" + std::string(w) + "'");
    for (char c : w) {
      if (c == '*' || c == '?') return error("wildcards are allowed only after '1 of' / 'all of'");
      if (!word_char(c)) return error("unexpected character '" + std::string(1, c) + "'");
    }
    Condition ref;
    ref.name = std::string(w);
    next();
    return ref;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  Token tok_;
};

}  // namespace

Result<Condition> parse_condition(std::string_view text) {
  if (text.size() > kMaxConditionLength) return fail(ErrorCode::kLimit, "condition too long");
  return Parser(text).parse();
}

bool name_matches(std::string_view pattern, std::string_view name) {
  return cmdline::glob_match(pattern, name);
}

}  // namespace cmdsentry::rules
