#include "kb/reader.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>
#include <sstream>

#include "cmdline/text.h"
#include "core/limits.h"

namespace cmdsentry::kb {
namespace {

constexpr std::array<std::string_view, 16> kTactics = {"reconnaissance",  "resource-development",
                                                       "initial-access",  "execution",
                                                       "persistence",     "privilege-escalation",
                                                       "defense-evasion", "credential-access",
                                                       "discovery",       "lateral-movement",
                                                       "collection",      "command-and-control",
                                                       "exfiltration",    "impact",
                                                       "stealth",         "defense-impairment"};

constexpr std::array<std::string_view, 17> kEntryKeys = {
    "idiom",   "name",  "phase",      "tactic",       "techniques",  "builtin",
    "study",   "noise", "match",      "typical_args", "description", "sources",
    "aliases", "notes", "references", "positive",     "negative"};

constexpr std::array<std::string_view, 9> kMatchKeys = {"programs",     "subcommand",   "flags_any",
                                                        "flags_all",    "args_any",     "args_all",
                                                        "contains_any", "contains_all", "note"};

// Collects diagnostics for one document.
class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  ReadResult read(std::string_view yaml);

 private:
  std::string file_;
  ReadResult out_;
  std::string entry_;  // name of the entry being read
  bool entry_ok_ = true;

  Location at(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    return {file_, m.line + 1, m.column + 1};
  }
  void diag(Diagnostic::Severity sev, DiagCode code, std::string msg, const YAML::Node& n) {
    if (sev == Diagnostic::Severity::kError) entry_ok_ = false;
    out_.diagnostics.push_back({sev, code, std::move(msg), at(n), entry_});
  }
  void error(DiagCode code, std::string msg, const YAML::Node& n) {
    diag(Diagnostic::Severity::kError, code, std::move(msg), n);
  }

  std::optional<std::string> scalar(const YAML::Node& n, std::string_view key);
  std::vector<std::string> list(const YAML::Node& n, std::string_view key);
  std::optional<bool> boolean(const YAML::Node& n, std::string_view key);
  std::optional<MatchSpec> match_spec(const YAML::Node& n);
  void entry(const YAML::Node& n);
};

std::optional<std::string> Reader::scalar(const YAML::Node& n, std::string_view key) {
  if (!n.IsScalar()) {
    error(DiagCode::kBadStructure, fmt::format("'{}' must be a single value", key), n);
    return std::nullopt;
  }
  return n.Scalar();
}

std::vector<std::string> Reader::list(const YAML::Node& n, std::string_view key) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
  } else if (n.IsSequence()) {
    for (const YAML::Node& item : n) {
      if (auto s = scalar(item, key)) out.push_back(std::move(*s));
    }
  } else if (!n.IsNull()) {
    error(DiagCode::kBadStructure, fmt::format("'{}' must be a value or a list of values", key), n);
  }
  return out;
}

std::optional<bool> Reader::boolean(const YAML::Node& n, std::string_view key) {
  auto s = scalar(n, key);
  if (!s) return std::nullopt;
  const std::string v = cmdline::to_lower(*s);
  if (v == "true" || v == "yes") return true;
  if (v == "false" || v == "no") return false;
  error(DiagCode::kBadValue, fmt::format("'{}' must be true or false, not '{}'", key, *s), n);
  return std::nullopt;
}

std::optional<MatchSpec> Reader::match_spec(const YAML::Node& n) {
  if (!n.IsMap()) {
    error(DiagCode::kBadStructure, "each 'match' item must be a mapping", n);
    return std::nullopt;
  }
  MatchSpec m;
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "programs") {
      for (auto& p : list(v, key)) m.programs.push_back(cmdline::to_lower(p));
    } else if (key == "subcommand") {
      for (const auto& alt : list(v, key)) {
        std::vector<std::string> words;
        std::istringstream ws(cmdline::to_lower(alt));
        for (std::string w; ws >> w;) words.push_back(w);
        if (!words.empty()) m.subcommands.push_back(std::move(words));
      }
    } else if (key == "flags_any" || key == "flags_all") {
      auto& dst = key == "flags_any" ? m.flags_any : m.flags_all;
      for (auto& f : list(v, key)) {
        std::string name = cmdline::to_lower(f);
        const std::size_t dash = cmdline::dash_prefix(name);
        dst.push_back("/" + name.substr(dash));
      }
    } else if (key == "args_any") {
      m.args_any = list(v, key);
    } else if (key == "args_all") {
      m.args_all = list(v, key);
    } else if (key == "contains_any" || key == "contains_all") {
      auto& dst = key == "contains_any" ? m.contains_any : m.contains_all;
      for (auto& s : list(v, key)) dst.push_back(cmdline::to_lower(s));
    } else if (std::find(kMatchKeys.begin(), kMatchKeys.end(), key) == kMatchKeys.end()) {
      diag(Diagnostic::Severity::kWarning, DiagCode::kUnknownField,
           fmt::format("unknown key '{}' in match", key), kv.first);
    }
  }
  if (m.programs.empty()) {
    error(DiagCode::kMissingField, "match needs 'programs'", n);
    return std::nullopt;
  }
  return m;
}

void Reader::entry(const YAML::Node& n) {
  entry_.clear();
  entry_ok_ = true;
  if (!n.IsMap()) {
    error(DiagCode::kBadStructure, "an entry must be a mapping", n);
    return;
  }
  Entry e;
  e.where = at(n);
  if (const YAML::Node name = n["name"]; name) {
    if (auto s = scalar(name, "name")) e.name = cmdline::to_lower(cmdline::trim(*s));
  }
  entry_ = e.name;
  if (e.name.empty()) error(DiagCode::kMissingField, "entry has no 'name'", n);
  bool has_phase = false, has_sources = false, has_match = false;
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "name") continue;
    if (key == "phase") {
      has_phase = true;
      if (auto s = scalar(v, key)) {
        e.phase = cmdline::to_lower(*s);
        if (!is_valid_phase(e.phase)) {
          error(DiagCode::kBadValue, fmt::format("unknown phase '{}'", *s), v);
        }
      }
    } else if (key == "tactic") {
      if (auto s = scalar(v, key)) {
        e.tactic = cmdline::to_lower(*s);
        if (!is_valid_tactic(e.tactic)) {
          error(DiagCode::kBadValue, fmt::format("unknown ATT&CK tactic '{}'", *s), v);
        }
      }
    } else if (key == "techniques") {
      e.techniques = list(v, key);
      for (const auto& t : e.techniques) {
        if (!is_valid_technique(t)) {
          error(DiagCode::kBadValue, fmt::format("'{}' is not an ATT&CK technique id", t), v);
        }
      }
    } else if (key == "builtin" || key == "study") {
      if (auto b = boolean(v, key)) (key == "builtin" ? e.builtin : e.study) = *b;
    } else if (key == "idiom") {
      if (auto b = boolean(v, key)) e.idiom = *b;
    } else if (key == "noise") {
      if (auto s = scalar(v, key)) {
        const std::string x = cmdline::to_lower(*s);
        if (x == "very-low")
          e.noise = Noise::kVeryLow;
        else if (x == "low")
          e.noise = Noise::kLow;
        else if (x == "medium")
          e.noise = Noise::kMedium;
        else if (x == "high")
          e.noise = Noise::kHigh;
        else
          error(DiagCode::kBadValue, fmt::format("unknown noise level '{}'", *s), v);
      }
    } else if (key == "match") {
      has_match = true;
      if (v.IsSequence()) {
        for (const YAML::Node& alt : v) {
          if (auto m = match_spec(alt)) e.match.push_back(std::move(*m));
        }
      } else if (auto m = match_spec(v)) {
        e.match.push_back(std::move(*m));
      }
    } else if (key == "typical_args") {
      e.typical_args = list(v, key);
    } else if (key == "positive") {
      e.positive = list(v, key);
    } else if (key == "negative") {
      e.negative = list(v, key);
    } else if (key == "description") {
      if (auto s = scalar(v, key)) e.description = *s;
    } else if (key == "sources") {
      has_sources = true;
      e.sources = list(v, key);
    } else if (std::find(kEntryKeys.begin(), kEntryKeys.end(), key) == kEntryKeys.end()) {
      diag(Diagnostic::Severity::kWarning, DiagCode::kUnknownField,
           fmt::format("unknown key '{}'", key), kv.first);
    }
  }
  if (!has_phase) error(DiagCode::kMissingField, "entry has no 'phase'", n);
  if (!has_match) error(DiagCode::kMissingField, "entry has no 'match'", n);
  if (!has_sources || e.sources.empty()) {
    error(DiagCode::kMissingField, "entry has no 'sources'", n);
  }
  if (e.tactic.empty() && is_valid_tactic(e.phase)) e.tactic = e.phase;
  if (!entry_ok_) return;
  for (Entry& old : out_.entries) {
    if (old.name == e.name) {
      diag(Diagnostic::Severity::kWarning, DiagCode::kDuplicateName,
           fmt::format("entry '{}' defined twice in this file; the later one is used", e.name), n);
      old = std::move(e);
      return;
    }
  }
  out_.entries.push_back(std::move(e));
}

ReadResult Reader::read(std::string_view yaml) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& ex) {
    out_.diagnostics.push_back({Diagnostic::Severity::kError,
                                DiagCode::kSyntax,
                                ex.msg,
                                {file_, ex.mark.line + 1, ex.mark.column + 1},
                                {}});
    return std::move(out_);
  }
  try {
    const YAML::Node entries = root.IsMap() ? root["entries"] : YAML::Node();
    if (!entries || !entries.IsSequence()) {
      error(DiagCode::kMissingField, "a knowledge-base file is a mapping with an 'entries' list",
            root);
      return std::move(out_);
    }
    if (entries.size() > limits::kMaxKbEntries) {
      error(DiagCode::kTooLarge,
            fmt::format("{} entries; at most {} per file", entries.size(), limits::kMaxKbEntries),
            entries);
      return std::move(out_);
    }
    for (const YAML::Node& n : entries) entry(n);
  } catch (const YAML::Exception& ex) {
    out_.diagnostics.push_back({Diagnostic::Severity::kError,
                                DiagCode::kBadStructure,
                                ex.msg,
                                {file_, ex.mark.line + 1, ex.mark.column + 1},
                                entry_});
  }
  return std::move(out_);
}

}  // namespace

bool ReadResult::ok() const {
  return std::none_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) {
    return d.severity == Diagnostic::Severity::kError;
  });
}

ReadResult read_kb(std::string_view yaml, std::string_view file) {
  if (yaml.size() > limits::kMaxKbFileBytes) {
    ReadResult r;
    r.diagnostics.push_back(
        {Diagnostic::Severity::kError,
         DiagCode::kTooLarge,
         fmt::format("{} bytes; at most {}", yaml.size(), limits::kMaxKbFileBytes),
         {std::string(file), 0, 0},
         {}});
    return r;
  }
  return Reader(file).read(yaml);
}

ReadResult read_kb_file(const std::filesystem::path& path) {
  ReadResult r;
  const std::string name = path.string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) {
    r.diagnostics.push_back(
        {Diagnostic::Severity::kError, DiagCode::kIo, "cannot read the file", {name, 0, 0}, {}});
    return r;
  }
  if (size > limits::kMaxKbFileBytes) {
    r.diagnostics.push_back({Diagnostic::Severity::kError,
                             DiagCode::kTooLarge,
                             fmt::format("{} bytes; at most {}", size, limits::kMaxKbFileBytes),
                             {name, 0, 0},
                             {}});
    return r;
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  return read_kb(text, name);
}

bool is_valid_phase(std::string_view phase) {
  return phase == "recon" || phase == "discovery" || phase == "spread" || is_valid_tactic(phase);
}

bool is_valid_tactic(std::string_view tactic) {
  return std::find(kTactics.begin(), kTactics.end(), tactic) != kTactics.end();
}

bool is_valid_technique(std::string_view id) {
  auto digits = [&](std::size_t from, std::size_t n) {
    if (id.size() < from + n) return false;
    return std::all_of(id.begin() + static_cast<long>(from),
                       id.begin() + static_cast<long>(from + n),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  if (id.size() == 5) return id[0] == 'T' && digits(1, 4);
  if (id.size() == 9) return id[0] == 'T' && digits(1, 4) && id[5] == '.' && digits(6, 3);
  return false;
}

}  // namespace cmdsentry::kb
