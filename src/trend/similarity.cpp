#include "trend/similarity.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cmdsentry::trend {

std::vector<double> average_ranks(std::span<const double> weights) {
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return weights[a] > weights[b]; });
  std::vector<double> ranks(weights.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && weights[order[j + 1]] == weights[order[i]]) ++j;
    const double mean = (static_cast<double>(i + 1) + static_cast<double>(j + 1)) / 2.0;
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = mean;
    i = j + 1;
  }
  return ranks;
}

std::optional<double> spearman(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) return std::nullopt;
  const std::vector<double> rx = average_ranks(x);
  const std::vector<double> ry = average_ranks(y);
  const double n = static_cast<double>(rx.size());
  const double mx = std::accumulate(rx.begin(), rx.end(), 0.0) / n;
  const double my = std::accumulate(ry.begin(), ry.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
  }
  if (sxx <= 0 || syy <= 0) return std::nullopt;
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

std::optional<double> kendall_tau_b(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) return std::nullopt;
  double concordant = 0, discordant = 0, ties_x = 0, ties_y = 0, pairs = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      pairs += 1;
      const double dx = x[i] - x[j];
      const double dy = y[i] - y[j];
      if (dx == 0) ties_x += 1;
      if (dy == 0) ties_y += 1;
      if (dx == 0 || dy == 0) continue;
      if ((dx > 0) == (dy > 0)) {
        concordant += 1;
      } else {
        discordant += 1;
      }
    }
  }
  const double denom = std::sqrt((pairs - ties_x) * (pairs - ties_y));
  if (denom <= 0) return std::nullopt;
  return std::clamp((concordant - discordant) / denom, -1.0, 1.0);
}

Correlation correlate(const std::map<std::string, double>& a,
                      const std::map<std::string, double>& b) {
  std::vector<double> x, y;
  auto ia = a.begin();
  auto ib = b.begin();
  while (ia != a.end() || ib != b.end()) {  // merge of two sorted key lists
    if (ib == b.end() || (ia != a.end() && ia->first < ib->first)) {
      x.push_back(ia->second);
      y.push_back(0);
      ++ia;
    } else if (ia == a.end() || ib->first < ia->first) {
      x.push_back(0);
      y.push_back(ib->second);
      ++ib;
    } else {
      x.push_back(ia->second);
      y.push_back(ib->second);
      ++ia;
      ++ib;
    }
  }
  return {x.size(), spearman(x, y), kendall_tau_b(x, y)};
}

}  // namespace cmdsentry::trend
