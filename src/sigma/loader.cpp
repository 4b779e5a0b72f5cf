#include "sigma/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <system_error>
#include <unordered_map>

#include "core/ascii.h"
#include "core/limits.h"
#include "rules/condition.h"
#include "sigma/correlation.h"

namespace cmdsentry::sigma {
namespace {

/// Why one rule could not be loaded, and where.
struct Problem {
  std::string code;
  std::uint64_t line = 0;  ///< 1-based in the file; 0: the document's first line
  std::uint64_t column = 0;
  std::string message;
};
template <class T>
using Read = tl::expected<T, Problem>;

tl::unexpected<Problem> problem(std::string code, const YAML::Node& at, std::uint64_t base,
                                std::string message) {
  Problem p{std::move(code), 0, 0, std::move(message)};
  const YAML::Mark m = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
  if (m.line >= 0) {
    p.line = base + static_cast<std::uint64_t>(m.line);
    p.column = static_cast<std::uint64_t>(m.column) + 1;
  }
  return tl::unexpected(std::move(p));
}

std::string_view code_of(ErrorCode c) {
  switch (c) {
    case ErrorCode::kUnsupported:
      return "sigma-unsupported";
    case ErrorCode::kLimit:
      return "sigma-limit";
    default:
      return "sigma-invalid";
  }
}

/// A document's text and the 1-based line it starts on.
struct Document {
  std::string_view text;
  std::uint64_t line = 1;
};

/// Splits at `---` and `...` lines (YAML document markers are always at column 0).
std::vector<Document> split_documents(std::string_view text) {
  std::vector<Document> docs;
  std::size_t start = 0;
  std::uint64_t start_line = 1;
  std::uint64_t line = 1;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    const std::string_view l = text.substr(pos, eol - pos);
    const bool marker = (l.starts_with("---") || l.starts_with("...")) &&
                        (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r');
    if (marker) {
      docs.push_back({text.substr(start, pos - start), start_line});
      // Content after "--- " on the marker line belongs to the next document.
      start = l.starts_with("---") ? pos + 3 : eol;
      start_line = line;
    }
    if (eol == text.size()) break;
    pos = eol + 1;
    ++line;
  }
  docs.push_back({text.substr(start), start_line});
  return docs;
}

/// Flow-collection nesting and block indentation bound the YAML parser's recursion; past
/// these, the document is refused before parsing (yaml-cpp's own guard is at 2,000 levels).
bool too_deep(std::string_view text) {
  constexpr int kMaxFlowDepth = 64;
  constexpr std::size_t kMaxIndent = 512;
  int depth = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    const std::string_view l = text.substr(pos, eol - pos);
    std::size_t indent = 0;
    while (indent < l.size() && (l[indent] == ' ' || l[indent] == '-' || l[indent] == '?')) {
      ++indent;
    }
    if (indent > kMaxIndent) return true;
    char quote = 0;
    for (char c : l) {
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '#') {
        break;
      } else if (c == '[' || c == '{') {
        if (++depth > kMaxFlowDepth) return true;
      } else if ((c == ']' || c == '}') && depth > 0) {
        --depth;
      }
    }
    pos = eol + 1;
  }
  return false;
}

/// Counts the nodes of a document as the reader will visit them (aliases expanded).
bool within_budget(const YAML::Node& n, int depth, std::size_t& count) {
  if (depth > limits::kMaxSigmaDepth || ++count > limits::kMaxSigmaNodes) return false;
  if (n.IsSequence()) {
    for (const auto& item : n) {
      if (!within_budget(item, depth + 1, count)) return false;
    }
  } else if (n.IsMap()) {
    for (const auto& kv : n) {
      if (!within_budget(kv.first, depth + 1, count) ||
          !within_budget(kv.second, depth + 1, count)) {
        return false;
      }
    }
  }
  return true;
}

constexpr std::array<std::string_view, 14> kTactics{"reconnaissance",  "resource-development",
                                                    "initial-access",  "execution",
                                                    "persistence",     "privilege-escalation",
                                                    "defense-evasion", "credential-access",
                                                    "discovery",       "lateral-movement",
                                                    "collection",      "command-and-control",
                                                    "exfiltration",    "impact"};

bool technique_id(std::string_view s) {
  // t1234 or t1234.001
  if (s.size() != 5 && s.size() != 9) return false;
  if (s[0] != 't') return false;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (i == 5) {
      if (s[i] != '.') return false;
    } else if (s[i] < '0' || s[i] > '9') {
      return false;
    }
  }
  return true;
}

/// ATT&CK tags: attack.t1059.001 -> technique T1059.001; attack.execution -> tactic (the first).
void read_tags(rules::Rule& r) {
  for (const std::string& tag : r.tags) {
    std::string t = to_lower(tag);
    if (!t.starts_with("attack.")) continue;
    t.erase(0, 7);
    std::replace(t.begin(), t.end(), '_', '-');
    if (technique_id(t)) {
      t[0] = 'T';
      if (std::find(r.techniques.begin(), r.techniques.end(), t) == r.techniques.end()) {
        r.techniques.push_back(t);
      }
    } else if (r.tactic.empty() &&
               std::find(kTactics.begin(), kTactics.end(), t) != kTactics.end()) {
      r.tactic = t;
    }
  }
}

std::optional<Level> level_of(std::string_view s) {
  for (Level l :
       {Level::kInformational, Level::kLow, Level::kMedium, Level::kHigh, Level::kCritical}) {
    if (to_string(l) == s) return l;
  }
  return std::nullopt;
}

/// Reads one document into a rule.
class RuleReader {
 public:
  RuleReader(const LoadOptions& options, std::uint64_t base) : options_(options), base_(base) {}

  /// A correlation document (the identity fields as a detection rule's).
  tl::expected<CorrelationRule, Problem> read_correlation_rule(const YAML::Node& doc) {
    rules::Rule meta;
    auto ok = identity(doc, meta);
    if (!ok) return tl::unexpected(ok.error());
    auto c = read_correlation(doc, base_, std::move(meta));
    if (!c) {
      const Diagnostic& d = c.error();
      return tl::unexpected(Problem{d.code, d.where.line, d.where.column, d.message});
    }
    return std::move(*c);
  }

  Read<rules::Rule> read(const YAML::Node& doc) {
    if (!doc.IsMap()) return problem("sigma-invalid", doc, base_, "a rule must be a YAML map");
    if (doc["filter"] && !doc["detection"]) {
      return problem("sigma-unsupported", doc["filter"], base_,
                     "Sigma filter (meta) rules are not supported");
    }
    if (doc["action"]) {
      return problem("sigma-unsupported", doc["action"], base_,
                     "rule collections (action: global/reset/repeat) are not supported");
    }
    rules::Rule r;
    auto ok_identity = identity(doc, r);
    if (!ok_identity) return tl::unexpected(ok_identity.error());
    const YAML::Node ls = doc["logsource"];
    if (!ls || !ls.IsMap()) {
      return problem("sigma-invalid", ls ? ls : doc, base_, "logsource must be a map");
    }
    std::array<std::string, 3> where;
    const std::array<const char*, 3> keys{"product", "category", "service"};
    for (std::size_t i = 0; i < keys.size(); ++i) {
      auto v = text(ls, keys[i], false);
      if (!v) return tl::unexpected(v.error());
      where[i] = to_lower(*v);
    }
    r.route = route_of(where[0], where[1], where[2]);
    const YAML::Node det = doc["detection"];
    if (!det || !det.IsMap()) {
      return problem("sigma-invalid", det ? det : doc, base_, "detection must be a map");
    }
    auto ok = detections(det, r);
    if (!ok) return tl::unexpected(ok.error());
    return r;
  }

 private:
  /// title, id, name, status, level, tags.
  Read<void> identity(const YAML::Node& doc, rules::Rule& r) {
    r.line = base_ + static_cast<std::uint64_t>(std::max(0, doc.Mark().line));
    auto title = text(doc, "title", true);
    if (!title) return tl::unexpected(title.error());
    r.title = *title;
    auto id = text(doc, "id", false);
    if (!id) return tl::unexpected(id.error());
    r.id = id->empty() ? r.title : *id;
    auto status = text(doc, "status", false);
    if (!status) return tl::unexpected(status.error());
    r.status = to_lower(*status);
    auto level = text(doc, "level", false);
    if (!level) return tl::unexpected(level.error());
    if (!level->empty()) {
      const auto l = level_of(to_lower(*level));
      if (!l)
        return problem("sigma-invalid", doc["level"], base_, "unknown level '" + *level + "'");
      r.level = *l;
    }
    if (const YAML::Node tags = doc["tags"]) {
      if (!tags.IsSequence()) return problem("sigma-invalid", tags, base_, "tags must be a list");
      for (const auto& t : tags) {
        if (!t.IsScalar()) return problem("sigma-invalid", t, base_, "a tag must be text");
        r.tags.push_back(t.Scalar());
      }
    }
    read_tags(r);
    auto name = text(doc, "name", false);
    if (!name) return tl::unexpected(name.error());
    r.name = *name;
    return {};
  }

  /// A scalar field of a map ("" when absent and optional).
  Read<std::string> text(const YAML::Node& map, const char* key, bool required) {
    const YAML::Node n = map[key];
    if (!n || n.IsNull()) {
      if (required) return problem("sigma-invalid", map, base_, std::string(key) + " is missing");
      return std::string();
    }
    if (!n.IsScalar())
      return problem("sigma-invalid", n, base_, std::string(key) + " must be text");
    if (required && trim(n.Scalar()).empty()) {
      return problem("sigma-invalid", n, base_, std::string(key) + " is empty");
    }
    return n.Scalar();
  }

  Read<void> detections(const YAML::Node& det, rules::Rule& r) {
    YAML::Node condition;
    for (const auto& kv : det) {
      if (!kv.first.IsScalar()) {
        return problem("sigma-invalid", kv.first, base_, "a detection name must be text");
      }
      const std::string& name = kv.first.Scalar();
      if (name == "condition") {
        condition = kv.second;
        continue;
      }
      if (name == "timeframe") continue;  // Sigma 1.0 aggregation window: nothing to run
      if (r.detections.size() >= limits::kMaxSigmaDetections) {
        return problem("sigma-limit", kv.first, base_, "too many detections");
      }
      rules::Detection d;
      d.name = name;
      auto ok = search(kv.second, d);
      if (!ok) return ok;
      r.detections.push_back(std::move(d));
    }
    if (!condition) return problem("sigma-invalid", det, base_, "detection has no condition");
    std::vector<YAML::Node> conds;
    if (condition.IsSequence()) {
      for (const auto& c : condition) conds.push_back(c);
    } else {
      conds.push_back(condition);
    }
    if (conds.empty()) return problem("sigma-invalid", condition, base_, "an empty condition");
    for (const YAML::Node& c : conds) {
      if (!c.IsScalar()) return problem("sigma-invalid", c, base_, "a condition must be text");
      if (c.Scalar().find('|') != std::string::npos) {
        return problem("sigma-unsupported", c, base_,
                       "aggregations in conditions ('| count() ...', Sigma 1.0) are not "
                       "supported; correlation rules replace them");
      }
      auto parsed = rules::parse_condition(c.Scalar());
      if (!parsed) {
        auto p = problem("sigma-condition", c, base_, parsed.error().message);
        p.value().column += parsed.error().offset;
        return p;
      }
      auto resolved = rules::resolve(*parsed, r.detections);
      if (!resolved) return problem("sigma-condition", c, base_, resolved.error().message);
      r.conditions.push_back(std::move(*resolved));
    }
    return {};
  }

  /// One search identifier: a map (AND), a list of maps (OR) or of keywords.
  Read<void> search(const YAML::Node& n, rules::Detection& d) {
    if (n.IsMap()) {
      std::vector<rules::FieldTest> group;
      auto ok = fields(n, group);
      if (!ok) return ok;
      d.alternatives.push_back(std::move(group));
      return {};
    }
    if (n.IsScalar()) {
      return keywords(n, {n.Scalar()}, d);
    }
    if (!n.IsSequence() || n.size() == 0) {
      return problem("sigma-invalid", n, base_,
                     "detection '" + d.name + "' must be a map or a non-empty list");
    }
    std::vector<SigmaValue> words;
    for (const auto& item : n) {
      if (item.IsMap()) {
        std::vector<rules::FieldTest> group;
        auto ok = fields(item, group);
        if (!ok) return ok;
        d.alternatives.push_back(std::move(group));
      } else if (item.IsScalar()) {
        words.emplace_back(item.Scalar());
      } else {
        return problem("sigma-invalid", item, base_,
                       "detection '" + d.name + "': a list item must be a map or a value");
      }
    }
    if (!words.empty()) return keywords(n, std::move(words), d);
    return {};
  }

  Read<void> keywords(const YAML::Node& at, std::vector<SigmaValue> words, rules::Detection& d) {
    auto tests = compile_field("", {}, words, options_.placeholders);
    if (!tests)
      return problem(std::string(code_of(tests.error().code)), at, base_, tests.error().message);
    d.alternatives.push_back(std::move(*tests));
    return {};
  }

  /// `field|mod|mod: value or list` entries of a map, ANDed into `group`.
  Read<void> fields(const YAML::Node& map, std::vector<rules::FieldTest>& group) {
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) {
        return problem("sigma-invalid", kv.first, base_, "a field name must be text");
      }
      const std::string& key = kv.first.Scalar();
      std::vector<std::string> parts;
      std::size_t start = 0;
      for (std::size_t bar = key.find('|');; bar = key.find('|', start)) {
        parts.push_back(key.substr(start, bar == std::string::npos ? bar : bar - start));
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
      const std::string field = parts.front();
      parts.erase(parts.begin());
      for (std::string& m : parts) m = to_lower(m);
      std::vector<SigmaValue> values;
      const YAML::Node& v = kv.second;
      if (v.IsNull()) {
        values.emplace_back(std::nullopt);
      } else if (v.IsScalar()) {
        values.emplace_back(v.Scalar());
      } else if (v.IsSequence() && v.size() > 0) {
        for (const auto& item : v) {
          if (item.IsNull()) {
            values.emplace_back(std::nullopt);
          } else if (item.IsScalar()) {
            values.emplace_back(item.Scalar());
          } else {
            return problem("sigma-invalid", item, base_, "'" + key + "': a value must be text");
          }
        }
      } else {
        return problem("sigma-invalid", v, base_,
                       "'" + key + "' must have a value or a non-empty list of values");
      }
      auto tests = compile_field(field, parts, values, options_.placeholders);
      if (!tests) {
        return problem(std::string(code_of(tests.error().code)), kv.first, base_,
                       "'" + key + "': " + tests.error().message);
      }
      for (auto& t : *tests) group.push_back(std::move(t));
    }
    if (group.empty()) return problem("sigma-invalid", map, base_, "an empty detection map");
    return {};
  }

  const LoadOptions& options_;
  std::uint64_t base_;
};

void add_failure(LoadResult& out, const std::string& file, const Problem& p) {
  Diagnostic d;
  d.severity = DiagnosticSeverity::kError;
  d.code = p.code;
  d.where.file = file;
  d.where.line = p.line;
  d.where.column = p.column;
  d.message = p.message;
  out.diagnostics.push_back(std::move(d));
  ++out.failed;
}

/// Two rules with one id (a rule copied into two folders, an id pasted from another rule): both
/// load and run, and each later one gets a warning naming the first, since findings, `--sigma`
/// filters and SIEM pipelines tell rules apart by id.
void warn_duplicate_ids(LoadResult& out) {
  std::unordered_map<std::string, const rules::Rule*> first;
  for (const rules::Rule& r : out.rules) {
    if (r.id.empty()) continue;
    auto [it, fresh] = first.emplace(r.id, &r);
    if (fresh) continue;
    Diagnostic d;
    d.severity = DiagnosticSeverity::kWarning;
    d.code = "sigma-duplicate-id";
    d.where.file = r.file;
    d.where.line = r.line;
    d.message = "rule id " + r.id + " is also the id of " + it->second->file + ":" +
                std::to_string(it->second->line) + " (\"" + it->second->title + "\"); both run";
    out.diagnostics.push_back(std::move(d));
  }
}

/// A rule read into `into`, or its failure (at the document's line when the node has none).
template <class T>
void store(LoadResult& out, const std::string& file, std::uint64_t line,
           tl::expected<T, Problem> read, std::vector<T>& into) {
  if (read) {
    into.push_back(std::move(*read));
    return;
  }
  Problem p = read.error();
  if (p.line == 0) p.line = line;
  add_failure(out, file, p);
}

/// After every file is read: duplicate ids, and correlations linked to the rules they name.
void finish_load(LoadResult& out) {
  warn_duplicate_ids(out);
  (void)link_correlations(out.rules, out.correlations, out.diagnostics, out.failed);
  // A count past the per-group entry cap can never be reached: say so, and let it load.
  for (const CorrelationRule& c : out.correlations) {
    const CorrelationCondition& k = c.condition;
    const double need = k.gt ? *k.gt + 1 : k.gte ? *k.gte : k.eq ? *k.eq : 0;
    if (c.type != CorrelationType::kEventCount ||
        need <= static_cast<double>(limits::kMaxCorrelationEntries)) {
      continue;
    }
    Diagnostic d;
    d.severity = DiagnosticSeverity::kWarning;
    d.code = "sigma-limit";
    d.where.file = c.meta.file;
    d.where.line = c.meta.line;
    d.message = "correlation '" + c.meta.title + "' needs more matches than a group holds (" +
                std::to_string(limits::kMaxCorrelationEntries) + "): it cannot fire";
    out.diagnostics.push_back(std::move(d));
  }
}

bool rule_file(const std::filesystem::path& p) {
  const std::string ext = to_lower(p.extension().string());
  return ext == ".yml" || ext == ".yaml";
}

}  // namespace

std::string route_of(std::string_view product, std::string_view category,
                     std::string_view service) {
  if (!product.empty() && product != "windows") {
    return "product:" + std::string(product) + "/" + std::string(category) + "/" +
           std::string(service);
  }
  if (category == "process_creation") return "process_creation";
  if (!category.empty()) return "category:" + std::string(category);
  if (service.empty()) return "";
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kChannels{{
      {"security", "security"},
      {"system", "system"},
      {"application", "application"},
      {"sysmon", "microsoft-windows-sysmon/operational"},
      {"powershell", "microsoft-windows-powershell/operational"},
      {"powershell-classic", "windows powershell"},
  }};
  for (const auto& [name, channel] : kChannels) {
    if (name == service) return std::string(channel);
  }
  return "service:" + std::string(service);
}

void load_text(std::string_view text, const std::string& file, const LoadOptions& options,
               LoadResult& out) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const std::vector<Document> docs = split_documents(text);
  std::size_t seen = 0;
  for (const Document& doc : docs) {
    if (trim(doc.text).empty()) continue;
    if (++seen > limits::kMaxSigmaDocuments) {
      add_failure(out, file,
                  {"sigma-limit", doc.line, 0,
                   "more than " + std::to_string(limits::kMaxSigmaDocuments) +
                       " documents in one file; the rest is not read"});
      return;
    }
    if (too_deep(doc.text)) {
      add_failure(out, file, {"sigma-limit", doc.line, 0, "YAML nested too deeply"});
      continue;
    }
    YAML::Node node;
    try {
      node = YAML::Load(std::string(doc.text));
    } catch (const YAML::Exception& e) {
      Problem p{"sigma-yaml", doc.line, 0, e.msg};
      if (e.mark.line >= 0) {
        p.line = doc.line + static_cast<std::uint64_t>(e.mark.line);
        p.column = static_cast<std::uint64_t>(e.mark.column) + 1;
      }
      add_failure(out, file, p);
      continue;
    }
    if (node.IsNull()) continue;  // comments only
    std::size_t count = 0;
    if (!within_budget(node, 0, count)) {
      add_failure(out, file,
                  {"sigma-limit", doc.line, 0,
                   "the rule is too large or too deeply nested (aliases count each time)"});
      continue;
    }
    try {
      RuleReader reader(options, doc.line);
      if (node.IsMap() && node["correlation"]) {
        auto c = reader.read_correlation_rule(node);
        if (c) c->meta.file = file;
        store(out, file, doc.line, std::move(c), out.correlations);
      } else {
        auto r = reader.read(node);
        if (r) r->file = file;
        store(out, file, doc.line, std::move(r), out.rules);
      }
    } catch (const YAML::Exception& e) {
      add_failure(out, file, {"sigma-invalid", doc.line, 0, e.msg});
    }
  }
}

LoadResult load_text(std::string_view text, const std::string& file, const LoadOptions& options) {
  LoadResult out;
  load_text(text, file, options, out);
  finish_load(out);
  return out;
}

LoadResult load_paths(const std::vector<std::filesystem::path>& paths, const LoadOptions& options) {
  LoadResult out;
  std::vector<std::filesystem::path> files;
  auto unreadable = [&](const std::filesystem::path& p, const std::string& why) {
    add_failure(out, p.string(), {"sigma-unreadable", 0, 0, why});
  };
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::filesystem::path> found;
      auto it = std::filesystem::recursive_directory_iterator(
          p, std::filesystem::directory_options::skip_permission_denied, ec);
      for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it.depth() > limits::kMaxDirectoryDepth) {
          it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file(ec) && rule_file(it->path())) found.push_back(it->path());
      }
      if (ec) unreadable(p, "cannot walk the directory: " + ec.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      unreadable(p, "no such file or directory");
    }
  }
  if (files.size() > limits::kMaxSigmaFiles) {
    add_failure(out, files[limits::kMaxSigmaFiles].string(),
                {"sigma-limit", 0, 0,
                 "more than " + std::to_string(limits::kMaxSigmaFiles) +
                     " rule files; the rest is not read"});
    files.resize(limits::kMaxSigmaFiles);
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      unreadable(f, "cannot open the file");
      continue;
    }
    std::string text(limits::kMaxSigmaFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > limits::kMaxSigmaFileBytes) {
      add_failure(out, f.string(),
                  {"sigma-limit", 0, 0,
                   "larger than " + std::to_string(limits::kMaxSigmaFileBytes) + " bytes"});
      continue;
    }
    ++out.files;
    load_text(text, f.string(), options, out);
  }
  finish_load(out);
  return out;
}

}  // namespace cmdsentry::sigma
