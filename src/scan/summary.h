#pragma once
/// The end-of-scan summary in the JPCERT/CC study's own form: for each phase a ranked table of
/// commands with their execution counts and most common options, once for all hosts and once per
/// host. The study's phases come first (recon, discovery, spread), then the knowledge base's
/// other phases in alphabetical order.
///
/// Ranking: count, descending; equal counts keep the order in which the commands were first seen
/// (findings are in time order, so the earlier command ranks first).
///
/// Options: the switches as written (`-ano`, `/domain`, value after `:`/`=` dropped) plus, for
/// programs driven by a verb (reg add, sc qc, query user, fsutil fsinfo drives), the verb. The
/// most frequent kMaxSummaryOptions are shown, ties in first-seen order.

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cmdsentry/detector.h"
#include "cmdsentry/finding.h"

namespace cmdsentry::scan {

/// Options shown per command.
inline constexpr std::size_t kMaxSummaryOptions = 3;

/// One line of a phase table.
struct SummaryRow {
  int rank = 0;                      ///< 1-based
  std::string command;               ///< canonical name
  std::uint64_t count = 0;           ///< findings
  std::vector<std::string> options;  ///< most common first, at most kMaxSummaryOptions
  std::uint64_t first = 0;           ///< FILETIME ticks UTC of the first finding
  std::uint64_t last = 0;            ///< of the last
  std::uint64_t hosts = 0;           ///< distinct hosts (at most kMaxSummaryDistinct)
  std::uint64_t users = 0;           ///< distinct users (at most kMaxSummaryDistinct)
};

/// One phase's ranked table.
struct PhaseTable {
  std::string phase;
  std::vector<SummaryRow> rows;
};

/// The tables for one scope (all hosts, or one host).
struct SummaryScope {
  std::string host;  ///< empty for all hosts; else the host name as first logged
  std::uint64_t findings = 0;
  std::vector<PhaseTable> phases;
};

/// Executions by AppLocker's logged decision (8002 allowed, 8003 audited: would have been
/// blocked, 8004 blocked: did not run); EXE checks only (DLL, MSI and script checks are not
/// executions).
struct AppLockerCounts {
  std::uint64_t allowed = 0, audited = 0, blocked = 0;
  [[nodiscard]] bool any() const { return allowed + audited + blocked > 0; }
};

/// All hosts, then each host (ordered by host name).
struct Summary {
  SummaryScope all;
  std::vector<SummaryScope> hosts;
  AppLockerCounts applocker;  ///< over every execution of the run, not only findings
};

/// Counts AppLocker's decisions over every execution (a detector that matches nothing).
class AppLockerTally final : public Detector {
 public:
  [[nodiscard]] std::string_view name() const override { return "applocker"; }
  void on_execution(const AnalyzedEvent& event, std::vector<Match>& out) override;
  [[nodiscard]] const AppLockerCounts& counts() const { return counts_; }

 private:
  AppLockerCounts counts_;
};

/// Distinct options counted per command (attacker-chosen switches must not grow the summary).
inline constexpr std::size_t kMaxSummaryOptionKinds = 256;
/// Distinct hosts and users remembered per command and scope; counts stop there.
inline constexpr std::size_t kMaxSummaryDistinct = 4096;

/// Builds the summary from findings as they stream in: counts per command, phase and host, no
/// findings kept.
class SummaryBuilder {
 public:
  void add(const Finding& finding);
  [[nodiscard]] Summary build() const;
  [[nodiscard]] std::uint64_t findings() const { return all_.findings; }

 private:
  struct Tally {
    std::string command;
    std::string phase;
    std::size_t first_seen = 0;
    std::uint64_t count = 0;
    std::vector<std::pair<std::string, std::uint64_t>> options;  ///< first-seen order
    std::uint64_t first = 0, last = 0;
    std::unordered_set<std::string> hosts, users;  ///< keys, capped at kMaxSummaryDistinct
  };
  struct Scope {
    std::string host;
    std::uint64_t findings = 0;
    std::vector<Tally> tallies;
    std::unordered_map<std::string, std::size_t> index;
    void add(const Finding& f);
    [[nodiscard]] SummaryScope build() const;
  };
  Scope all_;
  std::map<std::string, Scope> hosts_;  ///< by host key
};

/// Option tokens of one finding, in command-line order, each once.
[[nodiscard]] std::vector<std::string> option_tokens(const Finding& finding);

/// Builds the summary of `findings` (expected in time order).
[[nodiscard]] Summary summarize(std::span<const Finding> findings);

}  // namespace cmdsentry::scan
