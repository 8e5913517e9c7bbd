// Sobol indices (Saltelli 2010 design and first-order estimator, Jansen 1999 total
// estimator, percentile bootstrap), with the runs' own randomness as one more factor of the
// design, and the tornado (run r of every setting shares its noise streams: common random
// numbers); both driven through the runner with a replacement uniform sampler.
#include "engine/analysis/sensitivity.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include <tbb/parallel_for.h>
#include <boost/math/distributions/normal.hpp>

#include "engine/analysis/sensitivity_job.h"
#include "engine/analysis/shapley.h"
#include "engine/config/names.h"
#include "engine/core/error.h"
#include "engine/random/distribution.h"
#include "engine/random/parameter_sampler.h"
#include "engine/random/samplers.h"
#include "engine/random/stream.h"
#include "engine/sim/runner.h"

namespace plancast {

namespace {

/// Row r of a Saltelli matrix: the base sampler's 2P uniforms of run r, of which A takes
/// the first P, B the last P, and AB_i those of A with column i from B.
class DesignSampler final : public UniformSampler {
 public:
  /// column: -1 for A, -2 for B, i >= 0 for AB_i.
  DesignSampler(const UniformSampler& base, std::size_t n_params, long column)
      : base_(base), p_(n_params), column_(column) {}
  void fill(std::uint64_t first_run, std::size_t n, std::size_t stride,
            double* out) const override {
    std::vector<double> tmp(2 * p_ * n);
    base_.fill(first_run, n, n, tmp.data());
    for (std::size_t p = 0; p < p_; ++p) {
      const bool from_b = column_ == -2 || (column_ >= 0 && static_cast<std::size_t>(column_) == p);
      const double* src = tmp.data() + (from_b ? p_ + p : p) * n;
      std::copy(src, src + n, out + p * stride);
    }
  }

 private:
  const UniformSampler& base_;
  std::size_t p_;
  long column_;
};

/// The same uniforms in every run.
class ConstantSampler final : public UniformSampler {
 public:
  explicit ConstantSampler(std::vector<double> u) : u_(std::move(u)) {}
  void fill(std::uint64_t, std::size_t n, std::size_t stride, double* out) const override {
    for (std::size_t p = 0; p < u_.size(); ++p)
      std::fill(out + p * stride, out + p * stride + n, u_[p]);
  }

 private:
  std::vector<double> u_;
};

/// S1 and ST of every parameter on the rows idx (or all rows when idx is empty).
/// Returns false when the variance is zero.
bool estimate(const std::vector<double>& fa, const std::vector<double>& fb,
              const std::vector<std::vector<double>>& fab, const std::vector<std::size_t>& idx,
              std::vector<double>& s1, std::vector<double>& st, double* mean_out = nullptr,
              double* var_out = nullptr) {
  const std::size_t n = idx.empty() ? fa.size() : idx.size();
  auto row = [&](std::size_t k) { return idx.empty() ? k : idx[k]; };
  double sum = 0;
  for (std::size_t k = 0; k < n; ++k) sum += fa[row(k)] + fb[row(k)];
  const double m = sum / double(2 * n);
  double ss = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double a = fa[row(k)] - m, b = fb[row(k)] - m;
    ss += a * a + b * b;
  }
  const double v = n > 0 ? ss / double(2 * n - 1) : 0;
  if (mean_out) *mean_out = m;
  if (var_out) *var_out = v;
  if (!(v > 0)) return false;
  s1.assign(fab.size(), 0);
  st.assign(fab.size(), 0);
  for (std::size_t i = 0; i < fab.size(); ++i) {
    double first = 0, total = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t r = row(k);
      const double d = fab[i][r] - fa[r];
      first += (fb[r] - m) * d;
      total += d * d;
    }
    s1[i] = first / double(n) / v;
    st[i] = total / double(2 * n) / v;
  }
  return true;
}

double normal_quantile(double u) {
  return boost::math::quantile(boost::math::normal(), u);
}
double normal_cdf(double z) {
  return boost::math::cdf(boost::math::normal(), z);
}

}  // namespace

std::uint64_t sensitivity_design_runs(SensitivityMethod method, std::uint64_t runs) {
  switch (method) {
    case SensitivityMethod::sobol:
      return runs ? runs : kSobolDefaultRuns;
    case SensitivityMethod::shapley:
      return (runs ? runs : kShapleyDefaultPermutations) * kShapleyInner;
    case SensitivityMethod::tornado:
      break;
  }
  return runs ? runs : kTornadoDefaultRuns;
}

SensitivityOutput resolve_output(const Scenario& scenario, const std::string& of) {
  SensitivityOutput out;
  out.of = of;
  for (std::size_t k = 0; k < scenario.targets.size(); ++k) {
    if (scenario.targets[k].id == of) {
      out.is_target = true;
      out.target = k;
      return out;
    }
  }
  const auto at = of.rfind('@');
  if (at == std::string::npos) {
    // As discover does: the nearest id, and the ids there are.
    std::vector<std::string> ids;
    for (const TargetSpec& t : scenario.targets) ids.push_back(t.id);
    const std::string near = nearest(of, ids);
    std::string m = "--of: '";
    m += of;
    m += "' is not a target id";
    if (!near.empty()) m += " (did you mean '" + near + "'?)";
    if (!ids.empty()) {
      m += "; the targets are ";
      for (std::size_t k = 0; k < ids.size(); ++k) m += (k ? ", " : "") + ids[k];
    }
    m += ". Or give INDICATOR@YEAR";
    throw UsageError(m);
  }
  out.indicator = of.substr(0, at);
  const std::string year = of.substr(at + 1);
  const IndicatorSpec* owner = scenario.indicator_of_output(out.indicator);
  if (owner == nullptr) {
    std::string m = "--of: no indicator '";
    m += out.indicator;
    m += "' in the scenario";
    throw UsageError(m);
  }
  std::size_t used = 0;
  int y = 0;
  try {
    y = std::stoi(year, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (year.empty() || used != year.size() || y < scenario.base_year || y > scenario.horizon) {
    std::string m = "--of: '";
    m += year;
    m += "' is not a year from ";
    m += std::to_string(scenario.base_year);
    m += " to ";
    m += std::to_string(scenario.horizon);
    throw UsageError(m);
  }
  if (y < scenario.first_year(*owner)) {  // a later vintage (its own base_year)
    throw UsageError("--of: '" + out.indicator + "' starts in " +
                     std::to_string(scenario.first_year(*owner)) + ": it has no value in " + year);
  }
  out.year = y;
  return out;
}

SobolResult sobol_estimates(const std::vector<double>& fa, const std::vector<double>& fb,
                            const std::vector<std::vector<double>>& fab,
                            const std::vector<std::string>& names, std::size_t resamples,
                            std::uint64_t bootstrap_seed) {
  const std::size_t n = fa.size();
  const std::size_t np = fab.size();
  SobolResult r;
  r.base_runs = n;
  r.bootstrap = resamples;
  std::vector<double> s1, st;
  if (!estimate(fa, fb, fab, {}, s1, st, &r.mean, &r.variance)) {
    throw RunError("sensitivity: the output does not vary across runs (zero variance)");
  }
  // Bootstrap: resample b draws row indices from stream (bootstrap_seed, id), counter
  // (b, 0, k / 4), lane k % 4, so the intervals do not depend on the thread count.
  std::vector<std::vector<double>> bs1(resamples), bst(resamples);
  std::vector<char> ok(resamples, 0);
  const Stream stream(bootstrap_seed, stream_id_for(kStreamSensitivityBootstrap));
  tbb::parallel_for(std::size_t{0}, resamples, [&](std::size_t b) {
    std::vector<std::size_t> idx;
    bootstrap_rows(stream, b, 0, n, idx);
    ok[b] = estimate(fa, fb, fab, idx, bs1[b], bst[b]) ? 1 : 0;
  });
  for (std::size_t i = 0; i < np; ++i) {
    std::vector<double> a, t;
    for (std::size_t b = 0; b < resamples; ++b) {
      if (!ok[b]) continue;
      a.push_back(bs1[b][i]);
      t.push_back(bst[b][i]);
    }
    std::sort(a.begin(), a.end());
    std::sort(t.begin(), t.end());
    SobolIndex ix;
    ix.name = i < names.size() ? names[i] : std::to_string(i);
    ix.s1 = s1[i];
    ix.st = st[i];
    ix.s1_lo = a.empty() ? s1[i] : sorted_percentile(a, 0.025);
    ix.s1_hi = a.empty() ? s1[i] : sorted_percentile(a, 0.975);
    ix.st_lo = t.empty() ? st[i] : sorted_percentile(t, 0.025);
    ix.st_hi = t.empty() ? st[i] : sorted_percentile(t, 0.975);
    r.parameters.push_back(std::move(ix));
  }
  return r;
}

SobolResult sobol_replicate_estimates(const std::vector<double>& fa, const std::vector<double>& fb,
                                      const std::vector<std::vector<double>>& fab,
                                      const std::vector<std::string>& names) {
  const std::size_t n = fa.size();
  const std::size_t np = fab.size();
  SobolResult r;
  r.base_runs = n;
  r.bootstrap = 0;
  std::vector<double> s1, st;
  if (!estimate(fa, fb, fab, {}, s1, st, &r.mean, &r.variance)) {
    throw RunError("sensitivity: the output does not vary across runs (zero variance)");
  }
  const std::uint32_t reps = replicate_count(n);
  r.replicates = reps;
  // Jackknife over the replicates (each an independent design): estimate k leaves out the
  // rows of replicate k. se² = (R-1)/R Σ (θ_(k) - mean θ_(·))², t(R-1) interval.
  std::vector<std::vector<double>> js1(reps), jst(reps);
  std::vector<char> ok(reps, 0);
  tbb::parallel_for(std::uint32_t{0}, reps, [&](std::uint32_t k) {
    const std::vector<std::size_t> idx = without_replicate(k, n);
    ok[k] = !idx.empty() && estimate(fa, fb, fab, idx, js1[k], jst[k]) ? 1 : 0;
  });
  const bool all_ok = reps >= 2 && std::all_of(ok.begin(), ok.end(), [](char c) { return c; });
  auto half = [&](const std::vector<std::vector<double>>& j, std::size_t i) {
    if (!all_ok) return 0.0;
    std::vector<double> column(reps);
    for (std::uint32_t k = 0; k < reps; ++k) column[k] = j[k][i];
    return jackknife_half_width(column);
  };
  for (std::size_t i = 0; i < np; ++i) {
    SobolIndex ix;
    ix.name = i < names.size() ? names[i] : std::to_string(i);
    ix.s1 = s1[i];
    ix.st = st[i];
    const double h1 = half(js1, i), ht = half(jst, i);
    ix.s1_lo = s1[i] - h1;
    ix.s1_hi = s1[i] + h1;
    ix.st_lo = st[i] - ht;
    ix.st_hi = st[i] + ht;
    r.parameters.push_back(std::move(ix));
  }
  return r;
}

static std::uint64_t sobol_noise_seed(std::uint64_t seed) {
  return Stream(seed, stream_id_for(kStreamSensitivityNoise)).words(0, 0, 0, 0).w[0];
}

SobolResult sobol_sensitivity(const Scenario& scenario, const Registry& registry,
                              const SensitivityOutput& output, const SensitivityOptions& opts) {
  const std::uint64_t n = opts.runs ? opts.runs : kSobolDefaultRuns;
  // The runs' own randomness is a pure function of (seed, indicator, run, year): the A
  // rows (and AB_i, which keep A's noise) run under seed S, the B rows (and AB_noise,
  // A's parameters with B's noise) under a second seed derived from S.
  const auto compiled_a = prepare_sensitivity(scenario, registry, output, opts, n, true);
  const Scenario& sc = scenario_of(*compiled_a);
  const std::uint64_t noise_seed = sobol_noise_seed(sc.simulation.seed);
  const auto compiled_b = reseeded(*compiled_a, registry, noise_seed, true);
  const std::size_t np = sc.parameters.size();
  // Each shared event's occurrence is one more factor (a group: its whole path in a run):
  // AB_e is A with event e drawn at B's seed; AB_noise takes B's noise with A's events.
  const std::size_t ne = sc.events.size();
  auto event_resampled = [&](std::size_t e) {
    Scenario s = sc;
    s.events[e].seed = noise_seed;
    return compile(s, registry);
  };
  std::shared_ptr<const CompiledScenario> compiled_noise = compiled_b;
  if (ne > 0) {
    Scenario s = scenario_of(*compiled_b);
    for (EventSpec& e : s.events) e.seed = sc.simulation.seed;
    compiled_noise = compile(s, registry);
  }
  // lhs and sobol: 16 independent replicates of the design, whose spread gives the
  // intervals (docs/samplers.md); mc: one design and the row bootstrap.
  const bool replicated = sc.simulation.sampler == "lhs" || sc.simulation.sampler == "sobol";
  auto base = replicated
                  ? make_replicated_sampler(sc.simulation.sampler, sc.simulation.seed, 2 * np, n)
                  : make_uniform_sampler(sc.simulation.sampler, sc.simulation.seed, 2 * np, n);
  if (!base) {
    std::string m = "sensitivity: unknown sampler '";
    m += sc.simulation.sampler;
    m += "'";
    throw UsageError(m);
  }
  SensitivityJob job(output, opts, n * (np + ne + 3));
  const std::vector<double> fa = job.run_with(*compiled_a, DesignSampler(*base, np, -1));
  const std::vector<double> fb = job.run_with(*compiled_b, DesignSampler(*base, np, -2));
  std::vector<std::vector<double>> fab;
  for (std::size_t i = 0; i < np; ++i) {
    fab.push_back(job.run_with(*compiled_a, DesignSampler(*base, np, static_cast<long>(i))));
  }
  for (std::size_t e = 0; e < ne; ++e) {
    fab.push_back(job.run_with(*event_resampled(e), DesignSampler(*base, np, -1)));
  }
  fab.push_back(job.run_with(*compiled_noise, DesignSampler(*base, np, -1)));  // AB_noise
  std::vector<std::string> names;
  for (const ParameterSpec& p : sc.parameters) names.push_back(p.name);
  for (const EventSpec& e : sc.events) names.push_back("event:" + e.name);
  names.push_back("noise");
  SobolResult r = replicated
                      ? sobol_replicate_estimates(fa, fb, fab, names)
                      : sobol_estimates(fa, fb, fab, names, opts.bootstrap, opts.bootstrap_seed);
  r.noise = r.parameters.back();
  r.parameters.pop_back();
  r.of = output.of;
  r.sampler = sc.simulation.sampler;
  r.seed = sc.simulation.seed;
  r.noise_seed = noise_seed;
  r.total_runs = n * (np + ne + 3);
  r.correlated = !sc.correlations.empty();
  return r;
}

TornadoResult tornado_sensitivity(const Scenario& scenario, const Registry& registry,
                                  const SensitivityOutput& output, const SensitivityOptions& opts) {
  const std::uint64_t n = opts.runs ? opts.runs : kTornadoDefaultRuns;
  const auto compiled = prepare_sensitivity(scenario, registry, output, opts, n, false);
  const Scenario& sc = scenario_of(*compiled);
  const ParameterSampler& ps = parameters_of(*compiled);
  const std::size_t np = ps.size();

  // The copula maps normal scores z to z' = L z (L lower triangular). Probe L column by
  // column through transform() and each marginal's CDF, then solve L z = z' for the z'
  // that puts one parameter at a quantile and the others at their medians (z' = 0).
  auto scores_of = [&](const std::vector<double>& z) {
    std::vector<double> v(np);
    for (std::size_t p = 0; p < np; ++p) v[p] = normal_cdf(z[p]);
    ps.transform(1, 1, v.data());
    return v;
  };
  std::vector<std::vector<double>> L(np, std::vector<double>(np, 0.0));
  if (!sc.correlations.empty()) {
    for (std::size_t k = 0; k < np; ++k) {
      std::vector<double> z(np, 0.0);
      z[k] = 1;
      const std::vector<double> v = scores_of(z);
      for (std::size_t q = k; q < np; ++q) {
        const double u = std::clamp(ps.distribution(q).cdf(v[q]), 1e-300, 1 - 1e-16);
        L[q][k] = normal_quantile(u);
      }
    }
  } else {
    for (std::size_t k = 0; k < np; ++k) L[k][k] = 1;
  }
  auto uniforms_for = [&](std::size_t p, double prob) {
    std::vector<double> zt(np, 0.0), z(np, 0.0);
    zt[p] = normal_quantile(prob);
    for (std::size_t q = 0; q < np; ++q) {
      double s = zt[q];
      for (std::size_t k = 0; k < q; ++k) s -= L[q][k] * z[k];
      z[q] = L[q][q] != 0 ? s / L[q][q] : 0;
    }
    std::vector<double> u(np);
    for (std::size_t q = 0; q < np; ++q) u[q] = std::clamp(normal_cdf(z[q]), 1e-300, 1 - 1e-16);
    return u;
  };
  auto mean_of = [](const std::vector<double>& f) {
    double s = 0;
    for (double x : f) s += x;
    return s / double(f.size());
  };

  SensitivityJob job(output, opts, n * (2 * np + 1));
  TornadoResult r;
  r.of = output.of;
  r.runs_per_setting = n;
  r.total_runs = n * (2 * np + 1);
  r.seed = sc.simulation.seed;
  r.baseline = mean_of(job.run_with(*compiled, ConstantSampler(std::vector<double>(np, 0.5))));
  for (std::size_t p = 0; p < np; ++p) {
    TornadoBar bar;
    bar.name = sc.parameters[p].name;
    const std::vector<double> ulo = uniforms_for(p, 0.1), uhi = uniforms_for(p, 0.9);
    std::vector<double> vlo = ulo, vhi = uhi;
    ps.transform(1, 1, vlo.data());
    ps.transform(1, 1, vhi.data());
    bar.p10_value = vlo[p];
    bar.p90_value = vhi[p];
    bar.low = mean_of(job.run_with(*compiled, ConstantSampler(ulo)));
    bar.high = mean_of(job.run_with(*compiled, ConstantSampler(uhi)));
    bar.swing = std::abs(bar.high - bar.low);
    // The copula inversion holds the others at their medians up to round-off: a swing
    // below 1e-9 of the output's scale is that round-off, reported as none.
    const double scale = std::max({std::abs(bar.low), std::abs(bar.high), std::abs(r.baseline)});
    if (bar.swing <= 1e-9 * scale) {
      bar.swing = 0;
      bar.high = bar.low;
    }
    r.parameters.push_back(std::move(bar));
  }
  std::stable_sort(r.parameters.begin(), r.parameters.end(),
                   [](const TornadoBar& a, const TornadoBar& b) { return a.swing > b.swing; });
  return r;
}

SensitivityMethod sensitivity_method_named(const std::string& name) {
  if (name == "sobol") return SensitivityMethod::sobol;
  if (name == "shapley") return SensitivityMethod::shapley;
  if (name == "tornado") return SensitivityMethod::tornado;
  throw std::invalid_argument("'" + name +
                              "' is not a method (expected sobol, shapley or tornado)");
}

}  // namespace plancast
