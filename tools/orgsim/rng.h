#pragma once
/// Rng: a small seeded generator (SplitMix64) with its own bounded draws, so a seed gives the same
/// organisation on every platform and standard library (std::uniform_int_distribution does not).

#include <cstdint>
#include <string_view>
#include <vector>

namespace cmdsentry::orgsim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  /// A generator for one named stream (host, intrusion...) derived from a seed.
  static Rng derive(std::uint64_t seed, std::string_view stream, std::uint64_t index = 0) {
    std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (char c : stream) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    return Rng(h ^ (index * 0x9e3779b97f4a7c15ULL));
  }
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n) (n > 0).
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
  /// Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }
  /// Index drawn with probability proportional to weights[i].
  std::size_t weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = static_cast<double>(next() >> 11) * 0x1.0p-53 * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.empty() ? 0 : weights.size() - 1;
  }

 private:
  std::uint64_t state_;
};

}  // namespace cmdsentry::orgsim
