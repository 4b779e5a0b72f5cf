// Reading and linking Sigma correlation documents (the grammar is atop sigma/correlation.h).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <unordered_map>

#include "core/ascii.h"
#include "core/limits.h"
#include "sigma/correlation.h"

namespace cmdsentry::sigma {
namespace {

using Read = tl::expected<CorrelationRule, Diagnostic>;

Diagnostic problem(std::string code, const YAML::Node& at, std::uint64_t base, std::string message,
                   DiagnosticSeverity severity = DiagnosticSeverity::kError) {
  Diagnostic d;
  d.severity = severity;
  d.code = std::move(code);
  d.message = std::move(message);
  const YAML::Mark m = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
  if (m.line >= 0) {
    d.where.line = base + static_cast<std::uint64_t>(m.line);
    d.where.column = static_cast<std::uint64_t>(m.column) + 1;
  }
  return d;
}

tl::unexpected<Diagnostic> invalid(const YAML::Node& at, std::uint64_t base, std::string message) {
  return tl::unexpected(problem("sigma-invalid", at, base, std::move(message)));
}

constexpr std::array<std::pair<std::string_view, CorrelationType>, 7> kTypes{{
    {"event_count", CorrelationType::kEventCount},
    {"value_count", CorrelationType::kValueCount},
    {"temporal", CorrelationType::kTemporal},
    {"temporal_ordered", CorrelationType::kTemporalOrdered},
    {"value_sum", CorrelationType::kValueSum},
    {"value_avg", CorrelationType::kValueAvg},
    {"value_percentile", CorrelationType::kValuePercentile},
}};

bool temporal(CorrelationType t) {
  return t == CorrelationType::kTemporal || t == CorrelationType::kTemporalOrdered;
}
bool needs_field(CorrelationType t) { return t != CorrelationType::kEventCount && !temporal(t); }

std::optional<double> number_of(const std::string& s) {
  double v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

/// A list of text items (a single scalar counts as a list of one).
tl::expected<std::vector<std::string>, Diagnostic> texts(const YAML::Node& n, std::uint64_t base,
                                                         const char* what) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return out;
  }
  if (!n.IsSequence()) return invalid(n, base, std::string(what) + " must be a list");
  for (const auto& item : n) {
    if (!item.IsScalar() || trim(item.Scalar()).empty()) {
      return invalid(item, base, std::string("an item of ") + what + " must be text");
    }
    out.push_back(item.Scalar());
  }
  return out;
}

tl::expected<void, Diagnostic> read_condition(const YAML::Node& n, std::uint64_t base,
                                              CorrelationRule& r) {
  if (!n.IsMap()) return invalid(n, base, "correlation condition must be a map");
  CorrelationCondition& c = r.condition;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) return invalid(kv.first, base, "a condition key must be text");
    const std::string key = kv.first.Scalar();
    if (key == "field") {
      auto f = texts(kv.second, base, "field");
      if (!f) return tl::unexpected(f.error());
      c.fields = std::move(*f);
      continue;
    }
    std::optional<double>* slot = key == "gt"    ? &c.gt
                                  : key == "gte" ? &c.gte
                                  : key == "lt"  ? &c.lt
                                  : key == "lte" ? &c.lte
                                  : key == "eq"  ? &c.eq
                                  : key == "neq" ? &c.neq
                                                 : nullptr;
    if (slot == nullptr) {
      return invalid(kv.first, base,
                     "unknown condition '" + key + "' (gt, gte, lt, lte, eq, neq, field)");
    }
    std::optional<double> v;
    if (kv.second.IsScalar()) v = number_of(kv.second.Scalar());
    if (!v) return invalid(kv.second, base, "condition " + key + " wants a number");
    *slot = v;
  }
  if (c.empty() && !temporal(r.type)) {
    return invalid(n, base, "the condition has no gt, gte, lt, lte, eq or neq");
  }
  if (needs_field(r.type) && c.fields.empty()) {
    return invalid(n, base, std::string(to_string(r.type)) + " needs a 'field' in its condition");
  }
  if (c.fields.size() > limits::kMaxCorrelationRules) {
    return tl::unexpected(problem("sigma-limit", n, base, "too many condition fields"));
  }
  return {};
}

tl::expected<void, Diagnostic> read_aliases(const YAML::Node& n, std::uint64_t base,
                                            CorrelationRule& r) {
  if (!n.IsMap()) return invalid(n, base, "aliases must be a map");
  for (const auto& alias : n) {
    if (!alias.first.IsScalar() || !alias.second.IsMap()) {
      return invalid(alias.first, base, "an alias must map rule names to field names");
    }
    auto& per_rule = r.aliases[alias.first.Scalar()];
    for (const auto& kv : alias.second) {
      if (!kv.first.IsScalar() || !kv.second.IsScalar() || trim(kv.second.Scalar()).empty()) {
        return invalid(
            kv.first, base,
            "alias '" + alias.first.Scalar() + "': each rule name must map to a field name");
      }
      per_rule[kv.first.Scalar()] = kv.second.Scalar();
    }
  }
  return {};
}

}  // namespace

std::string_view to_string(CorrelationType type) {
  for (const auto& [name, t] : kTypes) {
    if (t == type) return name;
  }
  return "event_count";
}

bool CorrelationCondition::holds(double v) const {
  return (!gt || v > *gt) && (!gte || v >= *gte) && (!lt || v < *lt) && (!lte || v <= *lte) &&
         (!eq || v == *eq) && (!neq || v != *neq);
}

std::optional<std::uint64_t> parse_timespan(std::string_view text) {
  if (text.size() < 2 || text.size() > 10) return std::nullopt;
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (ec != std::errc() || p != text.data() + text.size() - 1 || n == 0) return std::nullopt;
  std::uint64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'w':
      unit = 7 * 86400;
      break;
    default:
      return std::nullopt;
  }
  if (n > limits::kMaxCorrelationTimespanSeconds / unit) return std::nullopt;
  return n * unit * 10'000'000ULL;
}

tl::expected<CorrelationRule, Diagnostic> read_correlation(const YAML::Node& doc,
                                                           std::uint64_t base, rules::Rule meta) {
  CorrelationRule r;
  r.meta = std::move(meta);
  const YAML::Node c = doc["correlation"];
  if (!c.IsMap()) return invalid(c, base, "correlation must be a map");
  const YAML::Node type = c["type"];
  if (!type || !type.IsScalar())
    return invalid(type ? type : c, base, "correlation type is missing");
  const auto t = std::find_if(kTypes.begin(), kTypes.end(),
                              [&](const auto& k) { return k.first == type.Scalar(); });
  if (t == kTypes.end()) {
    return invalid(type, base, "unknown correlation type '" + type.Scalar() + "'");
  }
  r.type = t->second;

  const YAML::Node refs = c["rules"];
  if (!refs) return invalid(c, base, "correlation rules is missing");
  if (refs.IsScalar()) {
    r.rules.push_back(refs.Scalar());
    r.rule_lines.push_back(base + static_cast<std::uint64_t>(std::max(0, refs.Mark().line)));
  } else if (refs.IsSequence()) {
    for (const auto& item : refs) {
      if (!item.IsScalar() || trim(item.Scalar()).empty()) {
        return invalid(item, base, "a correlation rule reference must be an id or a name");
      }
      r.rules.push_back(item.Scalar());
      r.rule_lines.push_back(base + static_cast<std::uint64_t>(std::max(0, item.Mark().line)));
    }
  } else {
    return invalid(refs, base, "correlation rules must be a list of ids or names");
  }
  if (r.rules.empty()) return invalid(refs, base, "correlation rules is empty");
  if (r.rules.size() > limits::kMaxCorrelationRules) {
    return tl::unexpected(
        problem("sigma-limit", refs, base, "a correlation refers to too many rules"));
  }

  const YAML::Node group = c["group-by"];
  if (!group) {
    return invalid(c, base, "correlation group-by is missing (an empty list means one group)");
  }
  if (!group.IsNull()) {
    auto g = texts(group, base, "group-by");
    if (!g) return tl::unexpected(g.error());
    r.group_by = std::move(*g);
  }
  if (r.group_by.size() > limits::kMaxCorrelationRules) {
    return tl::unexpected(problem("sigma-limit", group, base, "too many group-by fields"));
  }

  const YAML::Node span = c["timespan"];
  if (!span) return invalid(c, base, "correlation timespan is missing");
  const auto ticks = span.IsScalar() ? parse_timespan(span.Scalar()) : std::nullopt;
  if (!ticks) {
    return invalid(span, base,
                   "bad timespan (a number and s, m, h, d or w, such as 5m; at most 30 days)");
  }
  r.timespan = *ticks;

  if (const YAML::Node cond = c["condition"]) {
    auto ok = read_condition(cond, base, r);
    if (!ok) return tl::unexpected(ok.error());
  } else if (!temporal(r.type)) {
    return invalid(c, base, std::string(to_string(r.type)) + " needs a condition");
  }
  if (const YAML::Node aliases = c["aliases"]) {
    auto ok = read_aliases(aliases, base, r);
    if (!ok) return tl::unexpected(ok.error());
  }
  if (const YAML::Node gen = doc["generate"]) {
    if (!gen.IsScalar() || (gen.Scalar() != "true" && gen.Scalar() != "false")) {
      return invalid(gen, base, "generate must be true or false");
    }
    r.generate = gen.Scalar() == "true";
  }
  return r;
}

std::vector<std::vector<CorrelationRef>> link_correlations(
    const std::vector<rules::Rule>& rules, std::vector<CorrelationRule>& correlations,
    std::vector<Diagnostic>& diagnostics, std::size_t& failed) {
  auto fail = [&](const CorrelationRule& c, std::uint64_t line, std::string why) {
    Diagnostic d;
    d.severity = DiagnosticSeverity::kError;
    d.code = "sigma-correlation";
    d.where.file = c.meta.file;
    d.where.line = line == 0 ? c.meta.line : line;
    d.message = "correlation '" + c.meta.title + "': " + why;
    diagnostics.push_back(std::move(d));
    ++failed;
  };
  // Repeat until stable: removing one correlation can orphan another that refers to it.
  for (;;) {
    std::unordered_map<std::string, CorrelationRef> names;
    for (std::size_t i = rules.size(); i-- > 0;) {
      if (!rules[i].name.empty()) names[rules[i].name] = {false, i};
      names[rules[i].id] = {false, i};
    }
    for (std::size_t i = correlations.size(); i-- > 0;) {
      if (!correlations[i].meta.name.empty()) names[correlations[i].meta.name] = {true, i};
      names[correlations[i].meta.id] = {true, i};
    }
    std::vector<std::vector<CorrelationRef>> refs(correlations.size());
    std::vector<bool> bad(correlations.size(), false);
    for (std::size_t i = 0; i < correlations.size(); ++i) {
      const CorrelationRule& c = correlations[i];
      for (std::size_t k = 0; k < c.rules.size() && !bad[i]; ++k) {
        auto it = names.find(c.rules[k]);
        if (it == names.end()) {
          fail(c, c.rule_lines[k], "refers to unknown rule '" + c.rules[k] + "'");
          bad[i] = true;
        } else if (it->second.correlation && it->second.index == i) {
          fail(c, c.rule_lines[k], "refers to itself");
          bad[i] = true;
        } else {
          refs[i].push_back(it->second);
        }
      }
      for (const auto& [alias, per_rule] : c.aliases) {
        for (const auto& kv : per_rule) {
          if (!bad[i] && std::find(c.rules.begin(), c.rules.end(), kv.first) == c.rules.end()) {
            fail(c, 0,
                 "alias '" + alias + "' names rule '" + kv.first + "', which it does not refer to");
            bad[i] = true;
          }
        }
      }
    }
    // Chains: depth by repeated relaxation; a cycle never settles and passes the cap.
    std::vector<std::size_t> depth(correlations.size(), 0);
    for (std::size_t round = 0; round <= limits::kMaxCorrelationDepth; ++round) {
      for (std::size_t i = 0; i < correlations.size(); ++i) {
        for (const CorrelationRef& r : refs[i]) {
          if (r.correlation) depth[i] = std::max(depth[i], depth[r.index] + 1);
        }
      }
    }
    for (std::size_t i = 0; i < correlations.size(); ++i) {
      if (!bad[i] && depth[i] > limits::kMaxCorrelationDepth) {
        fail(correlations[i], 0,
             "its chain of correlations is a cycle or deeper than " +
                 std::to_string(limits::kMaxCorrelationDepth));
        bad[i] = true;
      }
    }
    if (std::find(bad.begin(), bad.end(), true) == bad.end()) return refs;
    std::vector<CorrelationRule> kept;
    for (std::size_t i = 0; i < correlations.size(); ++i) {
      if (!bad[i]) kept.push_back(std::move(correlations[i]));
    }
    correlations = std::move(kept);
  }
}

}  // namespace cmdsentry::sigma
