#include "rules/rule.h"

#include <hs/hs.h>

namespace cmdsentry::rules {

Result<std::shared_ptr<Regex>> Regex::compile(const std::string& pattern, std::uint8_t flags) {
  std::shared_ptr<Regex> re(new Regex());
  unsigned hs_flags = HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
  if ((flags & kCaseless) != 0) hs_flags |= HS_FLAG_CASELESS;
  if ((flags & kMultiline) != 0) hs_flags |= HS_FLAG_MULTILINE;
  if ((flags & kDotAll) != 0) hs_flags |= HS_FLAG_DOTALL;
  hs_compile_error_t* err = nullptr;
  if (hs_compile(pattern.c_str(), hs_flags, HS_MODE_BLOCK, nullptr, &re->db_, &err) == HS_SUCCESS) {
    return re;
  }
  std::string why = err != nullptr && err->message != nullptr ? err->message : "not compiled";
  hs_free_compile_error(err);
  re->db_ = nullptr;
  // Vectorscan has no back-references or look-around; std::regex (ECMAScript) has them.
  try {
    auto f = std::regex::ECMAScript | std::regex::optimize;
    if ((flags & kCaseless) != 0) f |= std::regex::icase;
    if ((flags & kMultiline) != 0) f |= std::regex::multiline;
    if ((flags & kDotAll) != 0) {
      return fail(ErrorCode::kUnsupported,
                  "regular expression: " + why + " (and the s flag needs Vectorscan)");
    }
    re->fallback_.emplace(pattern, f);
  } catch (const std::regex_error& e) {
    return fail(ErrorCode::kInvalidArgument, "regular expression: " + why + "; " + e.what());
  }
  return re;
}

Regex::~Regex() {
  if (db_ != nullptr) hs_free_database(db_);
}

namespace {
int on_regex_hit(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
  *static_cast<bool*>(ctx) = true;
  return 1;  // stop: one match is enough
}
}  // namespace

bool Regex::search(std::string_view text, void* scratch) const {
  if (db_ != nullptr) {
    bool hit = false;
    hs_scan(db_, text.data(), static_cast<unsigned>(text.size()), 0,
            static_cast<hs_scratch_t*>(scratch), on_regex_hit, &hit);
    return hit;
  }
  return fallback_ && std::regex_search(text.begin(), text.end(), *fallback_);
}

std::string_view Value::required_literal() const {
  switch (op) {
    case Op::kEquals:
    case Op::kPrefix:
    case Op::kSuffix:
    case Op::kContains:
      return text;
    case Op::kGlob: {
      // The longest run of plain characters. An escape (a backslash before '*', '?' or a
      // backslash) ends a run too: the run before it still has to occur in a match, and the
      // literal stays a view of `text`.
      std::string_view best;
      std::size_t start = 0;
      for (std::size_t i = 0; i <= text.size(); ++i) {
        const bool escape = i + 1 < text.size() && text[i] == '\\' &&
                            (text[i + 1] == '*' || text[i + 1] == '?' || text[i + 1] == '\\');
        if (i == text.size() || text[i] == '*' || text[i] == '?' || escape) {
          if (i - start > best.size()) best = std::string_view(text).substr(start, i - start);
          if (escape) ++i;
          start = i + 1;
        }
      }
      return best;
    }
    default:
      return {};
  }
}

namespace {

Result<Expr> resolve_node(const Condition& c, const std::vector<Detection>& ds) {
  Expr e;
  switch (c.kind) {
    case Condition::Kind::kRef: {
      for (std::size_t i = 0; i < ds.size(); ++i) {
        if (ds[i].name == c.name) {
          e.kind = Expr::Kind::kRef;
          e.index = static_cast<std::uint32_t>(i);
          return e;
        }
      }
      return fail(ErrorCode::kInvalidArgument,
                  "condition names '" + c.name + "', which is not a detection");
    }
    case Condition::Kind::kAnd:
    case Condition::Kind::kOr:
    case Condition::Kind::kNot: {
      e.kind = c.kind == Condition::Kind::kAnd  ? Expr::Kind::kAnd
               : c.kind == Condition::Kind::kOr ? Expr::Kind::kOr
                                                : Expr::Kind::kNot;
      for (const Condition& k : c.kids) {
        auto r = resolve_node(k, ds);
        if (!r) return r;
        e.kids.push_back(std::move(*r));
      }
      return e;
    }
    case Condition::Kind::kOf: {
      const bool them = c.name == "them";
      for (std::size_t i = 0; i < ds.size(); ++i) {
        const bool hit = them ? !ds[i].name.starts_with("_") : name_matches(c.name, ds[i].name);
        if (!hit) continue;
        Expr ref;
        ref.index = static_cast<std::uint32_t>(i);
        e.kids.push_back(ref);
      }
      if (e.kids.empty()) {
        return fail(ErrorCode::kInvalidArgument, "'of " + c.name + "' matches no detection");
      }
      const std::size_t need = c.count == 0 ? e.kids.size() : c.count;
      if (need == 1) {
        e.kind = Expr::Kind::kOr;
      } else if (need == e.kids.size()) {
        e.kind = Expr::Kind::kAnd;
      } else {
        e.kind = Expr::Kind::kAtLeast;
        e.index = static_cast<std::uint32_t>(need);
      }
      if (e.kids.size() == 1) return Expr(e.kids.front());
      return e;
    }
  }
  return e;
}

}  // namespace

Result<Expr> resolve(const Condition& c, const std::vector<Detection>& detections) {
  return resolve_node(c, detections);
}

}  // namespace cmdsentry::rules
