// Shapley effects by random permutations (Song, Nelson & Staum 2016, "Shapley effects for
// global sensitivity analysis: theory and computation", SIAM/ASA JUQ 4, Algorithm 1; the
// layout of R's sensitivity::shapleyPermRand, Iooss & Prieur 2019), for the output f of a
// run with parameters x and the run's own randomness ω (noise, shocks...).
//
// The game is the cost c(J) = E Var(f | x_{-J}) (Song et al. §3: its Shapley values equal
// those of val(J) = Var E[f | x_J]). For a permutation π of the parameters and its prefixes
// J_j = {π_1..π_j}, parameter π_j's marginal contribution is c(J_j) − c(J_{j−1}); its Shapley
// effect is the mean over permutations, divided by Var f. c(J_P) = Var f and, with noise,
// c(∅) = E Var(f | x) ≠ 0, so the effects sum to (Var f − E Var(f|x)) / Var f: the share
// the parameters explain. Each c(J_j), 0 <= j <= P, is estimated from N_O = 1 outer draw of
// x_{-J} and N_I = 3 inner draws of x_J given x_{-J}, each with its own noise: the sample
// variance of the 3 outputs. Song et al. take c(∅) = 0 (no noise) and c(J_P) from a separate
// sample of N_V runs; plancast estimates both ends in every permutation like the other
// levels, and all the levels of a permutation share their draws, noise included (common
// random numbers: level j is its own job of m·N_I runs, run k·N_I + l in every level, so
// run (k, l) has the same noise throughout, and the same w but for π_j's entry; see fill()).
// Each ĉ stays unbiased; a parameter that neither acts nor is correlated then adds exactly
// 0 wherever it joins, where an independent Var f sample would leave it the heavy-tailed
// difference of two variance estimates (on the bundled scenario, effects of −0.06 ± 0.02
// for a parameter that does not enter the output). Sh_i = Σ_k Δ_k,i / Σ_k ĉ_k(J_P): a ratio
// estimator whose effects sum exactly to 1 − Σ_k ĉ_k(∅) / Σ_k ĉ_k(J_P).
//
// Conditional draws. The scenario's parameters are coupled by a Gaussian copula: x_p =
// F_p⁻¹(Φ(s_p)) with normal scores s ~ N(0, R). Given the scores of x_{-J}, those of x_J are
// Gaussian; with the Cholesky factor L of R in the order (π_P, ..., π_1) (complement
// first), s = L w with w iid N(0, 1), and keeping w's first P−j entries while drawing the
// rest anew draws s_J exactly from its conditional law given s_{-J}. One factorisation
// per permutation serves all its levels. The scores are handed to the runner as the
// uniforms Φ(L_file⁻¹ s), which its copula maps back to s. With a discrete marginal
// (choice, empirical) inside a correlation, the effects belong to its normal score.
//
// Order-free: permutation k orders the parameters by a Philox word keyed by (k, the
// name's hash), and each w is keyed by its position in that order, so the whole design
// follows the names, not the file's order.
//
// Samplers. Under mc every w is a Philox word and the permutations are independent, so the
// percentile bootstrap over permutations is valid. Under lhs and sobol the w of permutation
// k are point k of a 4P-dimensional design over the m permutations (dimension q: outer w at
// position q; P + l·P + q: inner draw l), run as replicate_count(m) independent replicates
// (engine/random/samplers.h); the points of one replicate are not independent, so the
// intervals come from the spread across replicates instead (a delete-a-group jackknife, as
// for the Sobol indices; Owen 2013, ch. 17). The permutations stay Philox draws.
#include "engine/analysis/shapley.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>

#include <tbb/parallel_for.h>
#include <Eigen/Cholesky>
#include <Eigen/Dense>

#include "engine/analysis/sensitivity_job.h"
#include "engine/core/error.h"
#include "engine/random/normal_quantile.h"
#include "engine/random/parameter_sampler.h"
#include "engine/random/samplers.h"
#include "engine/random/stream.h"
#include "engine/sim/runner.h"

namespace plancast {

namespace {

// Purposes of the design's Philox words (the counter's last word).
constexpr std::uint64_t kTagOrder = 2, kTagOuter = 3, kTagInner = 4, kTagDesign = 5;

double normal_of(std::uint64_t word) {
  return normal_quantile((static_cast<double>(word >> 11) + 0.5) * 0x1p-53);
}

/// Φ(z) kept strictly inside (0, 1), as the runner's copula expects.
double uniform_of(double z) {
  const double u = 0.5 * std::erfc(-z / std::sqrt(2.0));
  return std::clamp(u, std::numeric_limits<double>::min(), 1.0 - 0x1p-53);
}

/// The copula's correlation matrix of the normal scores, in the file's order (identity for
/// uncorrelated parameters).
Eigen::MatrixXd correlation_of(const Scenario& sc) {
  const auto np = static_cast<Eigen::Index>(sc.parameters.size());
  Eigen::MatrixXd r = Eigen::MatrixXd::Identity(np, np);
  auto index = [&](const std::string& name) {
    for (Eigen::Index p = 0; p < np; ++p) {
      if (sc.parameters[static_cast<std::size_t>(p)].name == name) return p;
    }
    throw ScenarioError(SourceLoc{sc.file, 0, 0},
                        "correlation names an unknown parameter '" + name + "'");
  };
  for (const CorrelationSpec& c : sc.correlations) {
    const Eigen::Index a = index(c.a), b = index(c.b);
    r(a, b) = c.rho;
    r(b, a) = c.rho;
  }
  return r;
}

/// Lower Cholesky factor of r restricted to `order` (rows and columns in that order).
Eigen::MatrixXd cholesky_in(const Eigen::MatrixXd& r, const std::vector<std::size_t>& order) {
  const auto n = static_cast<Eigen::Index>(order.size());
  Eigen::MatrixXd m(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      m(i, j) = r(static_cast<Eigen::Index>(order[static_cast<std::size_t>(i)]),
                  static_cast<Eigen::Index>(order[static_cast<std::size_t>(j)]));
    }
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(m);
  if (llt.info() != Eigen::Success) {
    throw RunError("shapley: the correlation matrix has no Cholesky factor");
  }
  return llt.matrixL();
}

/// The design's permutations and draws (layout: shapley.h, shapley_estimates).
class ShapleyDesign {
 public:
  /// m permutations; the w from Philox (sampler "mc") or from replicates of the lhs or
  /// sobol design over the permutations, keyed by a seed drawn from `seed`.
  ShapleyDesign(const Scenario& sc, std::uint64_t seed, std::uint64_t m)
      : p_(sc.parameters.size()),
        stream_(seed, stream_id_for(kStreamShapley)),
        r_(correlation_of(sc)) {
    for (const ParameterSpec& ps : sc.parameters) {
      names_.push_back(ps.name);
      keys_.push_back(stream_id_for(ps.name));
    }
    std::vector<std::size_t> file(p_);
    std::iota(file.begin(), file.end(), std::size_t{0});
    l_file_ = cholesky_in(r_, file);
    const std::string& name = sc.simulation.sampler;
    if (name == "lhs" || name == "sobol") {
      const std::uint64_t key = stream_.words(0, 0, 0, kTagDesign).w[0];
      try {
        points_ = make_replicated_sampler(name, key, (kShapleyInner + 1) * p_, m);
      } catch (const std::invalid_argument&) {
        throw UsageError("sensitivity: --method shapley with the sobol sampler takes at most " +
                         std::to_string(kSobolMaxDimension / (kShapleyInner + 1)) +
                         " parameters; use --sampler mc or lhs");
      }
    } else if (name != "mc") {
      throw UsageError("sensitivity: unknown sampler '" + name + "'");
    }
  }

  /// Replicates of the design's points: 0 under mc.
  std::uint32_t replicates(std::uint64_t m) const { return points_ ? replicate_count(m) : 0; }

  std::size_t size() const { return p_; }

  /// Permutation k: the parameters ordered by a word keyed by (k, name hash), ties (equal
  /// hashes) by name.
  std::vector<std::size_t> permutation(std::uint64_t k) const {
    std::vector<std::uint64_t> h(p_);
    for (std::size_t i = 0; i < p_; ++i) h[i] = stream_.words(k, keys_[i], 0, kTagOrder).w[0];
    std::vector<std::size_t> pi(p_);
    std::iota(pi.begin(), pi.end(), std::size_t{0});
    std::sort(pi.begin(), pi.end(), [&](std::size_t a, std::size_t b) {
      return h[a] != h[b] ? h[a] < h[b] : names_[a] < names_[b];
    });
    return pi;
  }

  /// Uniforms of runs [first, first + n) of level `level`: run k·N_I + l is inner draw l of
  /// permutation k. The order is (π_P, ..., π_1); positions below P − level hold x_{-J}
  /// (the permutation's outer w, shared by its inner runs and by every level), the last
  /// `level` positions hold J (inner w number l, also shared by every level). So levels j−1
  /// and j of a permutation differ only in the entry of π_j, outer in one, inner in the other.
  void fill(std::size_t level, std::uint64_t first, std::size_t n, std::size_t stride,
            double* out) const {
    std::uint64_t cached = UINT64_MAX;  // the permutation whose factor is at hand
    std::vector<std::size_t> order(p_);
    Eigen::MatrixXd l_perm;
    Eigen::VectorXd w(idx(p_)), s(idx(p_)), scores(idx(p_));
    const std::size_t fixed = p_ - level;
    // lhs, sobol: the points of permutations [k0, k0 + nk), dimension d of point k at
    // u[d·nk + k − k0] (a pure function of k, however the runs are cut into blocks).
    const std::uint64_t k0 = first / kShapleyInner;
    const std::size_t nk =
        n ? static_cast<std::size_t>((first + n - 1) / kShapleyInner - k0 + 1) : 0;
    std::vector<double> u;
    if (points_ && nk > 0) {
      u.resize((kShapleyInner + 1) * p_ * nk);
      points_->fill(k0, nk, nk, u.data());
    }
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t run = first + j;
      const std::uint64_t k = run / kShapleyInner, inner = run % kShapleyInner;
      if (k != cached) {
        const std::vector<std::size_t> pi = permutation(k);
        for (std::size_t q = 0; q < p_; ++q) order[q] = pi[p_ - 1 - q];
        l_perm = cholesky_in(r_, order);
        cached = k;
      }
      for (std::size_t q = 0; q < p_; ++q) {
        if (points_) {
          const std::size_t d = q < fixed ? q : (1 + inner) * p_ + q;
          w(idx(q)) = normal_quantile(u[d * nk + (k - k0)]);
        } else {
          w(idx(q)) = q < fixed ? word(k, q, kTagOuter) : word(k, (inner << 32) | q, kTagInner);
        }
      }
      s.noalias() = l_perm.triangularView<Eigen::Lower>() * w;
      for (std::size_t q = 0; q < p_; ++q) scores(idx(order[q])) = s(idx(q));
      // Uniforms whose copula image is `scores`: z = L_file⁻¹ s.
      l_file_.triangularView<Eigen::Lower>().solveInPlace(scores);
      for (std::size_t p = 0; p < p_; ++p) out[p * stride + j] = uniform_of(scores(idx(p)));
    }
  }

 private:
  static Eigen::Index idx(std::size_t i) { return static_cast<Eigen::Index>(i); }
  /// Standard normal number q (the low 32 bits of c; the rest above) of counter
  /// (c0, c / 4 with the high bits kept, 0, tag).
  double word(std::uint64_t c0, std::uint64_t c, std::uint64_t tag) const {
    const std::uint64_t q = c & 0xffffffffu, hi = c >> 32;
    return normal_of(stream_.words(c0, (hi << 32) | (q / 4), 0, tag).w[q % 4]);
  }

  std::size_t p_;
  Stream stream_;
  Eigen::MatrixXd r_, l_file_;
  std::vector<std::string> names_;
  std::vector<std::uint32_t> keys_;
  std::unique_ptr<UniformSampler> points_;  ///< lhs, sobol: the w's design; null under mc
};

/// One level of the design as the runner's parameter uniforms.
class LevelSampler final : public UniformSampler {
 public:
  LevelSampler(const ShapleyDesign& design, std::size_t level) : d_(design), level_(level) {}
  void fill(std::uint64_t first_run, std::size_t n, std::size_t stride,
            double* out) const override {
    d_.fill(level_, first_run, n, stride, out);
  }

 private:
  const ShapleyDesign& d_;
  std::size_t level_;
};

double sample_variance(const double* x, std::size_t n) {
  double m = 0;
  for (std::size_t i = 0; i < n; ++i) m += x[i];
  m /= double(n);
  double ss = 0;
  for (std::size_t i = 0; i < n; ++i) ss += (x[i] - m) * (x[i] - m);
  return ss / double(n - 1);
}

}  // namespace

std::uint64_t shapley_total_runs(std::size_t n_params, std::uint64_t permutations) {
  return (static_cast<std::uint64_t>(n_params) + 1) * permutations * kShapleyInner;
}

namespace {

/// Per permutation: each parameter's contribution ĉ(J_j) − ĉ(J_{j−1}) and both ends.
struct Contributions {
  std::vector<std::vector<double>> d;  ///< [permutation][parameter]
  std::vector<double> c0, call;        ///< ĉ(∅), ĉ(J_P)
};

Contributions contributions_of(const std::vector<std::vector<double>>& levels,
                               const std::vector<std::vector<std::size_t>>& perms,
                               std::size_t inner, std::size_t np) {
  const std::size_t m = perms.size();
  Contributions c{std::vector<std::vector<double>>(m, std::vector<double>(np, 0.0)),
                  std::vector<double>(m), std::vector<double>(m)};
  for (std::size_t k = 0; k < m; ++k) {
    double prev = sample_variance(levels[0].data() + k * inner, inner);
    c.c0[k] = prev;
    for (std::size_t j = 1; j <= np; ++j) {
      const double v = sample_variance(levels[j].data() + k * inner, inner);
      c.d[k][perms[k][j - 1]] = v - prev;
      prev = v;
    }
    c.call[k] = prev;
  }
  return c;
}

/// Effects and explained share on the permutations kidx (all when empty); false when the
/// variance estimate is not positive.
bool estimate_on(const Contributions& c, const std::vector<std::size_t>& kidx,
                 std::vector<double>& sh, double& explained, double* variance = nullptr) {
  const std::size_t m = c.c0.size(), np = c.d.empty() ? 0 : c.d[0].size();
  const std::size_t n = kidx.empty() ? m : kidx.size();
  sh.assign(np, 0.0);
  double v = 0, noise = 0;
  for (std::size_t t = 0; t < n; ++t) {
    const std::size_t k = kidx.empty() ? t : kidx[t];
    for (std::size_t i = 0; i < np; ++i) sh[i] += c.d[k][i];
    v += c.call[k];
    noise += c.c0[k];
  }
  if (variance) *variance = n > 0 ? v / double(n) : 0;
  if (!(v > 0)) return false;
  for (double& x : sh) x /= v;
  explained = 1 - noise / v;
  return true;
}

/// The point estimates (intervals still empty); throws RunError when the output does not
/// vary.
ShapleyResult point_estimates(const Contributions& c,
                              const std::vector<std::vector<double>>& levels,
                              const std::vector<std::string>& names) {
  ShapleyResult r;
  r.permutations = c.c0.size();
  std::vector<double> sh;
  if (!estimate_on(c, {}, sh, r.explained, &r.variance)) {
    throw RunError("sensitivity: the output does not vary across runs (zero variance)");
  }
  double sum = 0;
  for (double x : levels[names.size()]) sum += x;
  r.mean = sum / double(levels[names.size()].size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    ShapleyEffect e;
    e.name = names[i];
    e.shapley = sh[i];
    r.parameters.push_back(std::move(e));
  }
  return r;
}

}  // namespace

ShapleyResult shapley_estimates(const std::vector<std::vector<double>>& levels,
                                const std::vector<std::vector<std::size_t>>& perms,
                                std::size_t inner, const std::vector<std::string>& names,
                                std::size_t resamples, std::uint64_t bootstrap_seed) {
  const std::size_t np = names.size(), m = perms.size();
  const Contributions c = contributions_of(levels, perms, inner, np);
  ShapleyResult r = point_estimates(c, levels, names);
  r.bootstrap = resamples;
  // Bootstrap: resample b draws the permutations from stream (bootstrap_seed, id), counter
  // (b, 1, k / 4), independent of the thread count.
  std::vector<std::vector<double>> bsh(resamples);
  std::vector<double> bexp(resamples, 0.0);
  std::vector<char> ok(resamples, 0);
  const Stream stream(bootstrap_seed, stream_id_for(kStreamShapleyBootstrap));
  tbb::parallel_for(std::size_t{0}, resamples, [&](std::size_t b) {
    std::vector<std::size_t> kidx;
    bootstrap_rows(stream, b, 1, m, kidx);
    ok[b] = estimate_on(c, kidx, bsh[b], bexp[b]) ? 1 : 0;
  });
  auto interval = [&](auto value_of, double est, double& lo, double& hi) {
    std::vector<double> v;
    for (std::size_t b = 0; b < resamples; ++b) {
      if (ok[b]) v.push_back(value_of(b));
    }
    std::sort(v.begin(), v.end());
    lo = v.empty() ? est : sorted_percentile(v, 0.025);
    hi = v.empty() ? est : sorted_percentile(v, 0.975);
  };
  for (std::size_t i = 0; i < np; ++i) {
    ShapleyEffect& e = r.parameters[i];
    interval([&](std::size_t b) { return bsh[b][i]; }, e.shapley, e.lo, e.hi);
  }
  interval([&](std::size_t b) { return bexp[b]; }, r.explained, r.explained_lo, r.explained_hi);
  return r;
}

ShapleyResult shapley_replicate_estimates(const std::vector<std::vector<double>>& levels,
                                          const std::vector<std::vector<std::size_t>>& perms,
                                          std::size_t inner,
                                          const std::vector<std::string>& names) {
  const std::size_t np = names.size(), m = perms.size();
  const Contributions c = contributions_of(levels, perms, inner, np);
  ShapleyResult r = point_estimates(c, levels, names);
  const std::uint32_t reps = replicate_count(m);
  r.replicates = reps;
  // Estimate g leaves out the permutations of replicate g.
  std::vector<std::vector<double>> jsh(reps);
  std::vector<double> jexp(reps, 0.0);
  std::vector<char> ok(reps, 0);
  tbb::parallel_for(std::uint32_t{0}, reps, [&](std::uint32_t g) {
    const std::vector<std::size_t> kidx = without_replicate(g, m);
    ok[g] = !kidx.empty() && estimate_on(c, kidx, jsh[g], jexp[g]) ? 1 : 0;
  });
  const bool all_ok = reps >= 2 && std::all_of(ok.begin(), ok.end(), [](char x) { return x; });
  auto half = [&](auto value_of) {
    if (!all_ok) return 0.0;
    std::vector<double> v(reps);
    for (std::uint32_t g = 0; g < reps; ++g) v[g] = value_of(g);
    return jackknife_half_width(v);
  };
  for (std::size_t i = 0; i < np; ++i) {
    ShapleyEffect& e = r.parameters[i];
    const double h = half([&](std::uint32_t g) { return jsh[g][i]; });
    e.lo = e.shapley - h;
    e.hi = e.shapley + h;
  }
  const double h = half([&](std::uint32_t g) { return jexp[g]; });
  r.explained_lo = r.explained - h;
  r.explained_hi = r.explained + h;
  return r;
}

ShapleyResult shapley_sensitivity(const Scenario& scenario, const Registry& registry,
                                  const SensitivityOutput& output, const SensitivityOptions& opts) {
  const std::uint64_t m = opts.runs ? opts.runs : kShapleyDefaultPermutations;
  const std::size_t np = scenario.parameters.size();
  const std::uint64_t total = shapley_total_runs(np, m);
  // One job of m·N_I runs per level: run k·N_I + l has the same noise in every level.
  const auto compiled =
      prepare_sensitivity(scenario, registry, output, opts, m * kShapleyInner, true);
  const Scenario& sc = scenario_of(*compiled);
  const ShapleyDesign design(sc, sc.simulation.seed, m);
  SensitivityJob job(output, opts, total);
  std::vector<std::vector<double>> levels;
  for (std::size_t j = 0; j <= np; ++j) {
    levels.push_back(job.run_with(*compiled, LevelSampler(design, j)));
  }
  std::vector<std::vector<std::size_t>> perms;
  perms.reserve(m);
  for (std::uint64_t k = 0; k < m; ++k) perms.push_back(design.permutation(k));
  std::vector<std::string> names;
  for (const ParameterSpec& p : sc.parameters) names.push_back(p.name);
  ShapleyResult r = design.replicates(m) > 0
                        ? shapley_replicate_estimates(levels, perms, kShapleyInner, names)
                        : shapley_estimates(levels, perms, kShapleyInner, names, opts.bootstrap,
                                            opts.bootstrap_seed);
  r.of = output.of;
  r.sampler = sc.simulation.sampler;
  r.seed = sc.simulation.seed;
  r.total_runs = total;
  r.correlated = !sc.correlations.empty();
  return r;
}

}  // namespace plancast
