#include "rules/ruleset.h"

#include <arpa/inet.h>
#include <hs/hs.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>

#include "core/ascii.h"

namespace cmdsentry::rules {
namespace {

using Literals = std::optional<std::vector<std::string>>;  // nullopt: no literal required

/// Shorter literals than this match nearly every event: the rule is better unfiltered.
constexpr std::size_t kMinLiteral = 3;

Literals test_literals(const FieldTest& t) {
  std::vector<std::string> out;
  if (t.all && !t.values.empty()) {
    // Every value must match: the longest single literal is required.
    std::string_view best;
    for (const Value& v : t.values) {
      if (v.required_literal().size() > best.size()) best = v.required_literal();
    }
    if (best.size() < kMinLiteral) return std::nullopt;
    out.emplace_back(best);
    return out;
  }
  for (const Value& v : t.values) {
    const std::string_view lit = v.required_literal();
    if (lit.size() < kMinLiteral) return std::nullopt;
    out.emplace_back(lit);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

Literals and_of(std::vector<Literals> sets) {
  Literals best;
  for (auto& s : sets) {
    if (s && (!best || s->size() < best->size())) best = std::move(s);
  }
  return best;
}

Literals or_of(std::vector<Literals> sets) {
  std::vector<std::string> out;
  for (auto& s : sets) {
    if (!s) return std::nullopt;
    out.insert(out.end(), s->begin(), s->end());
  }
  if (sets.empty()) return std::nullopt;
  return out;
}

Literals detection_literals(const Detection& d) {
  std::vector<Literals> alts;
  for (const auto& group : d.alternatives) {
    std::vector<Literals> tests;
    for (const FieldTest& t : group) tests.push_back(test_literals(t));
    alts.push_back(and_of(std::move(tests)));
  }
  return or_of(std::move(alts));
}

Literals expr_literals(const Expr& e, const Rule& r) {
  switch (e.kind) {
    case Expr::Kind::kRef:
      return detection_literals(r.detections[e.index]);
    case Expr::Kind::kAnd:
    case Expr::Kind::kAtLeast: {
      // At least k of n: only when every child must hold (k == n, kAnd) can one be picked.
      if (e.kind == Expr::Kind::kAtLeast) {
        std::vector<Literals> kids;
        for (const Expr& k : e.kids) kids.push_back(expr_literals(k, r));
        return or_of(std::move(kids));
      }
      std::vector<Literals> kids;
      for (const Expr& k : e.kids) kids.push_back(expr_literals(k, r));
      return and_of(std::move(kids));
    }
    case Expr::Kind::kOr: {
      std::vector<Literals> kids;
      for (const Expr& k : e.kids) kids.push_back(expr_literals(k, r));
      return or_of(std::move(kids));
    }
    case Expr::Kind::kNot:
      return std::nullopt;
  }
  return std::nullopt;
}

Literals rule_literals(const Rule& r) {
  std::vector<Literals> conds;
  for (const Expr& e : r.conditions) conds.push_back(expr_literals(e, r));
  return or_of(std::move(conds));
}

bool glob_match(std::string_view p, std::string_view s, bool cased) {
  // Iterative wildcard match; '\' escapes the next '*', '?' or '\'.
  std::size_t pi = 0;
  std::size_t si = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  auto eq = [cased](char a, char b) { return cased ? a == b : ascii_lower(a) == ascii_lower(b); };
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = ++pi;
      mark = si;
      continue;
    }
    if (pi < p.size()) {
      char c = p[pi];
      std::size_t width = 1;
      bool any = c == '?';
      if (c == '\\' && pi + 1 < p.size() &&
          (p[pi + 1] == '*' || p[pi + 1] == '?' || p[pi + 1] == '\\')) {
        c = p[pi + 1];
        width = 2;
        any = false;
      }
      if (any || eq(c, s[si])) {
        pi += width;
        ++si;
        continue;
      }
    }
    if (star == std::string_view::npos) return false;
    pi = star;
    si = ++mark;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::optional<double> to_number(std::string_view s) {
  s = trim(s);
  double v = 0;
  if (s.starts_with("0x") || s.starts_with("0X")) {
    std::uint64_t u = 0;
    auto [p, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), u, 16);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return static_cast<double>(u);
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool in_cidr(const Value& v, std::string_view text) {
  std::string ip(trim(text));
  std::uint8_t addr[16] = {};
  if (v.cidr_v6) {
    if (inet_pton(AF_INET6, ip.c_str(), addr) != 1) return false;
  } else if (inet_pton(AF_INET, ip.c_str(), addr) != 1) {
    return false;
  }
  const unsigned bits = v.cidr_bits;
  const unsigned bytes = bits / 8;
  if (std::memcmp(addr, v.cidr, bytes) != 0) return false;
  if (bits % 8 == 0) return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xFF << (8 - bits % 8));
  return (addr[bytes] & mask) == (v.cidr[bytes] & mask);
}

bool compare_text(Value::Op op, std::string_view pattern, std::string_view s, bool cased) {
  switch (op) {
    case Value::Op::kEquals:
      return cased ? s == pattern : iequals(s, pattern);
    case Value::Op::kPrefix:
      return cased ? s.starts_with(pattern) : istarts_with(s, pattern);
    case Value::Op::kSuffix:
      return cased ? s.ends_with(pattern) : iends_with(s, pattern);
    case Value::Op::kContains:
      return cased ? s.find(pattern) != std::string_view::npos
                   : ifind(s, pattern) != std::string_view::npos;
    case Value::Op::kGlob:
      return glob_match(pattern, s, cased);
    default:
      return false;
  }
}

int on_literal(unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
  // HS_FLAG_SINGLEMATCH: each literal id is reported once per scan.
  static_cast<std::vector<std::uint32_t>*>(ctx)->push_back(id);
  return 0;
}

}  // namespace

Result<std::shared_ptr<const RuleSet>> RuleSet::build(std::vector<Rule> rules) {
  std::shared_ptr<RuleSet> set(new RuleSet());
  set->rules_ = std::move(rules);
  std::unordered_map<std::string, std::vector<std::vector<std::string>>>
      literals;  // per bucket, per rule
  for (std::uint32_t i = 0; i < set->rules_.size(); ++i) {
    const Rule& r = set->rules_[i];
    Bucket& b = set->buckets_[r.route];
    const auto pos = static_cast<std::uint32_t>(b.rules.size());
    b.rules.push_back(i);
    Literals lits = rule_literals(r);
    auto& per_rule = literals[r.route];
    per_rule.resize(b.rules.size());
    if (!lits) {
      b.unfiltered.push_back(pos);
      continue;
    }
    per_rule[pos] = std::move(*lits);
  }
  for (auto& [route, b] : set->buckets_) {
    // One literal id per distinct (lower-cased) literal, listing the rules that need it.
    std::unordered_map<std::string, std::uint32_t> ids;
    std::vector<std::string> texts;
    const auto& per_rule = literals[route];
    for (std::uint32_t pos = 0; pos < per_rule.size(); ++pos) {
      for (const std::string& lit : per_rule[pos]) {
        const std::string key = to_lower(lit);
        auto [it, fresh] = ids.emplace(key, static_cast<std::uint32_t>(texts.size()));
        if (fresh) {
          texts.push_back(key);
          b.literal_rules.emplace_back();
        }
        auto& list = b.literal_rules[it->second];
        if (list.empty() || list.back() != pos) list.push_back(pos);
      }
    }
    if (texts.empty()) continue;
    std::vector<const char*> ptrs;
    std::vector<std::size_t> lens;
    std::vector<unsigned> flags(texts.size(), HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
    std::vector<unsigned> hs_ids;
    for (std::uint32_t i = 0; i < texts.size(); ++i) {
      ptrs.push_back(texts[i].data());
      lens.push_back(texts[i].size());
      hs_ids.push_back(i);
    }
    hs_compile_error_t* err = nullptr;
    if (hs_compile_lit_multi(ptrs.data(), flags.data(), hs_ids.data(), lens.data(),
                             static_cast<unsigned>(texts.size()), HS_MODE_BLOCK, nullptr, &b.db,
                             &err) != HS_SUCCESS) {
      std::string why = err != nullptr && err->message != nullptr ? err->message : "failed";
      hs_free_compile_error(err);
      return fail(ErrorCode::kLimit, "literal prefilter: " + why);
    }
    set->dbs_.push_back(b.db);
  }
  for (const Rule& r : set->rules_) {
    auto add = [&](const Value& v) {
      if (v.regex && v.regex->database() != nullptr) set->dbs_.push_back(v.regex->database());
    };
    for (const Detection& d : r.detections) {
      for (const auto& g : d.alternatives) {
        for (const FieldTest& t : g) {
          for (const Value& v : t.values) add(v);
        }
      }
    }
  }
  return std::shared_ptr<const RuleSet>(std::move(set));
}

RuleSet::~RuleSet() {
  for (auto& [route, b] : buckets_) {
    if (b.db != nullptr) hs_free_database(b.db);
  }
}

const Bucket* RuleSet::bucket(std::string_view route) const {
  auto it = buckets_.find(std::string(route));
  return it == buckets_.end() ? nullptr : &it->second;
}

std::size_t RuleSet::unfiltered_count() const {
  std::size_t n = 0;
  for (const auto& [route, b] : buckets_) n += b.unfiltered.size();
  return n;
}

Matcher::Matcher(std::shared_ptr<const RuleSet> set) : set_(std::move(set)) {
  for (hs_database* db : set_->databases()) {
    if (hs_alloc_scratch(db, &scratch_) != HS_SUCCESS) throw std::bad_alloc();
  }
}

Matcher::~Matcher() {
  if (scratch_ != nullptr) hs_free_scratch(scratch_);
}

void Matcher::match(const Bucket& b, const Record& record, std::uint32_t event_id,
                    std::vector<RuleHit>& out) {
  lowered_.clear();
  lower_text_.clear();
  lit_found_.clear();
  if (b.db != nullptr) {
    // One scan over all values joined by newlines, not one per value: a literal is reported once
    // per scan (HS_FLAG_SINGLEMATCH), so short ones (".exe", " -") that occur in most values no
    // longer call back per value, and the per-call setup is paid once. A literal found across
    // two values only adds a candidate; the exact evaluation decides.
    scan_text_.clear();
    record.for_each_value([&](std::string_view v) {
      scan_text_.append(v);
      scan_text_ += '\n';
    });
    hs_scan(b.db, scan_text_.data(), static_cast<unsigned>(scan_text_.size()), 0, scratch_,
            on_literal, &lit_found_);
  }
  // The candidates: the rules without a literal and those of the literals found, in rule order
  // (a walk over only these, not over every rule and literal of the bucket).
  candidates_.assign(b.unfiltered.begin(), b.unfiltered.end());
  for (const std::uint32_t id : lit_found_) {
    candidates_.insert(candidates_.end(), b.literal_rules[id].begin(), b.literal_rules[id].end());
  }
  std::sort(candidates_.begin(), candidates_.end());
  candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
  skipped += b.rules.size() - candidates_.size();
  for (const std::uint32_t pos : candidates_) {
    const Rule& rule = set_->rules()[b.rules[pos]];
    if (!rule.event_ids.empty() &&
        std::find(rule.event_ids.begin(), rule.event_ids.end(), event_id) == rule.event_ids.end()) {
      continue;
    }
    if (!evaluate(rule, record, nullptr)) continue;
    RuleHit hit;
    hit.rule = &rule;
    (void)evaluate(rule, record, &hit.fields);
    out.push_back(std::move(hit));
  }
}

std::string_view Matcher::lowered(std::string_view s, bool stable) {
  if (!stable) {
    lower_once_.assign(s);
    for (char& c : lower_once_) c = ascii_lower(c);
    return lower_once_;
  }
  for (const Lowered& l : lowered_) {
    if (l.data == s.data() && l.size == s.size()) {
      return std::string_view(lower_text_).substr(l.at, l.size);
    }
  }
  const std::size_t at = lower_text_.size();
  lower_text_.append(s);
  for (std::size_t i = at; i < lower_text_.size(); ++i)
    lower_text_[i] = ascii_lower(lower_text_[i]);
  lowered_.push_back({s.data(), s.size(), at});
  return std::string_view(lower_text_).substr(at, s.size());
}

bool Matcher::evaluate(const Rule& rule, const Record& record, std::vector<MatchedField>* fields) {
  ++evaluated;
  for (const Expr& e : rule.conditions) {
    if (eval(e, rule, record, fields)) return true;
  }
  return false;
}

bool Matcher::eval(const Expr& e, const Rule& rule, const Record& r,
                   std::vector<MatchedField>* fields) {
  const std::size_t mark = fields != nullptr ? fields->size() : 0;
  auto undo = [&] {
    if (fields != nullptr) fields->resize(mark);
  };
  switch (e.kind) {
    case Expr::Kind::kRef:
      return detection(rule.detections[e.index], r, fields);
    case Expr::Kind::kAnd:
      for (const Expr& k : e.kids) {
        if (!eval(k, rule, r, fields)) {
          undo();
          return false;
        }
      }
      return true;
    case Expr::Kind::kOr:
      for (const Expr& k : e.kids) {
        if (eval(k, rule, r, fields)) return true;
      }
      return false;
    case Expr::Kind::kNot: {
      const bool v = eval(e.kids.front(), rule, r, nullptr);
      return !v;
    }
    case Expr::Kind::kAtLeast: {
      std::uint32_t n = 0;
      for (const Expr& k : e.kids) {
        if (eval(k, rule, r, fields) && ++n >= e.index) return true;
      }
      undo();
      return false;
    }
  }
  return false;
}

bool Matcher::detection(const Detection& d, const Record& r, std::vector<MatchedField>* fields) {
  for (const auto& group : d.alternatives) {
    const std::size_t mark = fields != nullptr ? fields->size() : 0;
    bool ok = true;
    for (const FieldTest& t : group) {
      if (!test_field(t, r, fields)) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
    if (fields != nullptr) fields->resize(mark);
  }
  return false;
}

bool Matcher::test_field(const FieldTest& t, const Record& r, std::vector<MatchedField>* fields) {
  if (t.field.name.empty()) {
    // Keywords: any value of the record (all values when `all`).
    const Value* found = nullptr;
    std::string_view where;
    std::size_t hits = 0;
    for (const Value& v : t.values) {
      bool hit = false;
      r.for_each_value([&](std::string_view s) {
        if (!hit && test_value(v, s, r, /*stable=*/false)) {
          hit = true;
          where = s;
        }
      });
      if (hit) {
        ++hits;
        found = &v;
        if (!t.all) break;
      } else if (t.all) {
        return false;
      }
    }
    if (hits == 0) return false;
    if (fields != nullptr && found != nullptr) fields->push_back({"keyword", std::string(where)});
    return true;
  }
  const std::optional<std::string_view> value = r.get(t.field, scratch_text_);
  // Not built into scratch_text_ (the SSO buffer inside the object included): a view into the
  // record itself.
  const bool stable = value && (value->data() < scratch_text_.data() ||
                                value->data() >= scratch_text_.data() + scratch_text_.capacity());
  bool ok = false;
  if (t.all) {
    ok = !t.values.empty();
    for (const Value& v : t.values) {
      if (!test_value(v, value, r, stable)) {
        ok = false;
        break;
      }
    }
  } else {
    for (const Value& v : t.values) {
      if (test_value(v, value, r, stable)) {
        ok = true;
        break;
      }
    }
  }
  if (ok && fields != nullptr) {
    fields->push_back({t.field.name, value ? std::string(*value) : std::string()});
  }
  return ok;
}

bool Matcher::test_value(const Value& v, std::optional<std::string_view> value, const Record& r,
                         bool stable) {
  switch (v.op) {
    case Value::Op::kExists:
      return value.has_value() == v.exists;
    case Value::Op::kNull:
      return !value || value->empty();
    default:
      break;
  }
  if (!value) return false;
  const std::string_view s = *value;
  switch (v.op) {
    case Value::Op::kEquals:
    case Value::Op::kPrefix:
    case Value::Op::kSuffix:
    case Value::Op::kContains:
    case Value::Op::kGlob:
      // A caseless literal is lower-cased already: compare it with the lowered value, bytes.
      return v.cased ? compare_text(v.op, v.text, s, true)
                     : compare_text(v.op, v.text, lowered(s, stable), true);
    case Value::Op::kRegex:
      return v.regex->search(s, scratch_);
    case Value::Op::kCidr:
      return in_cidr(v, s);
    case Value::Op::kFieldRef: {
      std::string other_scratch;
      const auto other = r.get(v.ref, other_scratch);
      if (!other) return false;
      return compare_text(v.ref_op, *other, s, v.cased);
    }
    case Value::Op::kGt:
    case Value::Op::kGte:
    case Value::Op::kLt:
    case Value::Op::kLte: {
      const auto n = to_number(s);
      if (!n) return false;
      if (v.op == Value::Op::kGt) return *n > v.number;
      if (v.op == Value::Op::kGte) return *n >= v.number;
      if (v.op == Value::Op::kLt) return *n < v.number;
      return *n <= v.number;
    }
    default:
      return false;
  }
}

}  // namespace cmdsentry::rules
