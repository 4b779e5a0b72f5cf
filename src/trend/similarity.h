#pragma once
/// Rank correlation between two rankings of commands (the study's and the input's).
///
/// Both sides are given as weights per command (executions, or weighted units); the comparison
/// runs over the union of the commands, a command absent on one side having weight 0 there, so
/// it ties for last place. Ranks are 1 for the largest weight, ties get the mean of the ranks
/// they span. Spearman's rho is the Pearson correlation of those ranks (exact with ties);
/// Kendall's tau is tau-b (concordant minus discordant pairs over the tie-corrected number of
/// pairs). Either is undefined (nullopt) when one side has no variation: fewer than two
/// commands, or all tied.

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cmdsentry::trend {

/// Average ranks of `weights` (1 = largest).
[[nodiscard]] std::vector<double> average_ranks(std::span<const double> weights);

/// Spearman's rho of two weight vectors of equal length; nullopt when undefined.
[[nodiscard]] std::optional<double> spearman(std::span<const double> x, std::span<const double> y);

/// Kendall's tau-b of two weight vectors of equal length; nullopt when undefined.
[[nodiscard]] std::optional<double> kendall_tau_b(std::span<const double> x,
                                                  std::span<const double> y);

/// The two coefficients over the union of two command -> weight maps.
struct Correlation {
  std::size_t commands = 0;  ///< size of the union
  std::optional<double> spearman;
  std::optional<double> kendall;
};

[[nodiscard]] Correlation correlate(const std::map<std::string, double>& a,
                                    const std::map<std::string, double>& b);

}  // namespace cmdsentry::trend
