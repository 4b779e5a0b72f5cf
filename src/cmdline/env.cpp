#include "cmdline/env.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

#include "cmdline/text.h"
#include "core/limits.h"

namespace cmdsentry::cmdline {
namespace {

struct Var {
  std::string_view name;
  std::string value;
};

// A typical 64-bit Windows host. Dynamic variables (CD, DATE, TIME, RANDOM, ERRORLEVEL) are
// deliberately absent: their value at the time is unknown, so they stay as written.
const std::array<Var, 33>& default_table() {
  static const std::array<Var, 33> table = {{
      {"allusersprofile", R"(C:\ProgramData)"},
      {"appdata", R"(C:\Users\user\AppData\Roaming)"},
      {"commonprogramfiles", R"(C:\Program Files\Common Files)"},
      {"commonprogramfiles(x86)", R"(C:\Program Files (x86)\Common Files)"},
      {"commonprogramw6432", R"(C:\Program Files\Common Files)"},
      {"computername", "HOST"},
      {"comspec", R"(C:\Windows\system32\cmd.exe)"},
      {"driverdata", R"(C:\Windows\System32\Drivers\DriverData)"},
      {"homedrive", "C:"},
      {"homepath", R"(\Users\user)"},
      {"localappdata", R"(C:\Users\user\AppData\Local)"},
      {"logonserver", R"(\\DC)"},
      {"number_of_processors", "4"},
      {"os", "Windows_NT"},
      {"path",
       R"(C:\Windows\system32;C:\Windows;C:\Windows\System32\Wbem;C:\Windows\System32\WindowsPowerShell\v1.0\)"},
      {"pathext", ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC"},
      {"processor_architecture", "AMD64"},
      {"programdata", R"(C:\ProgramData)"},
      {"programfiles", R"(C:\Program Files)"},
      {"programfiles(x86)", R"(C:\Program Files (x86))"},
      {"programw6432", R"(C:\Program Files)"},
      {"psmodulepath", R"(C:\Windows\system32\WindowsPowerShell\v1.0\Modules)"},
      {"public", R"(C:\Users\Public)"},
      {"systemdrive", "C:"},
      {"systemroot", R"(C:\Windows)"},
      {"temp", R"(C:\Users\user\AppData\Local\Temp)"},
      {"tmp", R"(C:\Users\user\AppData\Local\Temp)"},
      {"userdnsdomain", "CORP.LOCAL"},
      {"userdomain", "CORP"},
      {"username", "user"},
      {"userprofile", R"(C:\Users\user)"},
      {"windir", R"(C:\Windows)"},
      {"onedrive", R"(C:\Users\user\OneDrive)"},
  }};
  return table;
}

std::optional<int> parse_int(std::string_view s) {
  s = trim(s);
  int v = 0;
  if (s.empty()) return 0;  // cmd treats a missing number as 0
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return neg ? -v : v;
}

// Applies a modifier (text after ':'); nullopt when it is not a valid modifier.
std::optional<std::string> apply_modifier(const std::string& value, std::string_view mod,
                                          ExpandStats& st) {
  if (!mod.empty() && mod[0] == '~') {
    mod.remove_prefix(1);
    const std::size_t comma = mod.find(',');
    auto start = parse_int(mod.substr(0, comma));
    std::optional<int> len;
    if (comma != std::string_view::npos) len = parse_int(mod.substr(comma + 1));
    if (!start || (comma != std::string_view::npos && !len)) return std::nullopt;
    const long n = static_cast<long>(value.size());
    long b = *start < 0 ? n + *start : *start;
    b = std::clamp(b, 0L, n);
    long e = n;
    if (len) e = *len < 0 ? n + *len : b + *len;
    e = std::clamp(e, b, n);
    ++st.substrings;
    return value.substr(static_cast<std::size_t>(b), static_cast<std::size_t>(e - b));
  }
  const std::size_t eq = mod.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  std::string_view from = mod.substr(0, eq);
  const std::string_view to = mod.substr(eq + 1);
  bool star = false;
  if (!from.empty() && from[0] == '*') {
    star = true;
    from.remove_prefix(1);
  }
  if (from.empty()) return std::nullopt;
  ++st.replacements;
  std::string out;
  std::string_view rest = value;
  if (star) {
    const std::size_t at = ifind(rest, from);
    if (at == std::string_view::npos) return value;
    out.assign(to);
    out.append(rest.substr(at + from.size()));
    return out;
  }
  for (;;) {
    const std::size_t at = ifind(rest, from);
    if (at == std::string_view::npos) break;
    out.append(rest.substr(0, at));
    out.append(to);
    rest.remove_prefix(at + from.size());
  }
  out.append(rest);
  return out;
}

}  // namespace

const std::string* default_variable(std::string_view name) {
  for (const Var& v : default_table()) {
    if (iequals(v.name, name)) return &v.value;
  }
  return nullptr;
}

const std::string* Environment::find(std::string_view name) const {
  for (const auto& [k, v] : locals_) {
    if (iequals(k, name)) return &v;
  }
  return default_variable(name);
}

bool Environment::set(std::string_view name, std::string_view value) {
  for (auto& [k, v] : locals_) {
    if (iequals(k, name)) {
      v.assign(value);
      return true;
    }
  }
  if (locals_.size() >= limits::kMaxSetVariables) return false;
  locals_.emplace_back(to_lower(name), std::string(value));
  return true;
}

void Environment::unset(std::string_view name) {
  for (std::size_t i = 0; i < locals_.size(); ++i) {
    if (iequals(locals_[i].first, name)) {
      locals_.erase(locals_.begin() + static_cast<long>(i));
      return;
    }
  }
}

std::string expand_variables(std::string_view text, const Environment& env, char delim,
                             ExpandStats* stats) {
  ExpandStats local;
  ExpandStats& st = stats ? *stats : local;
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (out.size() >= limits::kMaxExpandedBytes) {
      st.truncated = true;
      out.resize(limits::kMaxExpandedBytes);
      return out;
    }
    const std::size_t at = text.find(delim, i);
    if (at == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, at - i));
    const std::size_t close = text.find(delim, at + 1);
    if (close == std::string_view::npos) {
      out.append(text.substr(at));
      break;
    }
    const std::string_view body = text.substr(at + 1, close - at - 1);
    const std::size_t colon = body.find(':');
    const std::string_view name = body.substr(0, colon);
    const std::string* value = name.empty() ? nullptr : env.find(name);
    std::optional<std::string> repl;
    if (value != nullptr) {
      if (colon == std::string_view::npos) {
        repl = *value;
      } else {
        repl = apply_modifier(*value, body.substr(colon + 1), st);
      }
    }
    if (!repl) {
      // Unknown or malformed: keep the delimiter and rescan from the next character, so the
      // closing delimiter may open the next reference (%%windir%% -> %C:\Windows%).
      out += delim;
      i = at + 1;
      continue;
    }
    ++st.expanded;
    const std::size_t room =
        limits::kMaxExpandedBytes - std::min(out.size(), limits::kMaxExpandedBytes);
    if (repl->size() > room) {
      out.append(*repl, 0, room);
      st.truncated = true;
      return out;
    }
    out.append(*repl);
    i = close + 1;
  }
  return out;
}

}  // namespace cmdsentry::cmdline
