// Distributions for parameters and shock sizes (SPEC §2.6), sampled by inverse CDF from a
// uniform (so any sampler - mc, lhs, sobol - and the Gaussian copula can drive them).
// Quantiles and CDFs from Boost.Math; `truncate: [lo, hi]` maps u into [F(lo), F(hi)].
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/random/distribution_spec.h"

namespace plancast {

/// A compiled, immutable distribution. Thread-safe (const methods only).
class Distribution {
 public:
  /// Checks the spec's values (throws ScenarioError at spec.loc when they cannot define the
  /// distribution, e.g. sd < 0, min >= max, truncation range with no mass), including that
  /// its quantiles at probabilities 1e-12, 0.5 and 1 - 1e-12 are finite (so that draws can
  /// be: uniform on [-1e308, 1e308] or gamma with shape 1e-310 are refused) and that the
  /// library computes it (an error from Boost.Math becomes a ScenarioError at spec.loc).
  explicit Distribution(const DistSpec& spec);
  ~Distribution();
  Distribution(Distribution&&) noexcept;
  Distribution& operator=(Distribution&&) noexcept;

  /// Value at probability u in (0, 1), truncation applied. Monotone non-decreasing in u.
  double quantile(double u) const;
  /// out[j] = quantile(u[j]) for j < n, the same bits; faster for the beta (PERT) and gamma
  /// families once prepare_draws() has run (several draws' steps interleaved).
  void quantiles(const double* u, std::size_t n, double* out) const;
  /// Readies quantile() for many draws: the beta (PERT) and gamma families build a table of
  /// their quantile function (quantile_guide.h; about 1 ms), which makes each later
  /// quantile several times cheaper; as accurate as Boost's own quantile, not bit for bit
  /// the same (tests/engine/random/test_quantile_guide.cpp).
  void prepare_draws();
  /// For an untruncated normal or lognormal, the value at standard normal score z, i.e.
  /// F⁻¹(Φ(z)) without the round trip through a probability (exact in the tails, and no
  /// special function for a normal); otherwise nothing, and the caller uses quantile(Φ(z)).
  std::optional<double> from_normal_score(double z) const;
  /// P(X <= x) of the (truncated) distribution.
  double cdf(double x) const;
  /// Mean and sd of the (truncated) distribution, for reports (numerical for truncation).
  double mean() const;
  double sd() const;
  const DistSpec& spec() const;
  /// How describe() writes its numbers: `value` for the spec's own (default: the shortest
  /// text that reads back as the same double), `coefficient` for derived ones, the
  /// metalog's (default: 4 significant digits). A report passes its own.
  struct NumberStyle {
    std::string (*value)(double) = nullptr;
    std::string (*coefficient)(double) = nullptr;
  };
  /// One line for reports: "normal(mean 0.176, sd 0.03)", "... truncated to [0, 0.4]".
  std::string describe(const NumberStyle& style) const;
  std::string describe() const { return describe(NumberStyle{}); }

 private:
  void build();                       ///< the checks and set-up by family, then truncation
  std::string safe_describe() const;  ///< describe(), or the family name if that fails

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plancast
