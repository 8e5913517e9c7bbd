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
// the parameters explain. Each c(J_j), 1 <= j < P, is estimated from N_O = 1 outer draw of
// x_{-J} and N_I = 3 inner draws of x_J given x_{-J}, each with its own noise (the sample
// variance of the 3 outputs); Var f and c(∅) from N_V twin rows (the same x run twice with
// other noise: c(∅) = mean of (f − f')² / 2). The levels of one permutation share their
// outer and inner draws (common random numbers across levels; see fill()).
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
#include "engine/analysis/shapley.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <tbb/parallel_for.h>
#include <Eigen/Cholesky>
#include <Eigen/Dense>

#include "engine/analysis/sensitivity_job.h"
#include "engine/core/error.h"
#include "engine/random/normal_quantile.h"
#include "engine/random/parameter_sampler.h"
#include "engine/random/stream.h"
#include "engine/sim/runner.h"

namespace plancast {

namespace {

// Purposes of the design's Philox words (the counter's last word).
constexpr std::uint64_t kTagVariance = 1, kTagOrder = 2, kTagOuter = 3, kTagInner = 4;

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

/// The uniforms of every run of the design (layout: shapley.h, shapley_estimates).
class ShapleyDesign final : public UniformSampler {
 public:
  ShapleyDesign(const Scenario& sc, std::uint64_t seed, std::uint64_t permutations,
                std::uint64_t variance_rows)
      : p_(sc.parameters.size()),
        m_(permutations),
        nv_(variance_rows),
        stream_(seed, stream_id_for("sensitivity.shapley")),
        r_(correlation_of(sc)) {
    for (const ParameterSpec& ps : sc.parameters) {
      names_.push_back(ps.name);
      keys_.push_back(stream_id_for(ps.name));
    }
    by_name_.resize(p_);
    std::iota(by_name_.begin(), by_name_.end(), std::size_t{0});
    std::sort(by_name_.begin(), by_name_.end(),
              [&](std::size_t a, std::size_t b) { return names_[a] < names_[b]; });
    std::vector<std::size_t> file(p_);
    std::iota(file.begin(), file.end(), std::size_t{0});
    l_file_ = cholesky_in(r_, file);
    l_name_ = cholesky_in(r_, by_name_);
  }

  std::uint64_t permutation_runs() const { return m_ * (p_ - 1) * kShapleyInner; }

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

  void fill(std::uint64_t first_run, std::size_t n, std::size_t stride,
            double* out) const override {
    std::uint64_t cached = UINT64_MAX;  // the permutation whose factor is at hand
    std::vector<std::size_t> order(p_);
    Eigen::MatrixXd l_perm;
    Eigen::VectorXd w(static_cast<Eigen::Index>(p_)), s(static_cast<Eigen::Index>(p_));
    Eigen::VectorXd scores(static_cast<Eigen::Index>(p_));
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t run = first_run + j;
      const Eigen::MatrixXd* l = &l_name_;
      const std::vector<std::size_t>* ord = &by_name_;
      if (run < 2 * nv_) {  // variance row run / 2, run twice (twins share every w)
        for (std::size_t q = 0; q < p_; ++q) w(idx(q)) = word(run / 2, 0, q, kTagVariance);
      } else {
        const std::uint64_t t = run - 2 * nv_;
        const std::uint64_t block = t / kShapleyInner, inner = t % kShapleyInner;
        const std::uint64_t k = block / (p_ - 1), level = 1 + block % (p_ - 1);
        if (k != cached) {
          const std::vector<std::size_t> pi = permutation(k);
          for (std::size_t q = 0; q < p_; ++q) order[q] = pi[p_ - 1 - q];
          l_perm = cholesky_in(r_, order);
          cached = k;
        }
        l = &l_perm;
        ord = &order;
        // Positions below P − level hold x_{-J} (the outer draw, shared by the inner runs);
        // the last `level` positions hold J, drawn anew in each inner run. The outer and the
        // inner w are the permutation's, common to all its levels (common random numbers:
        // each c(J_j) stays unbiased, and successive levels differ only in π_j's entry, so a
        // parameter without effect and without correlation adds exactly 0 when it joins at
        // any place but the last, where Var f is the estimate of Song et al.).
        const std::size_t fixed = p_ - static_cast<std::size_t>(level);
        for (std::size_t q = 0; q < p_; ++q) {
          w(idx(q)) =
              q < fixed ? word(k, 0, q, kTagOuter) : word(k, 0, (inner << 32) | q, kTagInner);
        }
      }
      s.noalias() = l->triangularView<Eigen::Lower>() * w;
      for (std::size_t q = 0; q < p_; ++q) scores(idx((*ord)[q])) = s(idx(q));
      // Uniforms whose copula image is `scores`: z = L_file⁻¹ s.
      l_file_.triangularView<Eigen::Lower>().solveInPlace(scores);
      for (std::size_t p = 0; p < p_; ++p) out[p * stride + j] = uniform_of(scores(idx(p)));
    }
  }

 private:
  static Eigen::Index idx(std::size_t i) { return static_cast<Eigen::Index>(i); }
  /// Standard normal number q (its low 32 bits; the rest of `c2` above) of counter
  /// (c0, c1, c2 / 4, tag).
  double word(std::uint64_t c0, std::uint64_t c1, std::uint64_t c2, std::uint64_t tag) const {
    const std::uint64_t q = c2 & 0xffffffffu, hi = c2 >> 32;
    return normal_of(stream_.words(c0, c1, (hi << 32) | (q / 4), tag).w[q % 4]);
  }

  std::size_t p_;
  std::uint64_t m_, nv_;
  Stream stream_;
  Eigen::MatrixXd r_, l_file_, l_name_;
  std::vector<std::string> names_;
  std::vector<std::uint32_t> keys_;
  std::vector<std::size_t> by_name_;
};

double sample_variance(const double* x, std::size_t n) {
  double m = 0;
  for (std::size_t i = 0; i < n; ++i) m += x[i];
  m /= double(n);
  double ss = 0;
  for (std::size_t i = 0; i < n; ++i) ss += (x[i] - m) * (x[i] - m);
  return ss / double(n - 1);
}

/// The variance rows' statistics on rows idx (all rows when empty): mean, Var f (the mean
/// of the two twins' sample variances, each unbiased) and c(∅) = mean (f − f')² / 2.
struct VarianceStats {
  double mean = 0, variance = 0, noise = 0;
};
VarianceStats variance_stats(const std::vector<double>& fv, const std::vector<std::size_t>& idx) {
  const std::size_t n = idx.empty() ? fv.size() / 2 : idx.size();
  auto row = [&](std::size_t k) { return idx.empty() ? k : idx[k]; };
  double s0 = 0, s1 = 0;
  for (std::size_t k = 0; k < n; ++k) {
    s0 += fv[2 * row(k)];
    s1 += fv[2 * row(k) + 1];
  }
  const double m0 = s0 / double(n), m1 = s1 / double(n);
  double q0 = 0, q1 = 0, d = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double a = fv[2 * row(k)], b = fv[2 * row(k) + 1];
    q0 += (a - m0) * (a - m0);
    q1 += (b - m1) * (b - m1);
    d += (a - b) * (a - b);
  }
  VarianceStats v;
  v.mean = (m0 + m1) / 2;
  v.variance = n > 1 ? (q0 + q1) / (2 * double(n - 1)) : 0;
  v.noise = d / (2 * double(n));
  return v;
}

}  // namespace

std::uint64_t shapley_total_runs(std::size_t n_params, std::uint64_t permutations) {
  const std::uint64_t p = n_params;
  return 2 * kShapleyVarianceRowsPerPermutation * permutations +
         permutations * (p > 0 ? p - 1 : 0) * kShapleyInner;
}

ShapleyResult shapley_estimates(const std::vector<double>& fv, const std::vector<double>& fp,
                                const std::vector<std::vector<std::size_t>>& perms,
                                std::size_t inner, const std::vector<std::string>& names,
                                std::size_t resamples, std::uint64_t bootstrap_seed) {
  const std::size_t np = names.size(), m = perms.size(), nv = fv.size() / 2;
  const std::size_t levels = np > 0 ? np - 1 : 0;
  // d[k][i]: parameter i's contribution in permutation k, but for the terms in c(∅) (the
  // first parameter's −c(∅)) and Var f (the last one's +Var f), added per resample.
  std::vector<std::vector<double>> d(m, std::vector<double>(np, 0.0));
  std::vector<std::size_t> first(m), last(m);
  for (std::size_t k = 0; k < m; ++k) {
    const std::vector<std::size_t>& pi = perms[k];
    double prev = 0;
    for (std::size_t j = 1; j <= levels; ++j) {
      const double c = sample_variance(fp.data() + ((k * levels + j - 1) * inner), inner);
      d[k][pi[j - 1]] += c - prev;
      prev = c;
    }
    d[k][pi[np - 1]] -= prev;
    first[k] = pi[0];
    last[k] = pi[np - 1];
  }
  auto effects = [&](const std::vector<std::size_t>& kidx, const VarianceStats& vs,
                     std::vector<double>& sh) {
    const std::size_t n = kidx.empty() ? m : kidx.size();
    sh.assign(np, 0.0);
    for (std::size_t t = 0; t < n; ++t) {
      const std::size_t k = kidx.empty() ? t : kidx[t];
      for (std::size_t i = 0; i < np; ++i) sh[i] += d[k][i];
      sh[first[k]] -= vs.noise;
      sh[last[k]] += vs.variance;
    }
    for (double& x : sh) x /= double(n) * vs.variance;
  };
  ShapleyResult r;
  r.permutations = m;
  r.variance_rows = nv;
  r.bootstrap = resamples;
  const VarianceStats all = variance_stats(fv, {});
  if (!(all.variance > 0)) {
    throw RunError("sensitivity: the output does not vary across runs (zero variance)");
  }
  r.mean = all.mean;
  r.variance = all.variance;
  r.explained = 1 - all.noise / all.variance;
  std::vector<double> sh;
  effects({}, all, sh);
  // Bootstrap: resample b draws the permutations (counter part 1) and the variance rows
  // (part 2) from stream (bootstrap_seed, id), independent of the thread count.
  std::vector<std::vector<double>> bsh(resamples);
  std::vector<double> bexp(resamples, 0.0);
  std::vector<char> ok(resamples, 0);
  const Stream stream(bootstrap_seed, stream_id_for("sensitivity.shapley.bootstrap"));
  tbb::parallel_for(std::size_t{0}, resamples, [&](std::size_t b) {
    std::vector<std::size_t> kidx, vidx;
    bootstrap_rows(stream, b, 1, m, kidx);
    bootstrap_rows(stream, b, 2, nv, vidx);
    const VarianceStats vs = variance_stats(fv, vidx);
    if (!(vs.variance > 0) || m == 0) return;
    effects(kidx, vs, bsh[b]);
    bexp[b] = 1 - vs.noise / vs.variance;
    ok[b] = 1;
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
    ShapleyEffect e;
    e.name = names[i];
    e.shapley = sh[i];
    interval([&](std::size_t b) { return bsh[b][i]; }, sh[i], e.lo, e.hi);
    r.parameters.push_back(std::move(e));
  }
  interval([&](std::size_t b) { return bexp[b]; }, r.explained, r.explained_lo, r.explained_hi);
  return r;
}

ShapleyResult shapley_sensitivity(const Scenario& scenario, const Registry& registry,
                                  const SensitivityOutput& output, const SensitivityOptions& opts) {
  const std::uint64_t m = opts.runs ? opts.runs : kShapleyDefaultPermutations;
  const std::uint64_t nv = kShapleyVarianceRowsPerPermutation * m;
  const std::size_t np = scenario.parameters.size();
  const std::uint64_t total = shapley_total_runs(np, m);
  const auto compiled = prepare_sensitivity(scenario, registry, opts, total);
  const Scenario& sc = scenario_of(*compiled);
  const ShapleyDesign design(sc, sc.simulation.seed, m, nv);
  SensitivityJob job(output, opts, total);
  std::vector<double> f = job.run_with(*compiled, design);
  const std::vector<double> fp(f.begin() + static_cast<std::ptrdiff_t>(2 * nv), f.end());
  f.resize(2 * nv);
  std::vector<std::vector<std::size_t>> perms;
  perms.reserve(m);
  for (std::uint64_t k = 0; k < m; ++k) perms.push_back(design.permutation(k));
  std::vector<std::string> names;
  for (const ParameterSpec& p : sc.parameters) names.push_back(p.name);
  ShapleyResult r =
      shapley_estimates(f, fp, perms, kShapleyInner, names, opts.bootstrap, opts.bootstrap_seed);
  r.of = output.of;
  r.seed = sc.simulation.seed;
  r.total_runs = total;
  r.correlated = !sc.correlations.empty();
  return r;
}

}  // namespace plancast
