#pragma once
/// "Has the trend changed?": the JPCERT/CC 2015 study's ranking per phase beside the ranking
/// observed in the input, and how similar the two are.
///
/// Counting is scan's: TrendSink is a Sink fed by the same engine, detectors and correlation as
/// `cmdsentry scan`, and tallies knowledge-base findings with scan::SummaryBuilder (each command
/// once, chains split, helpers folded, the same canonical names and option tokens).
///
/// Weighting (`--by`): by default every execution counts 1. With a unit (host, incident, file)
/// every unit weighs 1 in each phase it reached: a command's weight is the sum over units of its
/// share of that unit's executions in the phase, so one noisy run does not dominate. Findings
/// outside any incident form one unit per host under `--by incident`.
///
/// The comparison per phase runs over the union of the study's commands (its overall profile:
/// the groups' counts summed, see kb::StudyTables::overall) and the observed ones, absent commands
/// tied last (trend/similarity.h). The closest group is the one with the highest mean Spearman
/// over the phases where it is defined.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmdsentry/sink.h"
#include "kb/study_tables.h"
#include "scan/summary.h"
#include "trend/similarity.h"

namespace cmdsentry::trend {

/// What weighs 1.
enum class Weighting : std::uint8_t { kExecution, kHost, kIncident, kFile };

/// "execution", "host", "incident", "file".
[[nodiscard]] std::string_view to_string(Weighting by);
[[nodiscard]] std::optional<Weighting> parse_weighting(std::string_view name);

/// The study's phases, in its order.
inline constexpr std::string_view kStudyPhases[] = {"recon", "discovery", "spread"};
/// How many of the study's first commands the coverage share counts.
inline constexpr std::size_t kStudyTop = 10;
/// Commands the study did not list shown per tactic.
inline constexpr std::size_t kMaxNewPerTactic = 5;
/// Units (hosts, incidents, files) tallied one by one; past it the rest share one unit.
inline constexpr std::size_t kMaxTrendUnits = 100000;

/// One command as observed.
struct ObservedRow {
  int rank = 0;  ///< 1-based, by weight (ties: scan's order)
  std::string command;
  std::uint64_t count = 0;           ///< executions
  double weight = 0;                 ///< = count without weighting
  std::uint64_t units = 0;           ///< units (hosts without weighting) where it was seen
  double share = 0;                  ///< weight / the phase's total weight
  std::vector<std::string> options;  ///< most common first (attacker-controlled text)
  int study_rank = 0;  ///< rank in the study's overall table of this phase; 0: not there
};

/// Similarity with one group's table.
struct GroupSimilarity {
  std::string group;
  Correlation correlation;
};

/// One study phase.
struct PhaseTrend {
  std::string phase;
  kb::StudyTable study;               ///< the study's overall profile
  std::vector<ObservedRow> observed;  ///< every command counted in this phase
  std::uint64_t executions = 0;
  double weight = 0;           ///< sum of the observed weights
  Correlation similarity;      ///< observed vs the study's overall profile
  double study_top_share = 0;  ///< observed weight on the study's first kStudyTop commands
  std::vector<GroupSimilarity> groups;
  std::vector<kb::StudyRow> not_seen;  ///< study commands with no execution, in study order
};

/// A command the study did not list, among the heaviest of its tactic.
struct NewCommand {
  std::string tactic;  ///< the knowledge base's phase: an ATT&CK tactic, or a study phase
  ObservedRow row;     ///< rank and share within the tactic
};

/// A group's mean similarity over the phases.
struct GroupScore {
  std::string group;
  std::optional<double> spearman_mean;  ///< nullopt when no phase is defined
  std::size_t phases = 0;               ///< phases it is defined in
};

/// The whole comparison.
struct Trend {
  Weighting by = Weighting::kExecution;
  std::uint64_t findings = 0;  ///< knowledge-base findings counted
  std::uint64_t units = 0;     ///< hosts, incidents or files (hosts without weighting)
  bool units_capped = false;   ///< kMaxTrendUnits was reached
  std::vector<PhaseTrend> phases;
  std::vector<NewCommand> new_commands;  ///< tactics by weight, kMaxNewPerTactic each
  std::vector<GroupScore> groups;
  std::string closest_group;  ///< empty when no group is comparable
};

/// Tallies findings as the engine delivers them (after correlation, like scan's summary).
class TrendSink final : public Sink {
 public:
  explicit TrendSink(Weighting by) : by_(by) {}
  void on_finding(const Finding& finding) override;
  /// The comparison with `study`.
  [[nodiscard]] Trend build(const kb::StudyTables& study) const;

 private:
  [[nodiscard]] std::string unit_of(const Finding& f) const;

  Weighting by_;
  scan::SummaryBuilder all_;
  std::map<std::string, scan::SummaryBuilder> units_;
  bool capped_ = false;
};

}  // namespace cmdsentry::trend
