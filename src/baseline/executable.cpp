#include "baseline/executable.h"

#include <array>
#include <utility>

#include "core/ascii.h"

namespace cmdsentry::baseline {
namespace {

/// Strips a drive ("c:") and normalises slashes, lower case.
std::string folded(std::string_view image) {
  std::string s = to_lower(image);
  for (char& c : s) {
    if (c == '/') c = '\\';
  }
  if (s.starts_with("\\\\?\\")) s.erase(0, 4);
  if (s.size() >= 2 && s[1] == ':') s.erase(0, 2);
  return s;
}

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

}  // namespace

std::string path_class(std::string_view image) {
  if (image.empty()) return "unknown";
  if (image.starts_with("\\\\") && !image.starts_with("\\\\?\\")) return "network";
  const std::string p = folded(image);
  if (contains(p, "\\users\\") || contains(p, "\\appdata\\") || contains(p, "\\temp\\") ||
      p.starts_with("\\programdata\\") || contains(p, "\\windows\\tasks\\") ||
      contains(p, "\\recycle")) {
    return "user-writable";
  }
  if (p.starts_with("\\windows\\")) return "system";
  if (p.starts_with("\\program files\\") || p.starts_with("\\program files (x86)\\")) {
    return "program-files";
  }
  return "other";
}

std::string applocker_path(std::string_view image) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kVars{{
      {"\\windows\\system32\\", "%SYSTEM32%\\"},
      {"\\windows\\syswow64\\", "%SYSTEM32%\\"},
      {"\\windows\\", "%WINDIR%\\"},
      {"\\program files (x86)\\", "%PROGRAMFILES%\\"},
      {"\\program files\\", "%PROGRAMFILES%\\"},
      {"\\", "%OSDRIVE%\\"},
  }};
  // Windows' own drive is C: in every log we know of; another drive's path stays as it is.
  const bool os_drive = image.size() >= 2 && image[1] == ':' && ascii_lower(image[0]) == 'c';
  if (!os_drive) return to_lower(image);
  const std::string p = folded(image);
  for (const auto& [prefix, var] : kVars) {
    if (p.starts_with(prefix)) return std::string(var) + p.substr(prefix.size());
  }
  return p;
}

}  // namespace cmdsentry::baseline
