#pragma once
/// Test helper: runs the third-party EVTX readers (libevtx's evtxexport, python-evtx's
/// evtx_dump.py) and picks their XML output apart well enough to compare field values.

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmdsentry::evtxgen::testing {

inline constexpr const char* kEvtxexportPath = "/usr/bin/evtxexport";
inline constexpr const char* kPythonPath = "/usr/bin/python3";
inline constexpr const char* kEvtxDumpPath = "/usr/bin/evtx_dump.py";

/// The reader a rendering came from (their value spellings differ).
enum class Tool { kEvtxexport, kPythonEvtx };

inline bool tool_present(Tool t) {
  if (t == Tool::kEvtxexport) return std::filesystem::exists(kEvtxexportPath);
  return std::filesystem::exists(kPythonPath) && std::filesystem::exists(kEvtxDumpPath);
}

/// stdout of the reader run on `file`, or nullopt when it exits non-zero.
inline std::optional<std::string> render(Tool t, const std::filesystem::path& file) {
  const std::string cmd =
      t == Tool::kEvtxexport
          ? std::string(kEvtxexportPath) + " -f xml '" + file.string() + "' 2>&1"
          : std::string(kPythonPath) + " " + kEvtxDumpPath + " '" + file.string() + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  char buf[65536];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  if (pclose(p) != 0) return std::nullopt;
  return out;
}

/// Each "<Event ...>...</Event>" of the output.
inline std::vector<std::string> split_events(const std::string& out) {
  std::vector<std::string> events;
  for (std::size_t pos = 0; (pos = out.find("<Event ", pos)) != std::string::npos;) {
    const std::size_t end = out.find("</Event>", pos);
    if (end == std::string::npos) break;
    events.push_back(out.substr(pos, end + 8 - pos));
    pos = end + 8;
  }
  return events;
}

/// XML entity and character references decoded (both tools escape; python-evtx also turns
/// non-ASCII into &#N;).
inline std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const std::size_t semi = s.find(';', i);
    const std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out += '&';
    else if (ent == "lt")
      out += '<';
    else if (ent == "gt")
      out += '>';
    else if (ent == "quot")
      out += '"';
    else if (ent == "apos")
      out += '\'';
    else if (!ent.empty() && ent[0] == '#') {
      const bool hex = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X');
      char32_t cp = static_cast<char32_t>(
          std::stoul(std::string(ent.substr(hex ? 2 : 1)), nullptr, hex ? 16 : 10));
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
    }
    i = semi;
  }
  return out;
}

/// Text of the element/attribute-free leaf `<tag>text</tag>` starting at `open` ("<Data Name=\"X\""
/// or "<EventRecordID"); "" for an empty element, nullopt when absent.
inline std::optional<std::string> leaf_text(const std::string& event, const std::string& open) {
  std::size_t p = event.find(open);
  while (p != std::string::npos) {
    const char next = event[p + open.size()];
    if (next == '>' || next == '/' || next == ' ') break;
    p = event.find(open, p + 1);
  }
  if (p == std::string::npos) return std::nullopt;
  const std::size_t gt = event.find('>', p);
  if (event[gt - 1] == '/') return std::string();
  const std::size_t close = event.find("</", gt);
  return unescape(std::string_view(event).substr(gt + 1, close - gt - 1));
}

/// Value of the <Data Name='name'> field of a rendered event.
inline std::optional<std::string> data_field(const std::string& event, const std::string& name) {
  return leaf_text(event, "<Data Name=\"" + name + "\"");
}

/// Value of an attribute `name="..."` on the element opened by `open` (e.g. "<Execution").
inline std::optional<std::string> attribute(const std::string& event, const std::string& open,
                                            const std::string& name) {
  const std::size_t p = event.find(open);
  if (p == std::string::npos) return std::nullopt;
  const std::size_t end = event.find('>', p);
  const std::size_t a = event.find(" " + name + "=\"", p);
  if (a == std::string::npos || a > end) return std::nullopt;
  const std::size_t v = a + name.size() + 3;
  return unescape(std::string_view(event).substr(v, event.find('"', v) - v));
}

}  // namespace cmdsentry::evtxgen::testing
