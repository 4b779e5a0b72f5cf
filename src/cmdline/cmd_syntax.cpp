#include "cmdline/cmd_syntax.h"

#include <algorithm>

#include "cmdline/text.h"
#include "core/limits.h"

namespace cmdsentry::cmdline {
namespace {

inline bool is_separator(char c) { return c == ',' || c == ';' || c == '='; }

// The /s rule: keep the quotes only when the text is exactly one quoted program path.
std::string strip_outer_quotes(std::string_view text, bool strip_s) {
  if (text.empty() || text[0] != '"') return std::string(text);
  const auto quotes = std::count(text.begin(), text.end(), '"');
  if (!strip_s && quotes == 2) {
    // cmd.exe keeps the quotes when the quoted text names an existing program file; without
    // the file system, accept a path with blanks that ends in a program extension and has no
    // switch or earlier program name in it ("C:\Program Files\a.exe").
    const std::size_t close = text.find('"', 1);
    const std::string_view inside = text.substr(1, close - 1);
    auto is_program = [](std::string_view w) {
      return iends_with(w, ".exe") || iends_with(w, ".com") || iends_with(w, ".bat") ||
             iends_with(w, ".cmd");
    };
    bool path_like = is_program(inside) && inside.find_first_of(" \t") != std::string_view::npos;
    std::size_t start = 0;
    while (path_like && start < inside.size()) {
      std::size_t end = inside.find_first_of(" \t", start);
      if (end == std::string_view::npos) break;  // the last word is the program file
      const std::string_view word = inside.substr(start, end - start);
      if (is_program(word) || word.starts_with('/') || word.starts_with('-')) path_like = false;
      start = end + 1;
    }
    if (path_like) return std::string(text);
  }
  std::string out(text.substr(1));
  const std::size_t last = out.rfind('"');
  if (last != std::string::npos) out.erase(last, 1);
  return out;
}

}  // namespace

CmdOptions parse_cmd_options(std::string_view rest) {
  CmdOptions opt;
  std::size_t i = 0;
  while (i < rest.size()) {
    const char c = rest[i];
    if (is_blank(c)) {
      ++i;
      continue;
    }
    if (is_separator(c)) {
      ++opt.separators;
      ++i;
      continue;
    }
    if (c != '/' || i + 1 >= rest.size()) break;
    const char s = static_cast<char>(rest[i + 1] | 0x20);
    if (s == 'c' || s == 'k' || s == 'r') {
      opt.runs_command = true;
      opt.keep = s == 'k';
      std::string_view text = rest.substr(i + 2);
      while (!text.empty() && (is_blank(text[0]) || is_separator(text[0]))) {
        if (is_separator(text[0])) ++opt.separators;
        text.remove_prefix(1);
      }
      opt.command = strip_outer_quotes(text, opt.strip_s);
      return opt;
    }
    // Other switch: /q /d /s /a /u /x /y or one with a value (/e:on /f:off /v:on /t:0a).
    std::size_t j = i + 2;
    while (j < rest.size() && !is_blank(rest[j]) && !is_separator(rest[j]) && rest[j] != '/') ++j;
    const std::string_view sw = rest.substr(i + 1, j - i - 1);
    if (iequals(sw, "q")) opt.quiet = true;
    if (iequals(sw, "s")) opt.strip_s = true;
    if (iequals(sw, "v") || iequals(sw, "v:on")) opt.delayed = true;
    if (iequals(sw, "v:off")) opt.delayed = false;
    i = j;
  }
  return opt;
}

std::vector<SimpleCommand> split_chain(std::string_view line, ChainStats* stats) {
  ChainStats local;
  ChainStats& st = stats ? *stats : local;
  std::vector<SimpleCommand> out;
  SimpleCommand cur;
  bool in_quotes = false;
  bool at_start = true;
  int depth = 0;
  int inline_parens = 0;

  auto finish = [&](bool piped) {
    cur.piped = piped;
    if (!trim(cur.text).empty() || !cur.redirects.empty()) {
      if (out.size() >= limits::kMaxCommandsPerLine) {
        st.count_limit = true;
      } else {
        out.push_back(std::move(cur));
      }
    }
    cur = SimpleCommand{};
    at_start = true;
    inline_parens = 0;
  };

  std::size_t i = 0;
  const std::size_t n = line.size();
  while (i < n) {
    const char c = line[i];
    if (in_quotes) {
      cur.text += c;
      if (c == '"') in_quotes = false;
      ++i;
      continue;
    }
    switch (c) {
      case '"':
        in_quotes = true;
        at_start = false;
        cur.text += c;
        ++i;
        continue;
      case '^':
        ++st.carets;
        if (i + 1 < n) cur.text += line[i + 1];
        at_start = false;
        i += 2;
        continue;
      case '\n':
      case '\r':
        i = n;  // cmd.exe ignores everything after the first line break
        continue;
      case '&':
        finish(false);
        i += (i + 1 < n && line[i + 1] == '&') ? 2 : 1;
        continue;
      case '|':
        if (i + 1 < n && line[i + 1] == '|') {
          finish(false);
          i += 2;
        } else {
          finish(true);
          ++i;
        }
        continue;
      case '(':
        if (at_start && depth < limits::kMaxParenDepth) {
          ++depth;
        } else {
          if (at_start) st.paren_limit = true;
          ++inline_parens;
          cur.text += c;
          at_start = false;
        }
        ++i;
        continue;
      case ')':
        if (inline_parens > 0) {
          --inline_parens;
          cur.text += c;
        } else if (depth > 0) {
          --depth;
          finish(false);
        } else {
          cur.text += c;
        }
        ++i;
        continue;
      case '>':
      case '<': {
        Redirect r;
        // A lone digit just before the operator is the handle (2>nul, 1>file).
        if (!cur.text.empty() && cur.text.back() >= '0' && cur.text.back() <= '9' &&
            (cur.text.size() == 1 || is_blank(cur.text[cur.text.size() - 2]))) {
          r.op += cur.text.back();
          cur.text.pop_back();
        }
        r.op += c;
        ++i;
        if (c == '>' && i < n && line[i] == '>') {
          r.op += '>';
          ++i;
        }
        if (i + 1 < n && line[i] == '&' && line[i + 1] >= '0' && line[i + 1] <= '9') {
          r.op += '&';
          r.op += line[i + 1];
          i += 2;
        } else {
          while (i < n && is_blank(line[i])) ++i;
          bool q = false;
          while (i < n) {
            const char t = line[i];
            if (t == '"') q = !q;
            if (!q && (is_blank(t) || t == '&' || t == '|' || t == '<' || t == '>' || t == '\n' ||
                       t == '\r' || (t == ')' && depth > 0))) {
              break;
            }
            if (!q && t == '^' && i + 1 < n) {
              ++st.carets;
              ++i;
            }
            r.target += line[i];
            ++i;
          }
        }
        cur.redirects.push_back(std::move(r));
        continue;
      }
      default:
        if (!is_blank(c) && !is_separator(c) && c != '@') at_start = false;
        cur.text += c;
        ++i;
    }
  }
  finish(false);
  return out;
}

CommandWord split_command_word(std::string_view text) {
  CommandWord cw;
  std::size_t i = 0;
  while (i < text.size() && (is_blank(text[i]) || is_separator(text[i]) || text[i] == '@')) {
    if (is_separator(text[i])) ++cw.separators;
    ++i;
  }
  bool q = false;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      q = !q;
    } else if (!q && (is_blank(c) || is_separator(c))) {
      break;
    } else if (!q && c == '/' && !cw.raw.empty()) {
      break;
    }
    cw.raw += c;
    ++i;
  }
  for (char c : cw.raw) {
    if (c != '"') cw.word += c;
  }
  const auto quotes = std::count(cw.raw.begin(), cw.raw.end(), '"');
  const bool wrapped = quotes == 2 && cw.raw.front() == '"' && cw.raw.back() == '"';
  cw.odd_quotes = quotes > 0 && !wrapped;
  while (i < text.size() && (is_blank(text[i]) || is_separator(text[i]))) {
    if (is_separator(text[i])) ++cw.separators;
    ++i;
  }
  std::string_view rest = text.substr(i);
  while (!rest.empty() && is_blank(rest.back())) rest.remove_suffix(1);
  cw.rest.assign(rest);
  return cw;
}

}  // namespace cmdsentry::cmdline
