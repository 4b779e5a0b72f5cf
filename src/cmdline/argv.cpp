#include "cmdline/argv.h"

#include "core/ascii.h"

#include "core/limits.h"

namespace cmdsentry::cmdline {
namespace {

std::string_view skip_blanks(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_blank(s[i])) ++i;
  return s.substr(i);
}

}  // namespace

ProgramToken split_program(std::string_view line) {
  ProgramToken tok;
  std::size_t i = 0;
  if (!line.empty() && line[0] == '"') {
    const std::size_t close = line.find('"', 1);
    if (close == std::string_view::npos) {
      tok.program.assign(line.substr(1));
      return tok;
    }
    tok.program.assign(line.substr(1, close - 1));
    i = close + 1;
    // Like CommandLineToArgvW, text glued after the closing quote starts the next argument.
  } else {
    while (i < line.size() && !is_blank(line[i])) ++i;
    tok.program.assign(line.substr(0, i));
  }
  tok.rest = skip_blanks(line.substr(i));
  return tok;
}

std::vector<std::string> split_args(std::string_view s, bool* truncated) {
  std::vector<std::string> out;
  std::string cur;
  bool in_arg = false;
  int qcount = 0;  // quotes seen in the current run; odd = inside quotes
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (is_blank(c) && qcount == 0) {
      if (in_arg) {
        if (out.size() >= limits::kMaxArgsPerCommand) {
          if (truncated) *truncated = true;
          return out;
        }
        out.push_back(std::move(cur));
        cur.clear();
        in_arg = false;
      }
      ++i;
      continue;
    }
    in_arg = true;
    if (c == '\\') {
      std::size_t n = 0;
      while (i < s.size() && s[i] == '\\') {
        ++n;
        ++i;
      }
      if (i < s.size() && s[i] == '"') {
        cur.append(n / 2, '\\');
        if (n % 2 == 1) {
          cur += '"';
          ++i;
        }
        // even: the quote is handled by the quote branch on the next iteration
      } else {
        cur.append(n, '\\');
      }
      continue;
    }
    if (c == '"') {
      ++qcount;
      ++i;
      while (i < s.size() && s[i] == '"') {
        if (++qcount == 3) {
          cur += '"';
          qcount = 0;
        }
        ++i;
      }
      if (qcount == 2) qcount = 0;
      continue;
    }
    // A run of ordinary characters in one append: inside quotes blanks are ordinary too.
    std::size_t end = i + 1;
    while (end < s.size() && s[end] != '\\' && s[end] != '"' &&
           (qcount != 0 || !is_blank(s[end]))) {
      ++end;
    }
    cur.append(s.data() + i, end - i);
    i = end;
  }
  if (in_arg) {
    if (out.size() >= limits::kMaxArgsPerCommand) {
      if (truncated) *truncated = true;
    } else {
      out.push_back(std::move(cur));
    }
  }
  return out;
}

std::vector<std::string> split_argv(std::string_view line) {
  ProgramToken tok = split_program(line);
  std::vector<std::string> out;
  out.push_back(std::move(tok.program));
  for (auto& a : split_args(tok.rest)) out.push_back(std::move(a));
  return out;
}

}  // namespace cmdsentry::cmdline
