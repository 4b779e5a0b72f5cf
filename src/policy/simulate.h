#pragma once
/// Policy replay: the executions of the logs, run through the engine like `scan`, each decided
/// against an AppLocker policy as if it had been in force (evaluate.h). A Detector, so replay
/// streams with the engine's bounded state and sees the merged executions (one per process,
/// whichever logs recorded it).
///
/// What the logs tell about the file (file_facts):
///   * AppLocker 8002-8004: the Fqbn (signer, product, original name, version) and the path;
///   * Sysmon 1: OriginalFileName, Product, FileVersion and SHA256 from Hashes. Sysmon does not
///     log the signature; a file whose Company is "Microsoft Corporation" is taken as signed by
///     Microsoft (an attacker can forge a version resource, so this errs towards publisher
///     rules matching);
///   * Security 4688 (a path only), or Sysmon without Company: a binary under System32 or
///     SysWOW64 is taken as a Microsoft Windows binary with its file name as original name;
///     anything else has no known signer, so publisher conditions do not match it.
/// Flat SHA256 (Sysmon) is not AppLocker's Authenticode hash for signed PE files: hash rules
/// written from Sysmon hashes match here but would need Get-AppLockerFileInformation values to
/// match on Windows (docs/policy.md).
///
/// AppLocker records in the input (8002-8004, merged into the execution they describe) carry the
/// decision of the policy that was in force: each replayed execution reports it beside the
/// simulated one, so a replay of the machine's own policy can be checked against what Windows
/// did, and a new policy against the old one.
///
/// Users: the rule SID matches the user's SID, Everyone, or a group the --groups CSV gives the
/// user. SYSTEM, LOCAL SERVICE and NETWORK SERVICE are not governed by AppLocker without the
/// Services rule-collection extension; their executions are "allowed", rule "not governed".

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cmdsentry/detector.h"
#include "core/error.h"
#include "policy/evaluate.h"
#include "policy/policy.h"

namespace cmdsentry::policy {

/// Group memberships from a CSV of `user or SID,group name,group SID` lines.
class GroupMap {
 public:
  /// Parses the CSV ('#' comments, blank lines and a `user,...` header skipped).
  [[nodiscard]] static Result<GroupMap> parse(std::string_view csv);
  /// Adds one membership.
  void add(std::string_view user, std::string_view group_sid);
  /// The group SIDs of a user known by SID, "DOMAIN\name" or name (case-insensitive).
  void groups_of(std::string_view key, std::vector<std::string>& out) const;
  [[nodiscard]] std::size_t size() const { return members_.size(); }

 private:
  std::unordered_map<std::string, std::vector<std::string>> members_;  // lower-case key
};

/// What the logs tell about the file an execution ran.
[[nodiscard]] FileFacts file_facts(const ProcessEvent& e);

/// The SIDs of the token that ran `e`: the user's, Everyone's, and the groups of the map.
[[nodiscard]] std::vector<std::string> token_sids(const ProcessEvent& e, const GroupMap& groups);

/// What AppLocker itself logged for an execution (8002 allowed, 8003 audited: would have been
/// blocked, 8004 blocked), under the policy that was in force on that machine. Views into the
/// event.
struct LoggedDecision {
  Verdict verdict = Verdict::kAllowed;
  std::string_view collection;  ///< EXE, DLL, MSI, SCRIPT (PolicyName)
  std::string_view rule_name;   ///< empty when the record names no rule
  std::string_view rule_id;     ///< empty when the record names no rule
  /// A denial without a rule (RuleName "-", RuleId all zero): the implicit deny.
  [[nodiscard]] bool implicit_deny() const {
    return verdict != Verdict::kAllowed && rule_name.empty() && rule_id.empty();
  }
};

/// The AppLocker decision an execution carries (from its 8002-8004 record), if any.
[[nodiscard]] std::optional<LoggedDecision> logged_decision(const ProcessEvent& e);

/// One replayed execution.
struct Replayed {
  const AnalyzedEvent* event = nullptr;
  Decision decision;
  bool governed = true;                  ///< false: a service account (allowed, not governed)
  std::optional<LoggedDecision> logged;  ///< what AppLocker logged, when it did
  /// True when there is no logged decision or the policy decides the same.
  [[nodiscard]] bool agrees() const { return !logged || logged->verdict == decision.verdict; }
};

/// The replay detector. Calls `on_decision` once per execution, on the thread that runs the
/// detectors. It refers to `policy` and `groups`, which must outlive it (temporaries are refused).
class PolicyReplay final : public Detector {
 public:
  using Callback = std::function<void(const Replayed&)>;
  PolicyReplay(const Policy& policy, const GroupMap& groups, Callback on_decision)
      : policy_(policy), groups_(groups), on_decision_(std::move(on_decision)) {}
  PolicyReplay(Policy&&, const GroupMap&, Callback) = delete;
  PolicyReplay(const Policy&, GroupMap&&, Callback) = delete;
  PolicyReplay(Policy&&, GroupMap&&, Callback) = delete;
  [[nodiscard]] std::string_view name() const override { return "policy"; }
  void on_execution(const AnalyzedEvent& event, std::vector<Match>& out) override;
  void counters(std::vector<Counter>& out) const override;

 private:
  const Policy& policy_;
  const GroupMap& groups_;
  Callback on_decision_;
  std::uint64_t counts_[3] = {0, 0, 0};
  std::uint64_t logged_ = 0, mismatches_ = 0;
};

}  // namespace cmdsentry::policy
