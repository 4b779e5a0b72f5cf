#include "report/fields.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "core/time.h"

namespace cmdsentry::report {

std::string iso_time(std::uint64_t filetime) {
  std::string out;
  if (filetime != 0) append_filetime_iso(out, filetime, 6);
  return out;
}

std::string user_of(const ProcessEvent& e) {
  if (!e.user_name().empty()) {
    std::string out(e.user_domain());
    if (!out.empty()) out += '\\';
    out += e.user_name();
    return out;
  }
  return std::string(e.user_sid());
}

std::uint64_t record_of(const SourceRef& s) { return s.record_id != 0 ? s.record_id : s.line; }

const SourceRef& source_of(const ProcessEvent& e) {
  static const SourceRef kUnknown;
  const SourceRef* s = e.source();
  return s != nullptr ? *s : kUnknown;
}

std::string join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

std::string reasons_text(const Finding& f) {
  std::string out;
  for (auto r : f.obfuscation) {
    if (!out.empty()) out += ' ';
    out += cmdline::to_string(r);
  }
  return out;
}

std::string display_time(std::uint64_t filetime, const TimeStyle& style) {
  if (filetime == 0) return {};
  if (!style.local) {
    std::string t = iso_time(filetime).substr(0, 19);
    if (style.iso) return t + "Z";
    if (t.size() > 10) t[10] = ' ';
    return t;
  }
  constexpr std::uint64_t kEpoch = 116'444'736'000'000'000ULL;
  const auto secs =
      static_cast<std::time_t>(filetime >= kEpoch ? (filetime - kEpoch) / 10'000'000 : 0);
  std::tm tm{};
  if (::localtime_r(&secs, &tm) == nullptr) return iso_time(filetime).substr(0, 19);
  char buf[40];
  std::strftime(buf, sizeof buf, style.iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm);
  std::string out = buf;
  if (style.iso) {
    const long off = tm.tm_gmtoff / 60;
    std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", off < 0 ? '-' : '+', std::labs(off) / 60,
                  std::labs(off) % 60);
    out += buf;
  }
  return out;
}

std::string zone_label(const TimeStyle& style) {
  if (!style.local) return "UTC";
  return style.zone.empty() ? "local" : style.zone;
}

Level headline_level(const Finding& f) {
  Level l = Level::kInformational;
  for (const Match& m : f.matches) l = std::max(l, m.level);
  return l;
}

std::string timeline_message(const Finding& f) {
  const ProcessEvent& e = *f.process;
  std::string out = "[";
  out += f.phase().empty() ? std::string_view("-") : f.phase();
  out += "] ";
  out += f.command();
  out += ": ";
  out += e.command_line().empty() ? e.image() : e.command_line();
  out += " (";
  out += e.host();
  const std::string user = user_of(e);
  if (!user.empty()) out += ", " + user;
  out += ')';
  return out;
}

std::string hex_id(std::uint64_t v) {
  if (v == 0) return {};
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace cmdsentry::report

#include "core/text_escape.h"

namespace cmdsentry::report {

std::string terminal_text(std::string_view text) {
  const std::string safe = terminal_safe(text);
  std::string out;
  out.reserve(safe.size());
  for (std::size_t i = 0; i < safe.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(safe[i]);
    if (b0 == 0xE2 && i + 2 < safe.size()) {
      const auto b1 = static_cast<unsigned char>(safe[i + 1]);
      const auto b2 = static_cast<unsigned char>(safe[i + 2]);
      const unsigned cp = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
      const bool bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
                        cp == 0x200E || cp == 0x200F;
      if (bidi && (b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "\\u{%x}", cp);
        out += buf;
        i += 2;
        continue;
      }
    }
    out += static_cast<char>(b0);
  }
  return out;
}

std::string fit(std::string_view text, std::size_t width, bool pad) {
  std::string out;
  std::size_t cols = 0;
  std::size_t i = 0;
  // Count code points (UTF-8 lead bytes); cut one short to leave room for the ellipsis.
  std::size_t total = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++total;
  }
  const bool cut = total > width;
  const std::size_t keep = cut ? (width == 0 ? 0 : width - 1) : total;
  while (i < text.size()) {
    std::size_t len = 1;
    while (i + len < text.size() && (static_cast<unsigned char>(text[i + len]) & 0xC0) == 0x80) {
      ++len;
    }
    if (cols == keep) break;
    out.append(text.substr(i, len));
    ++cols;
    i += len;
  }
  if (cut && width > 0) {
    out += "\xE2\x80\xA6";  // …
    ++cols;
  }
  if (pad) out.append(width > cols ? width - cols : 0, ' ');
  return out;
}

}  // namespace cmdsentry::report
