#include "sigma/values.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "core/ascii.h"
#include "core/limits.h"
#include "core/utf.h"
#include "sigma/fields.h"

namespace cmdsentry::sigma {
namespace {

// ---- the wildcard string ----------------------------------------------------------------

enum class Wild : std::uint8_t { kNone, kStar, kOne };
struct Piece {
  char c = 0;
  Wild w = Wild::kNone;
};
using Pattern = std::vector<Piece>;

Pattern parse_pattern(std::string_view s) {
  Pattern p;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
      p.push_back({s[++i], Wild::kNone});
    } else if (c == '*') {
      if (p.empty() || p.back().w != Wild::kStar) p.push_back({0, Wild::kStar});
    } else if (c == '?') {
      p.push_back({0, Wild::kOne});
    } else {
      p.push_back({c, Wild::kNone});
    }
  }
  return p;
}

bool has_wildcard(const Pattern& p) {
  for (const Piece& x : p) {
    if (x.w != Wild::kNone) return true;
  }
  return false;
}

std::string literal_of(const Pattern& p) {
  std::string s;
  for (const Piece& x : p) s += x.c;
  return s;
}

Pattern from_literal(std::string_view s) {
  Pattern p;
  for (char c : s) p.push_back({c, Wild::kNone});
  return p;
}

void star_front(Pattern& p) {
  if (p.empty() || p.front().w != Wild::kStar) p.insert(p.begin(), {0, Wild::kStar});
}
void star_back(Pattern& p) {
  if (p.empty() || p.back().w != Wild::kStar) p.push_back({0, Wild::kStar});
}

// ---- transformations ----------------------------------------------------------------------

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8) |
                   static_cast<unsigned char>(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kBase64[(n >> k) & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += rest == 2 ? kBase64[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

/// The three encodings of `value` preceded by 0, 1 or 2 unknown bytes, each cut to the
/// characters that do not depend on the bytes around it: the leading characters that mix in
/// the unknown bytes (0, 2 or 3) and the trailing ones that mix in the next unknown byte or
/// padding (none, 3 or 2 by the encoded length modulo 3).
std::vector<std::string> base64_offsets(std::string_view value) {
  constexpr std::array<std::size_t, 3> kCutFront{0, 2, 3};
  constexpr std::array<std::size_t, 3> kCutBack{0, 3, 2};
  std::vector<std::string> out;
  for (std::size_t shift = 0; shift < 3; ++shift) {
    const std::string enc = base64(std::string(shift, ' ') + std::string(value));
    const std::size_t front = kCutFront[shift];
    const std::size_t back = kCutBack[(value.size() + shift) % 3];
    if (enc.size() <= front + back) continue;
    out.push_back(enc.substr(front, enc.size() - front - back));
  }
  return out;
}

/// UTF-16 re-encoding of the literal runs; '?' becomes two ('?' is one byte after encoding).
Pattern utf16(const Pattern& p, bool big_endian, bool bom) {
  Pattern out;
  if (bom) {
    out.push_back({static_cast<char>(big_endian ? 0xFE : 0xFF), Wild::kNone});
    out.push_back({static_cast<char>(big_endian ? 0xFF : 0xFE), Wild::kNone});
  }
  std::string run;
  auto flush = [&] {
    for (char16_t u : utf8_to_utf16(run)) {
      const char lo = static_cast<char>(u & 0xFF);
      const char hi = static_cast<char>(u >> 8);
      out.push_back({big_endian ? hi : lo, Wild::kNone});
      out.push_back({big_endian ? lo : hi, Wild::kNone});
    }
    run.clear();
  };
  for (const Piece& x : p) {
    if (x.w == Wild::kNone) {
      run += x.c;
      continue;
    }
    flush();
    out.push_back(x);
    if (x.w == Wild::kOne) out.push_back(x);
  }
  flush();
  return out;
}

bool word_char(const Piece& x) {
  if (x.w != Wild::kNone) return false;
  const auto c = static_cast<unsigned char>(x.c);
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c >= 0x80;
}

constexpr std::array<std::string_view, 5> kDashes{"-", "/", "\xE2\x80\x93", "\xE2\x80\x94",
                                                  "\xE2\x80\x95"};

/// Every combination of dash characters at the flag positions of `p`, appended to `out`.
[[nodiscard]] Result<void> windash(const Pattern& p, std::vector<Pattern>& out,
                                   std::size_t budget) {
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const Piece& x = p[i];
    if (x.w != Wild::kNone || (x.c != '-' && x.c != '/')) continue;
    const bool starts = i == 0 || !word_char(p[i - 1]);
    if (starts && i + 1 < p.size() && word_char(p[i + 1])) at.push_back(i);
  }
  std::size_t combos = 1;
  for (std::size_t k = 0; k < at.size(); ++k) {
    combos *= kDashes.size();
    if (combos > budget) {
      return fail(ErrorCode::kLimit, "windash: too many combinations of flag dashes");
    }
  }
  for (std::size_t n = 0; n < combos; ++n) {
    Pattern q;
    std::size_t digits = n;
    std::size_t next = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (next < at.size() && at[next] == i) {
        for (char c : kDashes[digits % kDashes.size()]) q.push_back({c, Wild::kNone});
        digits /= kDashes.size();
        ++next;
      } else {
        q.push_back(p[i]);
      }
    }
    out.push_back(std::move(q));
  }
  return {};
}

/// Replaces %name% placeholders (`\%` is a plain percent sign) with every combination of the
/// placeholders' values.
[[nodiscard]] Result<std::vector<std::string>> expand(std::string_view text,
                                                      const Placeholders& ph) {
  std::vector<std::string> out{std::string()};
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '%') {
      for (auto& s : out) s += '%';
      ++i;
      continue;
    }
    const std::size_t end = text[i] == '%' ? text.find('%', i + 1) : std::string_view::npos;
    if (end == std::string_view::npos) {
      for (auto& s : out) s += text[i];
      continue;
    }
    const std::string name(text.substr(i + 1, end - i - 1));
    auto it = ph.find(name);
    if (it == ph.end() || it->second.empty()) {
      return fail(ErrorCode::kUnsupported,
                  "placeholder %" + name + "% has no value (cmdsentry does not guess one)");
    }
    if (out.size() * it->second.size() > limits::kMaxSigmaValues) {
      return fail(ErrorCode::kLimit, "expand: too many combinations of placeholder values");
    }
    std::vector<std::string> next;
    for (const auto& s : out) {
      for (const auto& v : it->second) next.push_back(s + v);
    }
    out = std::move(next);
    i = end;
  }
  return out;
}

// ---- the final test ---------------------------------------------------------------------

rules::Value to_value(const Pattern& p, bool cased) {
  rules::Value v;
  v.cased = cased;
  if (p.empty()) {
    v.op = rules::Value::Op::kNull;
    return v;
  }
  const bool lead = p.front().w == Wild::kStar;
  const bool trail = p.size() > 1 && p.back().w == Wild::kStar;
  bool inner = false;
  for (std::size_t i = lead ? 1 : 0; i < p.size() - (trail ? 1 : 0); ++i) {
    if (p[i].w != Wild::kNone) inner = true;
  }
  if (!inner && !(lead && p.size() == 1)) {
    Pattern mid(p.begin() + (lead ? 1 : 0), p.end() - (trail ? 1 : 0));
    v.text = literal_of(mid);
    v.op = lead && trail ? rules::Value::Op::kContains
           : lead        ? rules::Value::Op::kSuffix
           : trail       ? rules::Value::Op::kPrefix
                         : rules::Value::Op::kEquals;
  } else {
    // The glob syntax of rules::Value: '\' escapes '*', '?' and '\' and is plain elsewhere.
    v.op = rules::Value::Op::kGlob;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const Piece& x = p[i];
      if (x.w == Wild::kStar) {
        v.text += '*';
      } else if (x.w == Wild::kOne) {
        v.text += '?';
      } else if (x.c == '*' || x.c == '?') {
        v.text += '\\';
        v.text += x.c;
      } else if (x.c == '\\') {
        const bool before_special =
            i + 1 < p.size() && (p[i + 1].w != Wild::kNone || p[i + 1].c == '*' ||
                                 p[i + 1].c == '?' || p[i + 1].c == '\\');
        v.text += before_special ? "\\\\" : "\\";
      } else {
        v.text += x.c;
      }
    }
  }
  if (!cased) v.text = to_lower(v.text);
  return v;
}

std::optional<double> number_of(std::string_view s) {
  s = trim(s);
  if (s.starts_with("0x") || s.starts_with("0X")) {
    std::uint64_t u = 0;
    auto [p, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), u, 16);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return static_cast<double>(u);
  }
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return d;
}

[[nodiscard]] Result<rules::Value> cidr_value(std::string_view text) {
  rules::Value v;
  v.op = rules::Value::Op::kCidr;
  std::string t(trim(text));
  unsigned bits = 0;
  const std::size_t slash = t.find('/');
  std::string addr = t.substr(0, slash);
  v.cidr_v6 = addr.find(':') != std::string::npos;
  const unsigned max_bits = v.cidr_v6 ? 128 : 32;
  bits = max_bits;
  if (slash != std::string::npos) {
    const std::string_view b = std::string_view(t).substr(slash + 1);
    auto [p, ec] = std::from_chars(b.data(), b.data() + b.size(), bits);
    if (ec != std::errc() || p != b.data() + b.size() || bits > max_bits) {
      return fail(ErrorCode::kInvalidArgument, "cidr: bad prefix length in '" + t + "'");
    }
  }
  if (inet_pton(v.cidr_v6 ? AF_INET6 : AF_INET, addr.c_str(), v.cidr) != 1) {
    return fail(ErrorCode::kInvalidArgument, "cidr: '" + t + "' is not an IP network");
  }
  v.cidr_bits = static_cast<std::uint8_t>(bits);
  return v;
}

enum class Type : std::uint8_t { kString, kRegex, kCidr, kExists, kFieldRef, kNumber };

struct Modifiers {
  Type type = Type::kString;
  rules::Value::Op number_op = rules::Value::Op::kGt;
  std::uint8_t regex_flags = 0;
  bool all = false;
  bool cased = false;
  bool expand = false;
  bool placed = false;                       ///< contains, startswith or endswith given
  std::vector<std::string_view> transforms;  ///< in order
};

[[nodiscard]] Result<Modifiers> read_modifiers(const std::vector<std::string>& mods) {
  Modifiers m;
  auto set_type = [&](Type t, std::string_view name) -> Result<void> {
    if (m.type != Type::kString) {
      return fail(ErrorCode::kInvalidArgument,
                  "modifier '" + std::string(name) + "' conflicts with an earlier type modifier");
    }
    m.type = t;
    return {};
  };
  for (const std::string& name : mods) {
    Result<void> ok;
    if (name == "re") {
      ok = set_type(Type::kRegex, name);
    } else if (name == "i" || name == "m" || name == "s") {
      if (m.type != Type::kRegex) {
        return fail(ErrorCode::kInvalidArgument, "modifier '" + name + "' needs 're' before it");
      }
      m.regex_flags |= name == "i"   ? rules::Regex::kCaseless
                       : name == "m" ? rules::Regex::kMultiline
                                     : rules::Regex::kDotAll;
    } else if (name == "cidr") {
      ok = set_type(Type::kCidr, name);
    } else if (name == "exists") {
      ok = set_type(Type::kExists, name);
    } else if (name == "fieldref") {
      ok = set_type(Type::kFieldRef, name);
    } else if (name == "gt" || name == "gte" || name == "lt" || name == "lte") {
      ok = set_type(Type::kNumber, name);
      m.number_op = name == "gt"    ? rules::Value::Op::kGt
                    : name == "gte" ? rules::Value::Op::kGte
                    : name == "lt"  ? rules::Value::Op::kLt
                                    : rules::Value::Op::kLte;
    } else if (name == "all") {
      m.all = true;
    } else if (name == "cased") {
      m.cased = true;
    } else if (name == "expand") {
      m.expand = true;
    } else if (name == "contains" || name == "startswith" || name == "endswith") {
      m.placed = true;
      m.transforms.push_back(name);
    } else if (name == "windash" || name == "base64" || name == "base64offset" ||
               name == "utf16le" || name == "wide" || name == "utf16be" || name == "utf16") {
      m.transforms.push_back(name);
    } else if (name == "neq" || name == "minute" || name == "hour" || name == "day" ||
               name == "week" || name == "month" || name == "year") {
      return fail(ErrorCode::kUnsupported, "modifier '" + name + "' is not supported");
    } else {
      return fail(ErrorCode::kInvalidArgument, "unknown modifier '" + name + "'");
    }
    if (!ok) return tl::unexpected(ok.error());
  }
  if (m.type == Type::kFieldRef) {
    for (std::string_view t : m.transforms) {
      if (t != "contains" && t != "startswith" && t != "endswith") {
        return fail(ErrorCode::kInvalidArgument,
                    "modifier '" + std::string(t) + "' cannot apply to a field reference");
      }
    }
  } else if (m.type != Type::kString && !m.transforms.empty()) {
    return fail(ErrorCode::kInvalidArgument, "modifier '" + std::string(m.transforms.front()) +
                                                 "' cannot apply to this kind of value");
  }
  return m;
}

/// One string value through the transformations, as its alternatives.
[[nodiscard]] Result<std::vector<Pattern>> transform(std::string_view text, const Modifiers& m,
                                                     bool keyword, std::size_t budget) {
  std::vector<Pattern> alts{parse_pattern(text)};
  for (std::string_view t : m.transforms) {
    std::vector<Pattern> next;
    for (Pattern& p : alts) {
      if (t == "contains") {
        star_front(p);
        star_back(p);
      } else if (t == "startswith") {
        star_back(p);
      } else if (t == "endswith") {
        star_front(p);
      } else if (t == "windash") {
        auto ok = windash(p, next, budget);
        if (!ok) return tl::unexpected(ok.error());
        continue;
      } else if (t == "base64" || t == "base64offset") {
        if (has_wildcard(p)) {
          return fail(ErrorCode::kInvalidArgument,
                      std::string(t) + " of a value with wildcards (put contains after it)");
        }
        const std::string lit = literal_of(p);
        if (lit.empty()) return fail(ErrorCode::kInvalidArgument, std::string(t) + " of ''");
        if (t == "base64") {
          next.push_back(from_literal(base64(lit)));
        } else {
          for (const std::string& s : base64_offsets(lit)) next.push_back(from_literal(s));
        }
        continue;
      } else {
        p = utf16(p, t == "utf16be", t == "utf16");
      }
      next.push_back(std::move(p));
    }
    if (next.size() > budget) {
      return fail(ErrorCode::kLimit,
                  "modifiers expand past " + std::to_string(limits::kMaxSigmaValues) + " values");
    }
    alts = std::move(next);
  }
  if (keyword && !m.placed) {
    for (Pattern& p : alts) {
      star_front(p);
      star_back(p);
    }
  }
  return alts;
}

bool encodes(const Modifiers& m) {
  for (std::string_view t : m.transforms) {
    if (t != "contains" && t != "startswith" && t != "endswith" && t != "windash") return true;
  }
  return false;
}

[[nodiscard]] Result<std::vector<rules::Value>> typed_value(const std::string& text,
                                                            const Modifiers& m) {
  rules::Value v;
  v.cased = m.cased;
  switch (m.type) {
    case Type::kRegex: {
      auto re = rules::Regex::compile(text, m.regex_flags);
      if (!re) return tl::unexpected(re.error());
      // Sigma's regex flavor has no back-references or look-around; patterns Vectorscan refuses
      // would run on std::regex, whose recursion grows with the text matched (a long command
      // line could exhaust the stack).
      if ((*re)->database() == nullptr) {
        return fail(ErrorCode::kUnsupported,
                    "regular expression outside Sigma's flavor (back-references or look-around)");
      }
      v.op = rules::Value::Op::kRegex;
      v.regex = std::move(*re);
      break;
    }
    case Type::kCidr: {
      auto c = cidr_value(text);
      if (!c) return tl::unexpected(c.error());
      v = std::move(*c);
      break;
    }
    case Type::kExists: {
      const std::string t = to_lower(trim(text));
      if (t != "true" && t != "false" && t != "yes" && t != "no") {
        return fail(ErrorCode::kInvalidArgument, "exists needs true or false, not '" + text + "'");
      }
      v.op = rules::Value::Op::kExists;
      v.exists = t == "true" || t == "yes";
      break;
    }
    case Type::kFieldRef: {
      v.op = rules::Value::Op::kFieldRef;
      v.ref = {text, static_cast<std::uint16_t>(field_of(text))};
      bool front = false;
      bool back = false;
      for (std::string_view t : m.transforms) {
        front |= t == "contains" || t == "endswith";
        back |= t == "contains" || t == "startswith";
      }
      v.ref_op = front && back ? rules::Value::Op::kContains
                 : front       ? rules::Value::Op::kSuffix
                 : back        ? rules::Value::Op::kPrefix
                               : rules::Value::Op::kEquals;
      break;
    }
    case Type::kNumber: {
      const auto n = number_of(text);
      if (!n) return fail(ErrorCode::kInvalidArgument, "'" + text + "' is not a number");
      v.op = m.number_op;
      v.number = *n;
      break;
    }
    case Type::kString:
      break;
  }
  return std::vector<rules::Value>{std::move(v)};
}

}  // namespace

bool add_placeholder(std::string_view assignment, Placeholders& out) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  std::string_view name = assignment.substr(0, eq);
  if (name.size() > 2 && name.front() == '%' && name.back() == '%') {
    name = name.substr(1, name.size() - 2);
  }
  out[std::string(name)].emplace_back(assignment.substr(eq + 1));
  return true;
}

Result<std::vector<rules::FieldTest>> compile_field(std::string_view field,
                                                    const std::vector<std::string>& modifiers,
                                                    const std::vector<SigmaValue>& values,
                                                    const Placeholders& placeholders) {
  auto mods = read_modifiers(modifiers);
  if (!mods) return tl::unexpected(mods.error());
  const Modifiers& m = *mods;
  const bool keyword = field.empty();
  if (values.empty()) return fail(ErrorCode::kInvalidArgument, "a field with no values");
  if (keyword && (m.type == Type::kExists || m.type == Type::kFieldRef)) {
    return fail(ErrorCode::kInvalidArgument, "keywords cannot use exists or fieldref");
  }
  const rules::FieldRef ref{std::string(field), static_cast<std::uint16_t>(field_of(field))};
  std::vector<std::vector<rules::Value>> per_value;
  std::size_t total = 0;
  for (const SigmaValue& raw : values) {
    std::vector<rules::Value> alts;
    if (!raw) {
      if (m.type != Type::kString || keyword) {
        return fail(ErrorCode::kInvalidArgument, "null cannot be used here");
      }
      rules::Value v;
      v.op = rules::Value::Op::kNull;
      alts.push_back(v);
    } else if (raw->size() > limits::kMaxSigmaValueBytes) {
      return fail(ErrorCode::kLimit,
                  "a value longer than " + std::to_string(limits::kMaxSigmaValueBytes) + " bytes");
    } else if (m.type != Type::kString) {
      auto t = typed_value(*raw, m);
      if (!t) return tl::unexpected(t.error());
      alts = std::move(*t);
    } else {
      std::vector<std::string> texts{*raw};
      if (m.expand) {
        auto e = expand(*raw, placeholders);
        if (!e) return tl::unexpected(e.error());
        texts = std::move(*e);
      }
      const bool cased = m.cased || encodes(m);
      for (const std::string& text : texts) {
        if (keyword && text.empty()) return fail(ErrorCode::kInvalidArgument, "an empty keyword");
        auto pats = transform(text, m, keyword, limits::kMaxSigmaValues - total);
        if (!pats) return tl::unexpected(pats.error());
        for (const Pattern& p : *pats) alts.push_back(to_value(p, cased));
      }
    }
    total += alts.size();
    if (total > limits::kMaxSigmaValues) {
      return fail(ErrorCode::kLimit,
                  "modifiers expand past " + std::to_string(limits::kMaxSigmaValues) + " values");
    }
    per_value.push_back(std::move(alts));
  }
  std::vector<rules::FieldTest> out;
  bool single = true;
  for (const auto& alts : per_value) single = single && alts.size() == 1;
  if (!m.all || single) {
    rules::FieldTest t{ref, {}, m.all && per_value.size() > 1};
    for (auto& alts : per_value) {
      for (auto& v : alts) t.values.push_back(std::move(v));
    }
    out.push_back(std::move(t));
    return out;
  }
  // `all` over values that expanded into alternatives: one test per value, all required.
  for (auto& alts : per_value) out.push_back(rules::FieldTest{ref, std::move(alts), false});
  return out;
}

}  // namespace cmdsentry::sigma
