#include "policy/evaluate.h"

#include <algorithm>
#include <array>

#include "cmdline/text.h"
#include "core/ascii.h"

namespace cmdsentry::policy {
namespace {

/// AppLocker variable -> the folders it stands for (system drive C:).
struct Variable {
  std::string_view name;
  std::array<std::string_view, 2> folders;
};
constexpr Variable kVariables[] = {
    {"%SYSTEM32%", {"C:\\Windows\\System32", "C:\\Windows\\SysWOW64"}},
    {"%WINDIR%", {"C:\\Windows", ""}},
    {"%PROGRAMFILES%", {"C:\\Program Files", "C:\\Program Files (x86)"}},
    {"%OSDRIVE%", {"C:", ""}},
    {"%SYSTEMDRIVE%", {"C:", ""}},
    {"%SYSTEMROOT%", {"C:\\Windows", ""}},
    {"%REMOVABLE%", {"", ""}},
    {"%HOT%", {"", ""}},
};

/// The forms of `path` with its leading variable expanded (the path itself when it has none).
/// Empty when the variable names an unknown drive.
std::vector<std::string> expand(std::string_view path) {
  for (const Variable& v : kVariables) {
    if (!istarts_with(path, v.name)) continue;
    std::vector<std::string> out;
    for (std::string_view f : v.folders) {
      if (!f.empty()) out.push_back(std::string(f) + std::string(path.substr(v.name.size())));
    }
    return out;
  }
  return {std::string(path)};
}

/// A logged path in plain form: NT prefixes removed, the drive of %SystemRoot% normalized
/// (logs from a system on D: still name D:\Windows; we take the Windows folder's drive as the
/// system drive).
std::string plain(std::string_view path) {
  std::string slashed(path);
  for (char& c : slashed) c = c == '/' ? '\\' : c;
  path = slashed;
  for (std::string_view prefix : {"\\\\?\\", "\\??\\"}) {
    if (path.substr(0, prefix.size()) == prefix) path.remove_prefix(prefix.size());
  }
  if (path.size() >= 3 && path[1] == ':' && path[2] == '\\' &&
      istarts_with(path.substr(2), "\\Windows\\")) {
    return "C:" + std::string(path.substr(2));
  }
  return std::string(path);
}

bool any_or_equal(std::string_view rule, std::string_view value) {
  if (rule == "*") return true;
  return !value.empty() && iequals(rule, value);
}

/// BinaryName: `*` or `?` alone is any; with text, any name containing the text.
bool binary_matches(std::string_view rule, std::string_view value) {
  if (rule == "*" || rule == "?") return true;
  if (value.empty()) return false;
  if (rule.find_first_of("*?") == std::string_view::npos) return iequals(rule, value);
  std::string text;
  for (char c : rule) {
    if (c != '*' && c != '?') text += c;
  }
  return ifind(value, text) != std::string_view::npos;
}

bool version_in_range(const PublisherCondition& p, std::string_view version) {
  const bool any_low = p.low_version == "*" || p.low_version == "0.0.0.0" || p.low_version.empty();
  const bool any_high = p.high_version == "*" || p.high_version.empty();
  if (any_low && any_high) return true;
  if (version.empty()) return false;
  if (!any_low && compare_versions(version, p.low_version) < 0) return false;
  if (!any_high && compare_versions(version, p.high_version) > 0) return false;
  return true;
}

std::string_view hex_of(std::string_view data) {
  if (istarts_with(data, "0x")) data.remove_prefix(2);
  return data;
}

/// The file's path in plain form, its leading variable (if any) expanded: computed once per
/// evaluation, matched against every path condition.
std::vector<std::string> file_forms(std::string_view file_path) {
  std::vector<std::string> forms = expand(file_path);
  if (forms.empty()) forms.emplace_back(file_path);  // %REMOVABLE%, %HOT%: only `*` matches
  for (std::string& f : forms) f = plain(f);
  return forms;
}

/// A rule path against the file's forms, without building the rule's expansions.
bool pattern_matches(std::string_view rule_path, const std::vector<std::string>& forms) {
  if (rule_path == "*") return !forms.empty() && !forms.front().empty();
  for (const Variable& v : kVariables) {
    if (!istarts_with(rule_path, v.name)) continue;
    const std::string_view rest = rule_path.substr(v.name.size());
    for (std::string_view folder : v.folders) {
      if (folder.empty()) continue;
      for (const std::string& form : forms) {
        if (istarts_with(form, folder) &&
            cmdline::glob_match(rest, std::string_view(form).substr(folder.size()))) {
          return true;
        }
      }
    }
    return false;
  }
  return std::any_of(forms.begin(), forms.end(),
                     [&](const std::string& form) { return cmdline::glob_match(rule_path, form); });
}

/// The file and its path forms.
struct Subject {
  const FileFacts& facts;
  std::vector<std::string> forms;
};

bool condition_matches(const Condition& c, const Subject& s) {
  const FileFacts& f = s.facts;
  if (const auto* p = std::get_if<PathCondition>(&c)) return pattern_matches(p->path, s.forms);
  if (const auto* pub = std::get_if<PublisherCondition>(&c)) {
    // Publisher rules apply to signed files only: an unknown signer matches nothing.
    if (f.publisher.empty()) return false;
    return any_or_equal(pub->publisher, f.publisher) && any_or_equal(pub->product, f.product) &&
           binary_matches(pub->binary, f.binary) && version_in_range(*pub, f.version);
  }
  if (const auto* h = std::get_if<HashCondition>(&c)) {
    if (f.sha256.empty()) return false;
    return std::any_of(h->hashes.begin(), h->hashes.end(), [&](const FileHash& fh) {
      return iequals(fh.type, "SHA256") && iequals(hex_of(fh.data), hex_of(f.sha256));
    });
  }
  return false;
}

bool rule_matches(const Rule& r, const Subject& s) {
  const auto hit = [&](const Condition& c) { return condition_matches(c, s); };
  return std::any_of(r.conditions.begin(), r.conditions.end(), hit) &&
         std::none_of(r.exceptions.begin(), r.exceptions.end(), hit);
}

}  // namespace

bool path_matches(std::string_view rule_path, std::string_view file_path) {
  return pattern_matches(rule_path, file_forms(file_path));
}

int compare_versions(std::string_view a, std::string_view b) {
  auto part = [](std::string_view& s) {
    std::uint64_t v = 0;
    std::size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = std::min<std::uint64_t>(v * 10 + static_cast<unsigned>(s[i] - '0'), 0xffffffffULL);
      ++i;
    }
    s.remove_prefix(i);
    if (!s.empty() && s.front() == '.') s.remove_prefix(1);
    return v;
  };
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t x = part(a), y = part(b);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

Decision evaluate(const RuleCollection* collection, const FileFacts& file,
                  const std::vector<std::string>& sids) {
  Decision d;
  if (collection == nullptr || collection->rules.empty()) return d;
  const Verdict denied =
      collection->mode == EnforcementMode::kAuditOnly ? Verdict::kAudited : Verdict::kBlocked;
  const auto applies = [&](const Rule& r) {
    return std::any_of(sids.begin(), sids.end(),
                       [&](const std::string& s) { return iequals(s, r.sid); });
  };
  const Subject subject{file, file_forms(file.path)};
  const Rule* allow = nullptr;
  for (const Rule& r : collection->rules) {
    if (!applies(r) || !rule_matches(r, subject)) continue;
    if (r.action == Action::kDeny) return {denied, &r, false};
    if (allow == nullptr) allow = &r;
  }
  if (allow != nullptr) return {Verdict::kAllowed, allow, false};
  return {denied, nullptr, true};
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::kAllowed:
      return "allowed";
    case Verdict::kAudited:
      return "audited";
    case Verdict::kBlocked:
      return "blocked";
  }
  return "allowed";
}

bool facts_from_fqbn(std::string_view fqbn, FileFacts& out) {
  std::array<std::string_view, 4> parts{};
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t cut = i < 3 ? fqbn.find('\\') : fqbn.size();
    if (cut == std::string_view::npos) return false;
    parts[i] = fqbn.substr(0, cut);
    fqbn.remove_prefix(std::min(fqbn.size(), cut + 1));
  }
  if (parts[0].empty() || parts[0] == "-") return false;
  out.publisher = parts[0];
  out.product = parts[1];
  out.binary = parts[2];
  out.version = parts[3];
  return true;
}

}  // namespace cmdsentry::policy
