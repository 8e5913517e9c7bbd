// A fast inverse CDF for the beta (and PERT) and gamma families, the per-run cost of their
// parameters (docs/methods.md, "Parameters: beta and gamma quantiles").
//
// Boost.Math inverts these CDFs by iterating from an initial approximation that costs several
// special functions: 3.8 µs for a PERT's beta quantile and 0.33 µs for a gamma's on this
// machine, once per run and parameter. The guide tabulates the quantile function once per
// distribution, at kIntervals + 1 equally spaced probabilities (Boost's quantiles and the
// density there), starts from the cubic Hermite interpolant of that table (the slopes are
// dx/du = 1/f(x), exact), and finishes with Halley steps on the CDF, whose cubic convergence
// takes the start's error far below the rounding of the CDF itself.
//
// The CDF for those steps is, in each interval [x_i, x_{i+1}] between nodes, F(x_i) by
// Boost's CDF plus the integral of the density from x_i, both as Chebyshev series: the
// density interpolated at kNodes Chebyshev points of the interval (Boost's density) and
// integrated term by term (Clenshaw–Curtis, as Chebfun and Boost's own chebyshev_transform
// do). An interval whose series does not agree with Boost's CDF at its midpoint and end to a
// few units of what a double resolves there (near a singular end of the support, say) steps
// on Boost's CDF itself, as does a step that leaves its interval. A start that was not close
// (a step larger than kCloseStep of x's distance from the support's nearer end) gets more
// steps, at most kMaxSteps in all. Outside the table's inner intervals (p below 1/kIntervals
// or above 1 − 1/kIntervals, where the quantile's derivatives grow without bound at the
// support's ends), and wherever a step fails, it answers Boost's quantile itself.
//
// Every operation is IEEE double arithmetic and Boost's CDF and density, the same on every
// CPU, so each draw is a pure function of its probability, as before. The values agree with
// Boost's own quantile to a few units in the last place (tests/engine/random/
// test_quantile_guide.cpp), not bit for bit.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <vector>

#include "engine/random/distribution_impl.h"

namespace plancast::dist_detail {

class QuantileGuide {
 public:
  static constexpr std::size_t kIntervals = 256;
  static constexpr double kH = 1.0 / kIntervals;  ///< an interval's width in probability
  /// Chebyshev points per interval at which the density is interpolated (degree 11).
  static constexpr std::size_t kNodes = 12;
  /// A Halley step at most this large relative to x's distance from the support's nearer
  /// end leaves an error far below an ulp.
  static constexpr double kCloseStep = 1e-6;
  static constexpr int kMaxSteps = 4;

  /// The table for `d` (kIntervals − 1 library quantiles, kNodes + 1 densities and two CDFs
  /// per interval: about 1 ms for a PERT, 0.3 ms for a gamma).
  explicit QuantileGuide(const Beta& d);
  explicit QuantileGuide(const Gamma& d);

  /// The guide for `d`, built once per shape in this process: a command's many loads of one
  /// scenario (solve's evaluations, compare's variants, the Python module's calls) share it.
  /// At most kShared shapes are kept; a guide is a pure function of its shape, so which are
  /// kept changes no value.
  static std::shared_ptr<const QuantileGuide> shared(const Beta& d);
  static std::shared_ptr<const QuantileGuide> shared(const Gamma& d);
  static constexpr std::size_t kShared = 64;

  /// F⁻¹(p) for p in (0, 1), the distribution the guide was built for.
  double quantile(const Beta& d, double p) const;
  double quantile(const Gamma& d, double p) const;
  /// out[j] = quantile(d, p[j]) for j < n, the same bits, several draws' steps interleaved.
  void quantiles(const Beta& d, const double* p, std::size_t n, double* out) const;
  void quantiles(const Gamma& d, const double* p, std::size_t n, double* out) const;
  /// How many inner intervals step on their own series (the rest on Boost's CDF).
  std::size_t series_intervals() const;

 private:
  /// One interval's CDF: F(x) − i/K = offset + Σ increment_k T_k(s) and f(x) = Σ density_k
  /// T_k(s), s = (x − mid) / half in [−1, 1].
  struct Local {
    double mid = 0, half = 0, inv_half = 0, offset = 0;
    std::array<double, kNodes> density{};
    std::array<double, kNodes + 1> increment{};
    bool ok = false;
  };

  template <class D>
  void build(const D& d);
  template <class D>
  Local fit(const D& d, std::size_t i, double offset, double offset_next) const;
  /// Where p's search starts: its interval i, p's place t in it, the Hermite start x.
  struct Start {
    std::size_t i = 0;
    double t = 0, x = 0;
  };
  /// The start for p; false outside the table's inner intervals (Boost's quantile answers).
  [[gnu::always_inline]] bool start(double p, Start& st) const;
  /// One Halley step on the interval's series from x, for the p that is `above` the
  /// interval's start (p − i/K): more to do, done (x is the answer), or failed (the step
  /// left the interval, where the series does not hold).
  enum class Step { more, done, failed };
  template <class D>
  [[gnu::always_inline]] Step local_step(const D& d, const Local& l, double above, double& x) const;
  /// Halley on Boost's CDF from the start (a failed or non-converging series), else Boost's
  /// quantile.
  template <class D>
  double finish(const D& d, double p, const Start& st) const;
  /// out[j] = F⁻¹(p[j]) for j < n, several draws' steps interleaved.
  template <class D>
  void solve(const D& d, const double* p, std::size_t n, double* out) const;

  /// x[i] = F⁻¹(i / kIntervals) and slope[i] = 1 / f(x[i]) for 0 < i < kIntervals.
  std::array<double, kIntervals + 1> x_{}, slope_{};
  std::vector<Local> local_;  ///< by interval; empty where no table
  bool valid_ = false;        ///< every node inside the support with a finite, positive density
};

}  // namespace plancast::dist_detail
