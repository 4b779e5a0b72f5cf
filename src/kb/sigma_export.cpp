#include "kb/sigma_export.h"

#include <tuple>

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "core/ascii.h"
#include "core/uuid.h"

namespace cmdsentry::kb {
namespace {

/// Sigma levels from how often legitimate software runs the command.
std::string_view level_of(Noise n) {
  switch (n) {
    case Noise::kVeryLow:
      return "high";
    case Noise::kLow:
      return "medium";
    case Noise::kMedium:
      return "low";
    case Noise::kHigh:
      return "informational";
  }
  return "low";
}

std::string tag(std::string_view prefix, std::string_view value) {
  std::string out(prefix);
  for (char c : value) out += c == '-' || c == ' ' ? '_' : ascii_lower(c);
  return out;
}

/// A glob as a Sigma value: `*` and `?` keep their meaning, a backslash before one of them (or
/// before another backslash) is a path's backslash and is doubled, since Sigma reads `\*` as an
/// escaped star. Leading and trailing stars go: `contains` implies them.
std::string glob_value(std::string_view glob) {
  while (!glob.empty() && glob.back() == '*') glob.remove_suffix(1);
  while (!glob.empty() && glob.front() == '*') glob.remove_prefix(1);
  std::string out;
  for (std::size_t i = 0; i < glob.size(); ++i) {
    out += glob[i];
    if (glob[i] == '\\' && i + 1 < glob.size() &&
        (glob[i + 1] == '*' || glob[i + 1] == '?' || glob[i + 1] == '\\')) {
      out += '\\';
    }
  }
  return out;
}

/// A switch glob as command lines write it. The knowledge base writes every dash as `/`
/// ("/domain" is -domain or /domain, "/-processstart" is --processStart): the value starts with
/// `-` and the windash modifier adds `/` and the Unicode dashes; "//e" (cscript's own switches)
/// stays as it is.
std::string switch_value(std::string_view glob) {
  std::string s = glob_value(glob);
  if (s.starts_with("//")) return " " + s;
  if (s.starts_with("/")) s[0] = '-';
  return " " + s;
}

void emit_list(YAML::Emitter& y, const std::string& key, const std::vector<std::string>& values) {
  y << YAML::Key << key << YAML::Value;
  if (values.size() == 1) {
    y << YAML::SingleQuoted << values.front();
    return;
  }
  y << YAML::BeginSeq;
  for (const std::string& v : values) y << YAML::SingleQuoted << v;
  y << YAML::EndSeq;
}

/// Escapes Sigma's wildcard and escape characters in a literal (`\` before `*`, `?` or `\`
/// would change the meaning; a lone backslash stays).
std::string literal(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '*' || c == '?') out += '\\';
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

}  // namespace

SigmaExport export_sigma(const KnowledgeBase& kb, const std::string& date) {
  SigmaExport out;
  for (const Entry& e : kb.entries()) {
    if (e.builtin) {
      out.skipped.push_back(e.name + ": a cmd.exe builtin (no process of its own to match)");
      continue;
    }
    SigmaExport::Rule rule;
    rule.entry = e.name;
    rule.id = content_uuid("cmdsentry-kb|" + e.name);
    std::string base;
    for (char c : e.name)
      base += std::isalnum(static_cast<unsigned char>(c)) ? ascii_lower(c) : '_';
    rule.file = "cmdsentry_" + base + ".yml";

    YAML::Emitter y;
    y << YAML::BeginMap;
    y << YAML::Key << "title" << YAML::Value << ("cmdsentry: " + e.name);
    y << YAML::Key << "id" << YAML::Value << rule.id;
    y << YAML::Key << "status" << YAML::Value << "experimental";
    std::string description = e.description.empty() ? e.name : e.description;
    if (e.study)
      description += " One of the commands of the JPCERT/CC 2015 study (phase " + e.phase + ").";
    description += " Exported from the cmdsentry knowledge base";
    if (!e.where.file.empty()) description += fmt::format(" ({}:{})", e.where.file, e.where.line);
    description += "; sources: " + fmt::format("{}", fmt::join(e.sources, "; ")) + ".";
    y << YAML::Key << "description" << YAML::Value << description;
    y << YAML::Key << "author" << YAML::Value << "cmdsentry knowledge base";
    y << YAML::Key << "date" << YAML::Value << YAML::SingleQuoted << date;
    std::vector<std::string> tags;
    if (!e.tactic.empty()) tags.push_back(tag("attack.", e.tactic));
    for (const std::string& t : e.techniques) tags.push_back(tag("attack.", t));
    if (!tags.empty()) {
      y << YAML::Key << "tags" << YAML::Value << YAML::BeginSeq;
      for (const std::string& t : tags) y << t;
      y << YAML::EndSeq;
    }
    y << YAML::Key << "logsource" << YAML::Value << YAML::BeginMap << YAML::Key << "category"
      << YAML::Value << "process_creation" << YAML::Key << "product" << YAML::Value << "windows"
      << YAML::EndMap;
    y << YAML::Key << "detection" << YAML::Value << YAML::BeginMap;
    std::vector<std::string> alternatives;
    for (std::size_t i = 0; i < e.match.size(); ++i) {
      const MatchSpec& m = e.match[i];
      const std::string n = std::to_string(i + 1);
      std::vector<std::string> parts;
      // The program: by path, or by OriginalFileName for a renamed copy.
      std::vector<std::string> images, names;
      for (const std::string& p : m.programs) {
        images.push_back("\\" + p + ".exe");
        names.push_back(p + ".exe");
      }
      y << YAML::Key << ("program" + n) << YAML::Value << YAML::BeginSeq;
      y << YAML::BeginMap;
      emit_list(y, "Image|endswith", images);
      y << YAML::EndMap << YAML::BeginMap;
      emit_list(y, "OriginalFileName", names);
      y << YAML::EndMap << YAML::EndSeq;
      parts.push_back("program" + n);
      auto condition = [&](const std::string& key, const std::string& field,
                           const std::vector<std::string>& values) {
        if (values.empty()) return;
        y << YAML::Key << (key + n) << YAML::Value << YAML::BeginMap;
        emit_list(y, field, values);
        y << YAML::EndMap;
        parts.push_back(key + n);
      };
      std::vector<std::string> subs;
      for (const auto& path : m.subcommands) {
        std::string words;
        for (const std::string& w : path) words += " " + w;
        subs.push_back(glob_value(words));  // globs stay globs: Sigma knows * and ?
      }
      condition("subcommand", "CommandLine|contains", subs);
      // (selection name, field with modifiers, the spec's list, how one item is written)
      using Convert = std::string (*)(std::string_view);
      const std::tuple<const char*, const char*, const std::vector<std::string>*, Convert>
          kLists[] = {
              {"flag", "CommandLine|contains|windash", &m.flags_any, switch_value},
              {"flags", "CommandLine|contains|windash|all", &m.flags_all, switch_value},
              {"argument", "CommandLine|contains", &m.args_any, glob_value},
              {"arguments", "CommandLine|contains|all", &m.args_all, glob_value},
              {"text", "CommandLine|contains", &m.contains_any, literal},
              {"texts", "CommandLine|contains|all", &m.contains_all, literal},
          };
      for (const auto& [key, field, list, convert] : kLists) {
        std::vector<std::string> v;
        for (const std::string& item : *list) v.push_back(convert(item));
        condition(key, field, v);
      }
      alternatives.push_back(
          parts.size() == 1 ? parts[0] : "(" + fmt::format("{}", fmt::join(parts, " and ")) + ")");
    }
    y << YAML::Key << "condition" << YAML::Value
      << fmt::format("{}", fmt::join(alternatives, " or "));
    y << YAML::EndMap;
    y << YAML::Key << "falsepositives" << YAML::Value << YAML::BeginSeq
      << fmt::format(
             "{} noise in the cmdsentry knowledge base: legitimate software and admins run it "
             "{}",
             to_string(e.noise),
             e.noise == Noise::kHigh || e.noise == Noise::kMedium ? "routinely" : "rarely")
      << YAML::EndSeq;
    y << YAML::Key << "level" << YAML::Value << std::string(level_of(e.noise));
    y << YAML::EndMap;
    rule.yaml = std::string(y.c_str()) + "\n";
    out.rules.push_back(std::move(rule));
  }
  append_correlations(kb, date, out);
  return out;
}

}  // namespace cmdsentry::kb
