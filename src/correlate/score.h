#pragma once
/// Scoring a cluster of findings (one host and user, closed by event time) into an incident.
/// Defaults and their reasons: docs/incidents.md. Every number is a field of ScoreWeights so a
/// test or an option can change it.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cmdsentry/finding.h"

namespace cmdsentry::correlate {

/// Points and thresholds.
struct ScoreWeights {
  // Points per distinct command, by phase, times the noise factor of the command.
  double recon = 1;
  double discovery = 1;
  double spread = 2;
  double other_tactic = 1;  ///< credential access, defence evasion... (not "execution")
  double noise_very_low = 1.5;
  double noise_low = 1;
  double noise_medium = 0.5;
  double noise_high = 0.25;
  /// A finding of another engine (Sigma...) without a knowledge-base match, by its level.
  double level_critical = 3, level_high = 2, level_medium = 1, level_low = 0.5;
  /// At least two study phases, chain_min_commands distinct commands and chain_min_points phase
  /// points: the study's chain.
  double chain_bonus = 3;
  int chain_min_commands = 3;
  double chain_min_points = 4;
  /// burst_commands distinct recon/discovery commands within burst_window.
  double burst_bonus = 3;
  int burst_commands = 5;
  std::uint64_t burst_window = 600ULL * 10'000'000;
  double ancestry = 4;  ///< per unusual-ancestry kind
  double shape = 5;     ///< per remote-execution shape
  /// The target side of a remote-execution link, when its activity looks remote itself.
  double link_target = 3;
  double obfuscation = 2;  ///< a command line scored at least obfuscation_min
  int obfuscation_min = 50;
  int threshold = 5;  ///< score at which a cluster is an incident
};

/// One distinct command of a cluster.
struct CommandFact {
  std::string command;  ///< headline
  std::string phase;
  kb::Noise noise = kb::Noise::kMedium;
  bool kb = false;
  Level level = Level::kMedium;
  std::uint64_t first = 0;  ///< time of its first finding
};

/// What scoring looks at.
struct ClusterFacts {
  std::vector<CommandFact> commands;  ///< distinct, in order of first appearance
  /// (time, command index) of every recon/discovery finding, in time order.
  std::vector<std::pair<std::uint64_t, std::size_t>> probes;
  std::uint8_t kinds = 0;                  ///< AncestryKind bits seen
  std::array<std::string, 4> kind_images;  ///< the ancestor behind each kind (kind_index)
  std::vector<std::string> shapes;         ///< shape names seen
  std::vector<std::string> links_from;     ///< "ws01" hosts that reached this one
  std::vector<std::string> targets;        ///< remote hosts named by spread commands
  int obfuscation = 0;                     ///< highest score
  std::uint32_t logon_type = 0;            ///< of the first finding's session
  std::string source_address;
};

/// The verdict.
struct ClusterScore {
  int score = 0;
  std::vector<std::string> phases;   ///< study phases reached, in study order
  std::vector<std::string> reasons;  ///< one sentence per contribution
};

[[nodiscard]] ClusterScore score_cluster(const ClusterFacts& facts, const ScoreWeights& w);

}  // namespace cmdsentry::correlate
