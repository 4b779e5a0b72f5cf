#include "policy/simulate.h"

#include <utility>

#include <fmt/format.h>

#include "core/ascii.h"

namespace cmdsentry::policy {
namespace {

std::string_view file_name_of(std::string_view path) {
  const std::size_t cut = path.find_last_of("\\/");
  return cut == std::string_view::npos ? path : path.substr(cut + 1);
}

bool under_system32(std::string_view path) {
  if (istarts_with(path, "%SYSTEM32%\\")) return true;
  if (path.size() < 3 || path[1] != ':') return false;
  const std::string_view rest = path.substr(2);
  return istarts_with(rest, "\\Windows\\System32\\") || istarts_with(rest, "\\Windows\\SysWOW64\\");
}

/// "10.0.19041.1 (WinBuild.160101.0800)" -> "10.0.19041.1".
std::string_view leading_version(std::string_view v) {
  const std::size_t cut = v.find(' ');
  return cut == std::string_view::npos ? v : v.substr(0, cut);
}

/// The collection an execution falls under: AppLocker's own events say it (EXE, DLL, MSI,
/// SCRIPT); process creations are executables.
CollectionType collection_of(const ProcessEvent& e) {
  const std::string_view name = e.applocker->policy;
  if (iequals(name, "DLL")) return CollectionType::kDll;
  if (iequals(name, "MSI")) return CollectionType::kMsi;
  if (iequals(name, "SCRIPT")) return CollectionType::kScript;
  return CollectionType::kExe;
}

bool service_account(std::string_view sid) {
  return sid == "S-1-5-18" || sid == "S-1-5-19" || sid == "S-1-5-20";
}

/// SYSTEM as 4688 names it: the computer account (`WS01$` for host WS01.corp.example), when the
/// record carries no SID.
bool computer_account(const ProcessEvent& e) {
  const std::string_view name = e.user_name();
  if (name.size() < 2 || name.back() != '$') return false;
  const std::string_view host = e.host().substr(0, e.host().find('.'));
  return iequals(name.substr(0, name.size() - 1), host);
}

}  // namespace

Result<GroupMap> GroupMap::parse(std::string_view csv) {
  GroupMap m;
  std::size_t line_no = 0;
  while (!csv.empty()) {
    const std::size_t nl = csv.find('\n');
    std::string_view line = csv.substr(0, nl);
    csv.remove_prefix(nl == std::string_view::npos ? csv.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    // The same file as `baseline learn --groups`: member,group[,group_sid], a header row allowed.
    // A row without a group SID cannot match a rule (rules name SIDs): it is passed over.
    const std::size_t first = line.find(',');
    const std::size_t last = line.rfind(',');
    if (first == std::string_view::npos) {
      return fail(ErrorCode::kCorrupt,
                  fmt::format("line {}: expected 'user or SID,group name,group SID'", line_no));
    }
    const std::string_view user = trim(line.substr(0, first));
    if (line_no == 1 && (iequals(user, "user") || iequals(user, "member"))) continue;
    const std::string_view sid = first == last ? std::string_view() : trim(line.substr(last + 1));
    if (sid.empty() && !user.empty()) continue;
    if (user.empty() || !istarts_with(sid, "S-")) {
      return fail(ErrorCode::kCorrupt,
                  fmt::format("line {}: the last field is not a SID (S-1-...)", line_no));
    }
    m.add(user, sid);
  }
  return m;
}

void GroupMap::add(std::string_view user, std::string_view group_sid) {
  members_[to_lower(user)].emplace_back(group_sid);
}

void GroupMap::groups_of(std::string_view key, std::vector<std::string>& out) const {
  if (key.empty()) return;
  const auto it = members_.find(to_lower(key));
  if (it != members_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
}

FileFacts file_facts(const ProcessEvent& e) {
  FileFacts f;
  f.path = !e.image().empty() ? std::string(e.image()) : e.applocker->file_path;
  if (e.applocker && facts_from_fqbn(e.applocker->fqbn, f)) {
    // AppLocker said what the file is.
  } else if (!e.original_file_name().empty()) {
    f.binary = e.original_file_name();
    for (const auto& record : e.evidence) {
      if (f.product.empty()) f.product = std::string(record->field("Product").value_or(""));
      if (f.version.empty())
        f.version = std::string(leading_version(record->field("FileVersion").value_or("")));
      if (f.publisher.empty() &&
          iequals(record->field("Company").value_or(""), "Microsoft Corporation")) {
        f.publisher = kMicrosoftPublisher;
      }
    }
  }
  // A path only (4688), or Sysmon without Company: a System32/SysWOW64 binary is taken as a
  // Microsoft-signed Windows binary named as its file.
  if (f.publisher.empty() && under_system32(f.path)) {
    f.publisher = kMicrosoftPublisher;
    if (f.product.empty()) f.product = kWindowsProduct;
    if (f.binary.empty()) f.binary = file_name_of(f.path);
  }
  if (e.hashes) f.sha256 = e.hashes->sha256;
  return f;
}

std::vector<std::string> token_sids(const ProcessEvent& e, const GroupMap& groups) {
  std::vector<std::string> sids{std::string(kEveryoneSid)};
  if (!e.user_sid().empty()) sids.emplace_back(e.user_sid());
  groups.groups_of(e.user_sid(), sids);
  if (!e.user_name().empty()) {
    groups.groups_of(e.user_name(), sids);
    if (!e.user_domain().empty()) {
      groups.groups_of(fmt::format("{}\\{}", e.user_domain(), e.user_name()), sids);
    }
  }
  return sids;
}

std::optional<LoggedDecision> logged_decision(const ProcessEvent& e) {
  const AppLockerInfo& a = *e.applocker;
  LoggedDecision d;
  switch (a.decision) {
    case AppLockerDecision::kNone:
      return std::nullopt;
    case AppLockerDecision::kAllowed:
      d.verdict = Verdict::kAllowed;
      break;
    case AppLockerDecision::kAudited:
      d.verdict = Verdict::kAudited;
      break;
    case AppLockerDecision::kBlocked:
      d.verdict = Verdict::kBlocked;
      break;
  }
  d.collection = a.policy;
  if (a.rule_name != "-") d.rule_name = a.rule_name;
  // normalize_guid gives "{...}"; all zeros is "no rule".
  if (a.rule_id.find_first_not_of("{}0-") != std::string::npos) d.rule_id = a.rule_id;
  return d;
}

void PolicyReplay::on_execution(const AnalyzedEvent& event, std::vector<Match>& out) {
  (void)out;
  const ProcessEvent& e = *event.process;
  Replayed r;
  r.event = &event;
  if (service_account(e.user_sid()) || (e.user_sid().empty() && computer_account(e))) {
    r.governed = false;
  } else {
    r.decision = evaluate(policy_.find(collection_of(e)), file_facts(e), token_sids(e, groups_));
  }
  r.logged = logged_decision(e);
  ++counts_[static_cast<int>(r.decision.verdict)];
  if (r.logged) ++logged_;
  if (!r.agrees()) ++mismatches_;
  if (on_decision_) on_decision_(r);
}

void PolicyReplay::counters(std::vector<Counter>& out) const {
  out.emplace_back("policy.allowed", counts_[0]);
  out.emplace_back("policy.audited", counts_[1]);
  out.emplace_back("policy.blocked", counts_[2]);
  out.emplace_back("policy.logged", logged_);
  out.emplace_back("policy.mismatches", mismatches_);
}

}  // namespace cmdsentry::policy
