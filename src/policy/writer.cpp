#include "policy/writer.h"

#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "core/ascii.h"

namespace cmdsentry::policy {
namespace {

void add_condition(pugi::xml_node parent, const Condition& c) {
  if (const auto* p = std::get_if<PathCondition>(&c)) {
    parent.append_child("FilePathCondition").append_attribute("Path") = p->path.c_str();
  } else if (const auto* pub = std::get_if<PublisherCondition>(&c)) {
    pugi::xml_node n = parent.append_child("FilePublisherCondition");
    n.append_attribute("PublisherName") = pub->publisher.c_str();
    n.append_attribute("ProductName") = pub->product.c_str();
    n.append_attribute("BinaryName") = pub->binary.c_str();
    pugi::xml_node range = n.append_child("BinaryVersionRange");
    range.append_attribute("LowSection") = pub->low_version.c_str();
    range.append_attribute("HighSection") = pub->high_version.c_str();
  } else if (const auto* h = std::get_if<HashCondition>(&c)) {
    pugi::xml_node n = parent.append_child("FileHashCondition");
    for (const FileHash& fh : h->hashes) {
      pugi::xml_node f = n.append_child("FileHash");
      f.append_attribute("Type") = fh.type.c_str();
      f.append_attribute("Data") = fh.data.c_str();
      f.append_attribute("SourceFileName") = fh.source_file_name.c_str();
      f.append_attribute("SourceFileLength") = fh.source_file_length.c_str();
    }
  }
}

/// Collects pugixml's output in a string.
struct StringWriter final : pugi::xml_writer {
  void write(const void* data, std::size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
  std::string out;
};

/// AppLocker path variable -> the environment variable SRP expands. %SYSTEM32% also covers
/// SysWOW64 in AppLocker; SRP needs both, so it maps to two paths.
std::vector<std::string> srp_paths(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kVars[] = {
      {"%WINDIR%", "%SystemRoot%"},
      {"%PROGRAMFILES%", "%ProgramFiles%"},
      {"%OSDRIVE%", "%SystemDrive%"},
  };
  if (istarts_with(path, "%SYSTEM32%")) {
    const std::string_view rest = path.substr(10);
    return {fmt::format("%SystemRoot%\\System32{}", rest),
            fmt::format("%SystemRoot%\\SysWOW64{}", rest)};
  }
  for (const auto& [var, env] : kVars) {
    if (istarts_with(path, var)) return {fmt::format("{}{}", env, path.substr(var.size()))};
  }
  return {std::string(path)};
}

/// A .reg string value: backslashes and quotes escaped.
std::string reg_string(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\r' || c == '\n') c = ' ';
    out += c;
  }
  return out;
}

/// REG_EXPAND_SZ as .reg hex(2): UTF-16LE with a terminating NUL.
std::string reg_expand_sz(std::string_view ascii) {
  std::string out = "hex(2):";
  bool first = true;
  auto byte = [&](unsigned v) {
    if (!first) out += ',';
    first = false;
    out += fmt::format("{:02x}", v & 0xffu);
  };
  for (unsigned char c : ascii) {
    byte(c < 0x80 ? c : '?');
    byte(0);
  }
  byte(0);
  byte(0);
  return out;
}

}  // namespace

std::string write_policy_xml(const Policy& policy) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "utf-8";
  pugi::xml_node root = doc.append_child("AppLockerPolicy");
  root.append_attribute("Version") = policy.version.c_str();
  for (const RuleCollection& c : policy.collections) {
    pugi::xml_node cn = root.append_child("RuleCollection");
    cn.append_attribute("Type") = std::string(to_string(c.type)).c_str();
    cn.append_attribute("EnforcementMode") = std::string(to_string(c.mode)).c_str();
    for (const Rule& r : c.rules) {
      pugi::xml_node rn = cn.append_child(std::string(rule_element(r.kind)).c_str());
      rn.append_attribute("Id") = r.id.c_str();
      rn.append_attribute("Name") = r.name.c_str();
      rn.append_attribute("Description") = r.description.c_str();
      rn.append_attribute("UserOrGroupSid") = r.sid.c_str();
      rn.append_attribute("Action") = std::string(to_string(r.action)).c_str();
      pugi::xml_node conditions = rn.append_child("Conditions");
      for (const Condition& cond : r.conditions) add_condition(conditions, cond);
      if (!r.exceptions.empty()) {
        pugi::xml_node ex = rn.append_child("Exceptions");
        for (const Condition& cond : r.exceptions) add_condition(ex, cond);
      }
    }
  }
  StringWriter w;
  doc.save(w, "  ", pugi::format_default, pugi::encoding_utf8);
  return std::move(w.out);
}

std::string write_srp_reg(const Policy& policy) {
  constexpr std::string_view kBase =
      "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\Safer\\CodeIdentifiers";
  // Disallowed paths: those of Deny path rules, and the path exceptions of Everyone's allow
  // rules (what our generator carves out of the Windows folder). SRP has no groups, so both
  // apply to every user.
  std::vector<std::pair<std::string, std::string>> paths;  // path, why
  std::string skipped;
  auto add = [&](const std::string& path, const std::string& why) {
    for (const auto& [p, w] : paths) {
      if (iequals(p, path)) return;
    }
    paths.emplace_back(path, why);
  };
  for (const RuleCollection& c : policy.collections) {
    if (c.type != CollectionType::kExe) continue;
    for (const Rule& r : c.rules) {
      const bool deny = r.action == Action::kDeny;
      const bool everyone_allow = r.action == Action::kAllow && r.sid == kEveryoneSid;
      for (const Condition& cond : deny ? r.conditions : r.exceptions) {
        if (!deny && !everyone_allow) break;
        if (const auto* p = std::get_if<PathCondition>(&cond)) {
          for (std::string& srp : srp_paths(p->path)) add(srp, r.name);
        } else if (deny) {
          skipped += fmt::format("; no SRP form (publisher or hash condition): {}\r\n",
                                 reg_string(r.name));
        }
      }
      if (deny && r.sid != kEveryoneSid) {
        skipped += fmt::format("; applies to every user in SRP, not only {}: {}\r\n", r.sid,
                               reg_string(r.name));
      }
    }
  }
  std::string out = "Windows Registry Editor Version 5.00\r\n\r\n";
  if (!skipped.empty()) out += skipped + "\r\n";
  out += fmt::format(
      "[{}]\r\n\"DefaultLevel\"=dword:00040000\r\n\"TransparentEnabled\"=dword:00000001\r\n"
      "\"PolicyScope\"=dword:00000000\r\n\r\n",
      kBase);
  for (const auto& [path, why] : paths) {
    out += fmt::format("[{}\\0\\Paths\\{{{}}}]\r\n", kBase, content_uuid("srp|" + path));
    out += fmt::format("\"Description\"=\"cmdsentry: disallowed by '{}'\"\r\n", reg_string(why));
    out += "\"SaferFlags\"=dword:00000000\r\n";
    out += fmt::format("\"ItemData\"={}\r\n\r\n", reg_expand_sz(path));
  }
  return out;
}

}  // namespace cmdsentry::policy
