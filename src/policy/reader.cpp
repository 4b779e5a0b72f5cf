// AppLocker XML -> Policy. pugixml parses (it never fetches external entities and expands no
// DTD entities); this file walks the fixed three levels of the format and checks every value
// it keeps, so an error names the line of the element at fault.
#include "policy/reader.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "core/ascii.h"

namespace cmdsentry::policy {
namespace {

/// Line of byte `offset` of `text` (1-based).
std::uint32_t line_at(std::string_view text, std::ptrdiff_t offset) {
  const auto end = static_cast<std::size_t>(
      std::clamp<std::ptrdiff_t>(offset, 0, static_cast<std::ptrdiff_t>(text.size())));
  return static_cast<std::uint32_t>(1 + std::count(text.begin(), text.begin() + end, '\n'));
}

template <class Enum, std::size_t N>
std::optional<Enum> pick(std::string_view value,
                         const std::array<std::pair<std::string_view, Enum>, N>& names) {
  for (const auto& [name, e] : names) {
    if (iequals(name, value)) return e;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<std::string_view, CollectionType>, 5> kTypes{
    {{"Exe", CollectionType::kExe},
     {"Dll", CollectionType::kDll},
     {"Script", CollectionType::kScript},
     {"Msi", CollectionType::kMsi},
     {"Appx", CollectionType::kAppx}}};
constexpr std::array<std::pair<std::string_view, EnforcementMode>, 3> kModes{
    {{"NotConfigured", EnforcementMode::kNotConfigured},
     {"AuditOnly", EnforcementMode::kAuditOnly},
     {"Enabled", EnforcementMode::kEnabled}}};
constexpr std::array<std::pair<std::string_view, Action>, 2> kActions{
    {{"Allow", Action::kAllow}, {"Deny", Action::kDeny}}};
constexpr std::array<std::pair<std::string_view, RuleKind>, 3> kRuleKinds{
    {{"FilePathRule", RuleKind::kPath},
     {"FilePublisherRule", RuleKind::kPublisher},
     {"FileHashRule", RuleKind::kHash}}};

/// Walks one parsed document; the first problem stops it.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  Result<Policy> read(const pugi::xml_document& doc) {
    const pugi::xml_node root = doc.document_element();
    if (std::string_view(root.name()) != "AppLockerPolicy") {
      return failure(root,
                     fmt::format("the root element is <{}>, not <AppLockerPolicy>", root.name()));
    }
    Policy p;
    if (const auto v = root.attribute("Version"); v) p.version = v.value();
    for (const pugi::xml_node c : root.children("RuleCollection")) {
      auto collection = read_collection(c);
      if (!collection) return tl::unexpected(collection.error());
      for (const RuleCollection& seen : p.collections) {
        if (seen.type == collection->type) {
          return failure(c, fmt::format("a second {} rule collection", to_string(seen.type)));
        }
      }
      p.collections.push_back(std::move(*collection));
    }
    return p;
  }

 private:
  tl::unexpected<Error> failure(const pugi::xml_node& at, std::string message) const {
    const std::ptrdiff_t offset = at ? at.offset_debug() : 0;
    return fail(ErrorCode::kCorrupt, fmt::format("line {}: {}", line_at(text_, offset), message),
                static_cast<std::uint64_t>(std::max<std::ptrdiff_t>(offset, 0)));
  }

  /// A required attribute's value, or an error.
  Result<std::string> required(const pugi::xml_node& n, const char* name) const {
    const pugi::xml_attribute a = n.attribute(name);
    if (!a) return failure(n, fmt::format("<{}> has no {} attribute", n.name(), name));
    return std::string(a.value());
  }

  template <class Enum, std::size_t N>
  Result<Enum> required_enum(const pugi::xml_node& n, const char* name,
                             const std::array<std::pair<std::string_view, Enum>, N>& names) const {
    auto v = required(n, name);
    if (!v) return tl::unexpected(v.error());
    if (auto e = pick(*v, names)) return *e;
    return failure(n, fmt::format("<{}> has {}=\"{}\", which is not one of the AppLocker values",
                                  n.name(), name, *v));
  }

  Result<RuleCollection> read_collection(const pugi::xml_node& n) {
    RuleCollection c;
    auto type = required_enum(n, "Type", kTypes);
    if (!type) return tl::unexpected(type.error());
    c.type = *type;
    if (n.attribute("EnforcementMode")) {
      auto mode = required_enum(n, "EnforcementMode", kModes);
      if (!mode) return tl::unexpected(mode.error());
      c.mode = *mode;
    }
    for (const pugi::xml_node r : n.children()) {
      if (r.type() != pugi::node_element) continue;
      const auto kind = pick(r.name(), kRuleKinds);
      if (!kind) continue;  // RuleCollectionExtensions, FilePackagedAppRule details...
      if (++rules_ > kMaxPolicyRules) {
        return fail(ErrorCode::kLimit,
                    fmt::format("line {}: more than {} rules", line_at(text_, r.offset_debug()),
                                kMaxPolicyRules));
      }
      auto rule = read_rule(r, *kind);
      if (!rule) return tl::unexpected(rule.error());
      c.rules.push_back(std::move(*rule));
    }
    return c;
  }

  Result<Rule> read_rule(const pugi::xml_node& n, RuleKind kind) {
    Rule r;
    r.kind = kind;
    r.line = line_at(text_, n.offset_debug());
    auto id = required(n, "Id");
    if (!id) return tl::unexpected(id.error());
    r.id = std::move(*id);
    r.name = n.attribute("Name").value();
    r.description = n.attribute("Description").value();
    auto sid = required(n, "UserOrGroupSid");
    if (!sid) return tl::unexpected(sid.error());
    r.sid = std::move(*sid);
    auto action = required_enum(n, "Action", kActions);
    if (!action) return tl::unexpected(action.error());
    r.action = *action;
    const pugi::xml_node conditions = n.child("Conditions");
    if (!conditions) return failure(n, fmt::format("<{}> has no <Conditions>", n.name()));
    if (auto ok = read_conditions(conditions, r.conditions); !ok) return tl::unexpected(ok.error());
    if (r.conditions.empty()) return failure(conditions, "<Conditions> holds no condition");
    for (const auto& c : r.conditions) {
      if (static_cast<std::size_t>(c.index()) != static_cast<std::size_t>(kind)) {
        return failure(conditions, fmt::format("<{}> holds a condition of another kind", n.name()));
      }
    }
    if (const pugi::xml_node ex = n.child("Exceptions"); ex) {
      if (auto ok = read_conditions(ex, r.exceptions); !ok) return tl::unexpected(ok.error());
    }
    return r;
  }

  Result<bool> read_conditions(const pugi::xml_node& parent, std::vector<Condition>& out) {
    for (const pugi::xml_node c : parent.children()) {
      if (c.type() != pugi::node_element) continue;
      if (out.size() >= kMaxRuleConditions) {
        return fail(ErrorCode::kLimit,
                    fmt::format("line {}: more than {} conditions in a rule",
                                line_at(text_, c.offset_debug()), kMaxRuleConditions));
      }
      const std::string_view name = c.name();
      if (name == "FilePathCondition") {
        auto path = required(c, "Path");
        if (!path) return tl::unexpected(path.error());
        out.emplace_back(PathCondition{std::move(*path)});
      } else if (name == "FilePublisherCondition") {
        auto pub = read_publisher(c);
        if (!pub) return tl::unexpected(pub.error());
        out.emplace_back(std::move(*pub));
      } else if (name == "FileHashCondition") {
        auto hash = read_hash(c);
        if (!hash) return tl::unexpected(hash.error());
        out.emplace_back(std::move(*hash));
      } else {
        return failure(c, fmt::format("<{}> is not a condition (FilePathCondition, "
                                      "FilePublisherCondition, FileHashCondition)",
                                      name));
      }
    }
    return true;
  }

  Result<PublisherCondition> read_publisher(const pugi::xml_node& c) const {
    PublisherCondition p;
    auto publisher = required(c, "PublisherName");
    if (!publisher) return tl::unexpected(publisher.error());
    p.publisher = std::move(*publisher);
    p.product = c.attribute("ProductName").as_string("*");
    p.binary = c.attribute("BinaryName").as_string("*");
    if (const pugi::xml_node range = c.child("BinaryVersionRange"); range) {
      p.low_version = range.attribute("LowSection").as_string("*");
      p.high_version = range.attribute("HighSection").as_string("*");
    }
    return p;
  }

  Result<HashCondition> read_hash(const pugi::xml_node& c) const {
    HashCondition h;
    for (const pugi::xml_node f : c.children("FileHash")) {
      FileHash fh;
      fh.type = f.attribute("Type").as_string("SHA256");
      auto data = required(f, "Data");
      if (!data) return tl::unexpected(data.error());
      fh.data = std::move(*data);
      fh.source_file_name = f.attribute("SourceFileName").value();
      fh.source_file_length = f.attribute("SourceFileLength").value();
      h.hashes.push_back(std::move(fh));
      if (h.hashes.size() > kMaxRuleConditions) {
        return failure(f, "too many FileHash elements in one condition");
      }
    }
    if (h.hashes.empty()) return failure(c, "<FileHashCondition> holds no <FileHash>");
    return h;
  }

  std::string_view text_;
  std::size_t rules_ = 0;
};

}  // namespace

Result<Policy> read_policy(std::string_view xml) {
  if (xml.size() > kMaxPolicyBytes) {
    return fail(ErrorCode::kLimit,
                fmt::format("line 1: the policy is larger than {} bytes", kMaxPolicyBytes));
  }
  pugi::xml_document doc;
  // parse_default without parse_escapes would keep "&amp;"; keep the default and no DTD.
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_auto);
  // Line numbers count in the bytes as given; for UTF-16 input they are approximate (the
  // offset is into pugixml's converted UTF-8 copy).
  if (!parsed) {
    return fail(ErrorCode::kCorrupt,
                fmt::format("line {}: malformed XML: {}", line_at(xml, parsed.offset),
                            parsed.description()),
                static_cast<std::uint64_t>(std::max<std::ptrdiff_t>(parsed.offset, 0)));
  }
  if (!doc.document_element()) {
    return fail(ErrorCode::kCorrupt, "line 1: the document has no root element");
  }
  return Reader(xml).read(doc);
}

}  // namespace cmdsentry::policy
