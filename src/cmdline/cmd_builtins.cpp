#include "cmdline/cmd_builtins.h"

#include <array>

#include "cmdline/text.h"

namespace cmdsentry::cmdline {
namespace {

// Reads one blank-separated token (quotes keep blanks inside); advances `pos`.
std::string_view next_token(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && is_blank(s[pos])) ++pos;
  const std::size_t start = pos;
  bool q = false;
  while (pos < s.size() && (q || !is_blank(s[pos]))) {
    if (s[pos] == '"') q = !q;
    ++pos;
  }
  return s.substr(start, pos - start);
}

std::string_view rest_from(std::string_view s, std::size_t pos) {
  while (pos < s.size() && is_blank(s[pos])) ++pos;
  return s.substr(pos);
}

constexpr std::array<std::string_view, 6> kCompareOps = {"equ", "neq", "lss", "leq", "gtr", "geq"};

}  // namespace

std::string_view if_body(std::string_view rest) {
  std::size_t pos = 0;
  std::string_view tok = next_token(rest, pos);
  if (iequals(tok, "/i")) tok = next_token(rest, pos);
  if (iequals(tok, "not")) tok = next_token(rest, pos);
  if (iequals(tok, "exist") || iequals(tok, "defined") || iequals(tok, "errorlevel") ||
      iequals(tok, "cmdextversion")) {
    (void)next_token(rest, pos);
    return rest_from(rest, pos);
  }
  const std::size_t eq = tok.find("==");
  if (eq != std::string_view::npos) {
    if (eq + 2 == tok.size()) (void)next_token(rest, pos);  // "a== b"
    return rest_from(rest, pos);
  }
  std::size_t save = pos;
  std::string_view op = next_token(rest, pos);
  if (op.starts_with("==")) {
    if (op.size() == 2) (void)next_token(rest, pos);  // "a == b"
    return rest_from(rest, pos);
  }
  for (std::string_view k : kCompareOps) {
    if (iequals(op, k)) {
      (void)next_token(rest, pos);
      return rest_from(rest, pos);
    }
  }
  (void)save;
  return {};
}

std::optional<ForLoop> for_loop(std::string_view rest) {
  // Find " in (" outside quotes.
  bool q = false;
  std::size_t open = std::string_view::npos;
  for (std::size_t i = 0; i + 3 < rest.size(); ++i) {
    if (rest[i] == '"') q = !q;
    if (q || !is_blank(rest[i])) continue;
    if (iequals(rest.substr(i + 1, 2), "in") && (is_blank(rest[i + 3]) || rest[i + 3] == '(')) {
      std::size_t j = i + 3;
      while (j < rest.size() && is_blank(rest[j])) ++j;
      if (j < rest.size() && rest[j] == '(') {
        open = j;
        break;
      }
    }
  }
  if (open == std::string_view::npos) return std::nullopt;
  // Matching ')' (quotes of all three kinds protect parentheses inside the set).
  char quote = 0;
  int depth = 0;
  std::size_t close = std::string_view::npos;
  for (std::size_t i = open; i < rest.size(); ++i) {
    const char c = rest[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      close = i;
      break;
    }
  }
  if (close == std::string_view::npos) return std::nullopt;
  std::size_t pos = close + 1;
  const std::string_view d = next_token(rest, pos);
  if (!iequals(d, "do")) return std::nullopt;
  ForLoop loop;
  loop.body = rest_from(rest, pos);
  const std::string_view set = trim(rest.substr(open + 1, close - open - 1));
  const bool is_f = ifind(rest.substr(0, open), "/f") != std::string_view::npos;
  if (is_f && set.size() >= 2 && (set.front() == '\'' || set.front() == '`') &&
      set.back() == set.front()) {
    loop.set_command = set.substr(1, set.size() - 2);
  }
  return loop;
}

std::string_view start_target(std::string_view rest) {
  std::size_t pos = 0;
  bool title = false;
  for (;;) {
    const std::size_t before = pos;
    const std::string_view tok = next_token(rest, pos);
    if (tok.empty()) return {};
    if (!title && tok.front() == '"') {  // the first quoted argument is the window title
      title = true;
      continue;
    }
    if (tok.front() != '/') return rest_from(rest, before);
    if (iequals(tok, "/d") || iequals(tok, "/node") || iequals(tok, "/affinity")) {
      (void)next_token(rest, pos);
    }
  }
}

std::optional<SetAssignment> parse_set(std::string_view rest) {
  rest = trim(rest);
  if (rest.empty() || rest.front() == '/') return std::nullopt;
  if (rest.front() == '"') {
    rest.remove_prefix(1);
    const std::size_t last = rest.rfind('"');
    if (last != std::string_view::npos) rest = rest.substr(0, last);
  }
  const std::size_t eq = rest.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  return SetAssignment{std::string(rest.substr(0, eq)), std::string(rest.substr(eq + 1))};
}

}  // namespace cmdsentry::cmdline
