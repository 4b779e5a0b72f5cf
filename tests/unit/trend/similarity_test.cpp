// Rank correlations against values computed by hand (the arithmetic is in the comments).
#include "trend/similarity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace cmdsentry::trend {
namespace {

TEST(Similarity, average_ranks_share_ties) {
  const std::vector<double> w = {5, 10, 5, 0};
  EXPECT_EQ(average_ranks(w), (std::vector<double>{2.5, 1, 2.5, 4}));
}

TEST(Similarity, union_with_absent_commands_tied_last) {
  // study a=10 b=5 c=1; observed a=3 b=6 d=2. Union a b c d; ranks study 1 2 3 4 (d absent),
  // observed 2 1 4 3 (c absent). rho = 1 - 6*(1+1+1+1)/(4*15) = 0.6. Pairs: ab discordant, ac
  // ad bc bd concordant, cd discordant: tau = (4-2)/6.
  const Correlation c = correlate({{"a", 10}, {"b", 5}, {"c", 1}}, {{"a", 3}, {"b", 6}, {"d", 2}});
  EXPECT_EQ(c.commands, 4u);
  ASSERT_TRUE(c.spearman && c.kendall);
  EXPECT_NEAR(*c.spearman, 0.6, 1e-12);
  EXPECT_NEAR(*c.kendall, 1.0 / 3.0, 1e-12);
}

TEST(Similarity, ties_use_pearson_on_ranks_and_tau_b) {
  // x = 5 5 1 -> ranks 1.5 1.5 3; y = 2 1 0 -> ranks 1 2 3. Deviations (-.5 -.5 1), (-1 0 1):
  // rho = 1.5 / sqrt(1.5 * 2) = 0.8660. tau-b: ab tied in x, ac bc concordant: 2 / sqrt(2 * 3).
  const std::vector<double> x = {5, 5, 1};
  const std::vector<double> y = {2, 1, 0};
  EXPECT_NEAR(*spearman(x, y), 1.5 / std::sqrt(3.0), 1e-12);
  EXPECT_NEAR(*kendall_tau_b(x, y), 2.0 / std::sqrt(6.0), 1e-12);
}

TEST(Similarity, identical_and_reversed) {
  const Correlation same =
      correlate({{"a", 3}, {"b", 2}, {"c", 1}}, {{"a", 30}, {"b", 20}, {"c", 1}});
  EXPECT_DOUBLE_EQ(*same.spearman, 1.0);
  EXPECT_DOUBLE_EQ(*same.kendall, 1.0);
  const Correlation rev = correlate({{"a", 3}, {"b", 2}, {"c", 1}}, {{"a", 1}, {"b", 2}, {"c", 3}});
  EXPECT_DOUBLE_EQ(*rev.spearman, -1.0);
  EXPECT_DOUBLE_EQ(*rev.kendall, -1.0);
}

TEST(Similarity, undefined_without_variation) {
  EXPECT_FALSE(correlate({{"a", 1}}, {{"a", 4}}).spearman);   // one command
  const Correlation c = correlate({{"a", 1}, {"b", 2}}, {});  // nothing observed: all tied
  EXPECT_EQ(c.commands, 2u);
  EXPECT_FALSE(c.spearman);
  EXPECT_FALSE(c.kendall);
}

}  // namespace
}  // namespace cmdsentry::trend
