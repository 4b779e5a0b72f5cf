#include "cmdline/powershell.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

#include "cmdline/program.h"
#include "cmdline/text.h"
#include "core/limits.h"
#include "core/utf.h"

namespace cmdsentry::cmdline {
namespace {

// Parameters that take one value (checked by prefix after -Command/-EncodedCommand/-File).
constexpr std::array<std::string_view, 11> kValueParameters = {
    "executionpolicy", "windowstyle",    "version",         "configurationname",
    "outputformat",    "inputformat",    "psconsolefile",   "workingdirectory",
    "settingsfile",    "custompipename", "encodedarguments"};

// Aliases and functions that shadow a program of the same name inside PowerShell.
constexpr std::array<std::string_view, 40> kShadowingAliases = {
    "sc",    "curl", "wget", "dir",  "type", "set",    "echo",  "cd",    "del",   "copy",
    "move",  "ren",  "md",   "rd",   "ls",   "cat",    "ps",    "kill",  "where", "sort",
    "start", "iex",  "iwr",  "irm",  "gci",  "gc",     "gps",   "gwmi",  "ni",    "rm",
    "rmdir", "pwd",  "cls",  "diff", "tee",  "select", "write", "mkdir", "erase", "popd"};

constexpr std::array<std::string_view, 26> kKeywords = {
    "if",     "else",   "elseif", "foreach",  "for",     "while", "do",    "switch",  "function",
    "param",  "return", "try",    "catch",    "finally", "throw", "begin", "process", "end",
    "filter", "trap",   "break",  "continue", "exit",    "class", "using", "until"};

bool contains(auto const& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// Prefix match of a (lower-case) abbreviation against a full parameter name.
bool abbreviates(std::string_view abbr, std::string_view full) {
  return !abbr.empty() && abbr.size() <= full.size() && full.substr(0, abbr.size()) == abbr;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

bool is_program_word(std::string_view w) {
  if (w.empty()) return false;
  const char c0 = w[0];
  if (c0 == '$' || c0 == '[' || c0 == '@' || c0 == '-' || c0 == '\'' || c0 == '#' ||
      (c0 >= '0' && c0 <= '9')) {
    return false;
  }
  // A leading dot is a relative path (.\x.exe), not a member access (.DownloadString).
  if (c0 == '.' && (w.size() < 2 || (w[1] != '\\' && w[1] != '/' && w[1] != '.'))) return false;
  for (char c : w) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '\\' || c == ':' || c == '-' || c == ' ';
    if (!ok) return false;
  }
  const ProgramName p = program_name(w);
  if (p.extension == ".exe" || p.extension == ".com") return true;
  if (w.find('-') != std::string_view::npos) return false;  // Verb-Noun cmdlet
  if (w.find(' ') != std::string_view::npos) return false;
  return !contains(kShadowingAliases, p.name) && !contains(kKeywords, p.name);
}

}  // namespace

bool is_encoded_command_parameter(std::string_view name) {
  const std::string n = to_lower(name);
  return n == "ec" || abbreviates(n, "encodedcommand");
}

std::optional<PowerShellScript> powershell_script(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const std::size_t dash = dash_prefix(a);
    if (dash == 0) {
      // First non-parameter argument: the rest of the line is a command.
      PowerShellScript s;
      for (std::size_t j = i; j < args.size(); ++j) {
        if (j > i) s.text += ' ';
        s.text += args[j];
      }
      return s;
    }
    std::string name = to_lower(std::string_view(a).substr(dash));
    if (const std::size_t colon = name.find(':'); colon != std::string::npos) name.resize(colon);
    if (is_encoded_command_parameter(name)) {
      if (i + 1 >= args.size()) return std::nullopt;
      PowerShellScript s;
      s.encoded = true;
      auto bytes = decode_base64(args[i + 1], limits::kMaxDecodedScriptBytes * 2, &s.truncated);
      if (!bytes) {
        s.decode_failed = true;
        return s;
      }
      s.text = decode_script_bytes(*bytes);
      if (s.text.size() > limits::kMaxDecodedScriptBytes) {
        s.text.resize(limits::kMaxDecodedScriptBytes);
        s.truncated = true;
      }
      return s;
    }
    if (name == "c" || (abbreviates(name, "command") && name.size() >= 3)) {
      PowerShellScript s;
      for (std::size_t j = i + 1; j < args.size(); ++j) {
        if (j > i + 1) s.text += ' ';
        s.text += args[j];
      }
      return s;
    }
    if (name == "f" || (name.size() >= 2 && abbreviates(name, "file"))) return std::nullopt;
    const bool takes_value =
        name == "ep" || name == "ex" || name == "w" || name == "v" || name == "wd" ||
        std::any_of(kValueParameters.begin(), kValueParameters.end(),
                    [&](std::string_view p) { return name.size() >= 3 && abbreviates(name, p); });
    if (takes_value) ++i;
  }
  return std::nullopt;
}

std::optional<std::string> decode_base64(std::string_view text, std::size_t max_bytes,
                                         bool* truncated) {
  std::string out;
  out.reserve(std::min(max_bytes, text.size() * 3 / 4 + 3));
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'') continue;
    if (c == '=') break;
    const int v = base64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (out.size() >= max_bytes) {
        if (truncated) *truncated = true;
        return out;
      }
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string decode_script_bytes(std::string_view bytes) {
  // UTF-16LE text of ASCII scripts has a zero in most odd positions.
  std::size_t zeros = 0;
  for (std::size_t i = 1; i < bytes.size(); i += 2) zeros += bytes[i] == '\0';
  const std::size_t units = bytes.size() / 2;
  if (units > 0 && zeros * 2 >= units) {
    return utf16le_to_utf8(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(bytes.data()), units * 2));
  }
  return std::string(bytes);
}

std::vector<std::string> native_invocations(std::string_view script) {
  std::vector<std::string> out;
  std::string cur;
  char quote = 0;
  auto finish = [&] {
    std::string_view s = trim(cur);
    // Call operators: & "prog" args, . prog
    if (s.size() >= 2 && (s[0] == '&' || s[0] == '.') &&
        (s[1] == ' ' || s[1] == '"' || s[1] == '\'')) {
      s = trim(s.substr(1));
    }
    if (!s.empty() && out.size() < limits::kMaxCommandsPerLine) {
      std::string_view word;
      if (s[0] == '"' || s[0] == '\'') {
        const std::size_t close = s.find(s[0], 1);
        word = s.substr(1, close == std::string_view::npos ? s.size() - 1 : close - 1);
      } else {
        word = s.substr(0, s.find_first_of(" \t"));
      }
      if (is_program_word(word)) {
        if (s[0] == '\'') {
          // 'C:\x\nltest.exe' /dclist -> "C:\x\nltest.exe" /dclist, as a process line.
          const std::size_t close = s.find('\'', 1);
          std::string line = "\"";  // built by appends: GCC 12 warns (-Wrestrict) on "x" + string
          line += word;
          line += '"';
          if (close != std::string_view::npos) line += s.substr(close + 1);
          out.push_back(std::move(line));
        } else {
          out.emplace_back(s);
        }
      }
    }
    cur.clear();
  };
  for (std::size_t i = 0; i < script.size(); ++i) {
    const char c = script[i];
    if (c == '`' && quote != '\'') {  // escape: keep the next character
      if (i + 1 < script.size()) cur += script[++i];
      continue;
    }
    if (quote != 0) {
      cur += c;
      if (c == quote) quote = 0;
      continue;
    }
    switch (c) {
      case '"':
      case '\'':
        quote = c;
        cur += c;
        break;
      case ';':
      case '|':
      case '{':
      case '}':
      case '(':
      case ')':
      case '\n':
      case '\r':
        finish();
        break;
      case '&':
        if (i + 1 < script.size() && script[i + 1] == '&') {
          finish();
          ++i;
        } else {
          cur += c;
        }
        break;
      default:
        cur += c;
    }
  }
  finish();
  return out;
}

}  // namespace cmdsentry::cmdline
