#include "policy/generate.h"

#include <cstdint>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/ascii.h"
#include "policy/binaries.h"

namespace cmdsentry::policy {
namespace {

using simdjson::dom::element;

// The stock default rules (applocker-policy.md, section 6) with their stock Ids, so
// Set-AppLockerPolicy -Merge de-duplicates them; an empty Id (Microsoft's is unverified) is derived
// from the content.
struct StockPathRule {
  CollectionType type;
  std::string_view id;
  std::string_view name;
  std::string_view description;
  std::string_view sid;
  std::string_view path;
};

constexpr StockPathRule kStockPathRules[] = {
    {CollectionType::kExe, "fd686d83-a829-4351-8ff4-27c7de5755d2", "(Default Rule) All files",
     "Administrators may run every executable.", kAdministratorsSid, "*"},
    {CollectionType::kExe, "921cc481-6e17-4653-8f75-050b80acca20",
     "(Default Rule) All files located in the Program Files folder",
     "Everyone may run executables installed under Program Files.", kEveryoneSid,
     "%PROGRAMFILES%\\*"},
    {CollectionType::kExe, "a61c8b2c-a319-4cd0-9690-d2177cad7b51",
     "(Default Rule) All files located in the Windows folder",
     "Everyone may run executables in the Windows folder.", kEveryoneSid, "%WINDIR%\\*"},
    {CollectionType::kScript, "ed97d0cb-15ff-430f-b82c-8d7832957725", "(Default Rule) All scripts",
     "Administrators may run every script.", kAdministratorsSid, "*"},
    {CollectionType::kScript, "06dce67b-934c-454f-a263-2515c8796a5d",
     "(Default Rule) All scripts located in the Program Files folder",
     "Everyone may run scripts under Program Files.", kEveryoneSid, "%PROGRAMFILES%\\*"},
    {CollectionType::kScript, "9428c672-5fc3-47f4-808a-a0011f36dd2c",
     "(Default Rule) All scripts located in the Windows folder",
     "Everyone may run scripts in the Windows folder.", kEveryoneSid, "%WINDIR%\\*"},
    {CollectionType::kMsi, "5b290184-345a-4453-b184-45305f6d9a54",
     "(Default Rule) All Windows Installer files in %systemdrive%\\Windows\\Installer",
     "Everyone may run Windows' cached installers.", kEveryoneSid, "%WINDIR%\\Installer\\*"},
    {CollectionType::kMsi, "64ad46ff-0d71-4fa0-a30b-3f3d30c5433d",
     "(Default Rule) All Windows Installer files", "Administrators may install every package.",
     kAdministratorsSid, "*.*"},
    {CollectionType::kDll, "fe64f59f-6fca-45e5-a731-0f6715327c38", "(Default Rule) All DLLs",
     "Administrators may load every DLL.", kAdministratorsSid, "*"},
    {CollectionType::kDll, "", "(Default Rule) Microsoft Windows DLLs",
     "Everyone may load DLLs in the Windows folder.", kEveryoneSid, "%WINDIR%\\*"},
    {CollectionType::kDll, "", "(Default Rule) All DLLs located in the Program Files folder",
     "Everyone may load DLLs under Program Files.", kEveryoneSid, "%PROGRAMFILES%\\*"},
};
constexpr std::string_view kSignedMsiId = "b7af7102-efde-4369-8a89-7a6a392d1473";
constexpr std::string_view kSignedAppxId = "a9e18c21-ff8f-43cf-b9fc-db40eed693ba";

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

/// One binary to restrict, resolved.
struct Target {
  std::string file_name;
  std::string original_file_name;
  std::vector<std::string> paths;
  std::string why;  ///< for descriptions
  std::vector<ExemptGroup> exempt;
};

Rule make_rule(RuleKind kind, std::string_view name, std::string_view description,
               std::string_view sid, Action action, Condition condition) {
  Rule r;
  r.kind = kind;
  r.name = name;
  r.description = description;
  r.sid = sid;
  r.action = action;
  r.conditions.push_back(std::move(condition));
  return r;
}

Rule path_rule(std::string_view name, std::string_view description, std::string_view sid,
               Action action, std::string path) {
  return make_rule(RuleKind::kPath, name, description, sid, action, PathCondition{std::move(path)});
}

PublisherCondition microsoft_binary(std::string_view original_file_name) {
  PublisherCondition p;
  p.publisher = kMicrosoftPublisher;
  p.product = kWindowsProduct;
  p.binary = upper(original_file_name);
  return p;
}

Rule publisher_rule(std::string_view name, std::string_view description, std::string_view sid,
                    Action action, std::string_view original_file_name) {
  return make_rule(RuleKind::kPublisher, name, description, sid, action,
                   microsoft_binary(original_file_name));
}

/// The rule's content as text: what its Id is derived from.
std::string fingerprint(const Rule& r) {
  std::string s =
      fmt::format("{}|{}|{}|{}", rule_element(r.kind), r.sid, to_string(r.action), r.name);
  auto add = [&](const Condition& c) {
    if (const auto* p = std::get_if<PathCondition>(&c)) s += "|path:" + p->path;
    if (const auto* pub = std::get_if<PublisherCondition>(&c)) {
      s += fmt::format("|pub:{}\\{}\\{}\\{}-{}", pub->publisher, pub->product, pub->binary,
                       pub->low_version, pub->high_version);
    }
    if (const auto* h = std::get_if<HashCondition>(&c)) {
      for (const FileHash& fh : h->hashes) s += "|hash:" + fh.data;
    }
  };
  for (const Condition& c : r.conditions) add(c);
  s += "|except";
  for (const Condition& c : r.exceptions) add(c);
  return s;
}

Rule with_id(Rule r, std::string_view stock_id = {}) {
  r.id = stock_id.empty() ? content_uuid(fingerprint(r)) : std::string(stock_id);
  return r;
}

/// The stock path rule `index` of `type` (in kStockPathRules order), with `more` appended to
/// its description.
Rule stock(CollectionType type, std::size_t index, std::string_view more = {}) {
  for (const StockPathRule& r : kStockPathRules) {
    if (r.type != type || index-- > 0) continue;
    return with_id(path_rule(r.name, fmt::format("{}{}", r.description, more), r.sid,
                             Action::kAllow, std::string(r.path)),
                   r.id);
  }
  return {};
}

Result<std::vector<Target>> resolve(const std::vector<Restriction>& restrictions) {
  std::vector<Target> out;
  auto seen = [&](std::string_view file) {
    for (const Target& t : out) {
      if (iequals(t.file_name, file)) return true;
    }
    return false;
  };
  for (const Restriction& r : restrictions) {
    const std::string why =
        !r.reason.empty() ? r.reason
        : !r.commands.empty()
            ? fmt::format("restricted command(s): {}", fmt::join(r.commands, ", "))
            : fmt::format("restricted command: {}", r.executable);
    std::vector<Binary> binaries = binaries_for(r.executable);
    if (binaries.empty() && !r.original_file_name.empty()) {
      binaries = binaries_for(r.original_file_name);
    }
    if (binaries.empty()) {
      if (!r.original_file_name.empty() && r.paths.empty()) continue;  // see outside_windows()
      if (r.original_file_name.empty() || r.paths.empty()) {
        return fail(ErrorCode::kInvalidArgument,
                    fmt::format("unknown command '{}': not in the built-in table and no "
                                "original_file_name and paths given (known: {})",
                                r.executable, fmt::join(known_commands(), ", ")));
      }
      if (!seen(r.executable)) {
        out.push_back({r.executable, r.original_file_name, r.paths, why, r.exempt_groups});
      }
      continue;
    }
    for (std::size_t i = 0; i < binaries.size(); ++i) {
      const Binary& b = binaries[i];
      if (seen(b.file_name)) continue;
      Target t{std::string(b.file_name), std::string(b.original_file_name), binary_paths(b), why,
               r.exempt_groups};
      // The recommendation's own name and paths for its main binary win over the table's.
      if (i == 0 && iequals(r.executable, b.file_name)) {
        if (!r.original_file_name.empty()) t.original_file_name = r.original_file_name;
        for (const std::string& p : r.paths) {
          bool have = false;
          for (const std::string& q : t.paths) have = have || iequals(p, q);
          if (!have) t.paths.push_back(p);
        }
      }
      out.push_back(std::move(t));
    }
  }
  return out;
}

RuleCollection exe_collection(const std::vector<Target>& targets, const GenerateOptions& o) {
  RuleCollection c;
  c.type = CollectionType::kExe;
  c.mode = o.mode;
  std::string names;
  for (const Target& t : targets) names += (names.empty() ? "" : ", ") + t.file_name;
  c.rules.push_back(
      stock(CollectionType::kExe, 0,
            targets.empty() ? "" : fmt::format(" They keep the restricted {}.", names)));
  c.rules.push_back(stock(CollectionType::kExe, 1));
  for (const UserProgram& u : o.user_programs) {
    if (u.sid.empty() || u.path.empty()) continue;
    const std::string who = u.user.empty() ? u.sid : u.user;
    c.rules.push_back(with_id(path_rule(
        fmt::format("Allow {} to run {}", who, u.path),
        fmt::format("{} ran {} from their profile in the learned period; the default rules allow "
                    "only the Windows and Program Files folders. For this user only.",
                    who, fmt::join(u.executables, ", ")),
        u.sid, Action::kAllow, u.path)));
  }
  if (targets.empty()) {
    c.rules.push_back(stock(CollectionType::kExe, 2));
    return c;
  }
  Rule windows = path_rule(
      fmt::format("All files located in the Windows folder, except {}", names),
      fmt::format("Replaces the stock Windows-folder rule (do not merge next to it): Everyone may "
                  "run Windows, except {} (by Microsoft signature and original file name, so "
                  "renamed copies too, and by path); exempt groups have their own allow rules.",
                  names),
      kEveryoneSid, Action::kAllow, "%WINDIR%\\*");
  for (const Target& t : targets) {
    for (const std::string& p : t.paths) windows.exceptions.emplace_back(PathCondition{p});
    windows.exceptions.emplace_back(microsoft_binary(t.original_file_name));
  }
  c.rules.push_back(with_id(std::move(windows)));

  for (const Target& t : targets) {
    std::vector<ExemptGroup> groups = o.exempt;
    groups.insert(groups.end(), t.exempt.begin(), t.exempt.end());
    std::set<std::string> done{std::string(kAdministratorsSid)};
    for (const ExemptGroup& g : groups) {
      if (g.sid.empty() || !done.insert(g.sid).second) continue;
      const std::string who = g.name.empty() ? g.sid : g.name;
      const std::string why =
          fmt::format("{} is exempt from the restriction of {} ({}).", who, t.file_name, t.why);
      c.rules.push_back(with_id(publisher_rule(fmt::format("Allow {} for {}", t.file_name, who),
                                               why, g.sid, Action::kAllow, t.original_file_name)));
      for (const std::string& p : t.paths) {
        c.rules.push_back(
            with_id(path_rule(fmt::format("Allow {} for {} ({})", t.file_name, who, p), why, g.sid,
                              Action::kAllow, p)));
      }
    }
    for (const std::string& sid : o.deny_sids) {
      const std::string why = fmt::format(
          "Deny {} to {} ({}); the group must hold no "
          "administrators, a deny always wins.",
          t.file_name, sid, t.why);
      c.rules.push_back(with_id(
          publisher_rule(fmt::format("Deny {} (signed by Microsoft, any name)", t.file_name), why,
                         sid, Action::kDeny, t.original_file_name)));
      for (const std::string& p : t.paths) {
        c.rules.push_back(with_id(
            path_rule(fmt::format("Deny {} at {}", t.file_name, p), why, sid, Action::kDeny, p)));
      }
    }
  }
  return c;
}

/// Allow signed files of any publisher, product, name and version from 0.0.0.0.
Rule any_signed(std::string_view name, std::string_view description, std::string_view id) {
  Rule r = make_rule(RuleKind::kPublisher, name, description, kEveryoneSid, Action::kAllow,
                     PublisherCondition{"*", "*", "*", "0.0.0.0", "*"});
  return with_id(std::move(r), id);
}

/// The default rules of another collection.
RuleCollection default_collection(CollectionType type, EnforcementMode mode) {
  RuleCollection c;
  c.type = type;
  c.mode = mode;
  if (type == CollectionType::kMsi) {
    c.rules.push_back(any_signed("(Default Rule) All digitally signed Windows Installer files",
                                 "Everyone may install signed packages.", kSignedMsiId));
  }
  if (type == CollectionType::kAppx) {
    c.rules.push_back(any_signed("(Default Rule) All signed packaged apps",
                                 "Everyone may run signed packaged apps (enforced Exe rules "
                                 "block them otherwise, event 8027).",
                                 kSignedAppxId));
  }
  for (const StockPathRule& r : kStockPathRules) {
    if (r.type == type) {
      c.rules.push_back(with_id(
          path_rule(r.name, r.description, r.sid, Action::kAllow, std::string(r.path)), r.id));
    }
  }
  return c;
}

std::string_view str(element e, std::string_view key) {
  std::string_view v;
  if (e[key].get(v) != simdjson::SUCCESS) return {};
  return v;
}

std::vector<std::string> strings(element e, std::string_view key) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (e[key].get(a) != simdjson::SUCCESS) return out;
  for (element item : a) {
    std::string_view v;
    if (item.get(v) == simdjson::SUCCESS) out.emplace_back(v);
  }
  return out;
}

}  // namespace

Result<Recommendation> parse_recommendation(std::string_view json) {
  simdjson::dom::parser parser;
  element doc;
  const simdjson::padded_string padded(json);
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS) {
    return fail(ErrorCode::kCorrupt, fmt::format("the recommendation is not valid JSON: {}",
                                                 simdjson::error_message(err)));
  }
  if (str(doc, "format") != "cmdsentry-recommendation") {
    return fail(ErrorCode::kCorrupt,
                "not a cmdsentry recommendation (\"format\" is not "
                "\"cmdsentry-recommendation\")");
  }
  std::uint64_t version = 0;
  if (doc["version"].get(version) != simdjson::SUCCESS || version != 1) {
    return fail(ErrorCode::kUnsupported, "unsupported recommendation version (expected 1)");
  }
  Recommendation rec;
  simdjson::dom::array restrictions;
  if (doc["restrictions"].get(restrictions) == simdjson::SUCCESS) {
    for (element r : restrictions) {
      Restriction x;
      x.executable = str(r, "executable");
      if (x.executable.empty()) {
        return fail(ErrorCode::kCorrupt, "a restriction has no \"executable\"");
      }
      x.original_file_name = str(r, "original_file_name");
      x.paths = strings(r, "paths");
      x.commands = strings(r, "commands");
      x.reason = str(r, "reason");
      simdjson::dom::array groups;
      if (r["exempt_groups"].get(groups) == simdjson::SUCCESS) {
        for (element g : groups)
          x.exempt_groups.push_back({std::string(str(g, "name")), std::string(str(g, "sid"))});
      }
      rec.restrictions.push_back(std::move(x));
    }
  }
  simdjson::dom::array programs;
  if (doc["user_programs"].get(programs) == simdjson::SUCCESS) {
    for (element u : programs) {
      UserProgram x;
      x.user = str(u, "user");
      x.sid = str(u, "sid");
      x.path = str(u, "path");
      x.executables = strings(u, "executables");
      if (x.sid.empty() || x.path.empty()) {
        return fail(ErrorCode::kCorrupt, "a user program has no \"sid\" or no \"path\"");
      }
      rec.user_programs.push_back(std::move(x));
    }
  }
  simdjson::dom::array others;
  if (doc["not_restrictable"].get(others) == simdjson::SUCCESS) {
    for (element n : others) rec.not_restrictable.emplace_back(str(n, "command"));
  }
  return rec;
}

std::vector<std::string> outside_windows(const std::vector<Restriction>& restrictions) {
  std::vector<std::string> out;
  for (const Restriction& r : restrictions) {
    if (binaries_for(r.executable).empty() && binaries_for(r.original_file_name).empty() &&
        !r.original_file_name.empty() && r.paths.empty()) {
      out.push_back(r.executable);
    }
  }
  return out;
}

Result<Policy> generate_policy(const GenerateOptions& options) {
  auto targets = resolve(options.restrictions);
  if (!targets) return tl::unexpected(targets.error());
  Policy p;
  for (CollectionType t : {CollectionType::kExe, CollectionType::kMsi, CollectionType::kScript,
                           CollectionType::kDll, CollectionType::kAppx}) {
    const bool asked = options.collections.count(t) > 0;
    // Enforced Exe rules without packaged-app rules block every packaged app (event 8027).
    const bool appx_needed = t == CollectionType::kAppx &&
                             options.mode == EnforcementMode::kEnabled &&
                             options.collections.count(CollectionType::kExe) > 0;
    if (t == CollectionType::kExe && asked) {
      p.collections.push_back(exe_collection(*targets, options));
    } else if (asked || appx_needed) {
      p.collections.push_back(default_collection(t, options.mode));
    } else {
      p.collections.push_back(RuleCollection{t, EnforcementMode::kNotConfigured, {}});
    }
  }
  return p;
}

}  // namespace cmdsentry::policy
