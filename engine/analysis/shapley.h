// Shapley effects of one output (Owen 2014): each parameter's share of the output's variance
// under the cooperative game val(J) = Var E[f | x_J], averaged over the orders in which the
// parameters can join. Unlike Sobol indices they are well defined when parameters are
// correlated, do not depend on the order of the file, and sum to the share of the variance
// the parameters explain together. Estimated by the random-permutation algorithm of Song,
// Nelson & Staum (2016, Algorithm 1; as R sensitivity::shapleyPermRand), with exact
// conditional draws in the Gaussian copula (see shapley.cpp), and a percentile bootstrap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/analysis/sensitivity.h"

namespace plancast {

/// Default random permutations of the parameters.
inline constexpr std::uint64_t kShapleyDefaultPermutations = 2000;
/// Inner runs per conditional variance (N_I; Song et al. 2016 recommend 3 with N_O = 1).
inline constexpr std::size_t kShapleyInner = 3;
/// Rows of the variance design per permutation: 3 (each row run twice, with other noise).
inline constexpr std::uint64_t kShapleyVarianceRowsPerPermutation = 3;

/// Runs of the Shapley design for P parameters and m permutations: 2·3m for the variance
/// rows (twins) and m·(P−1)·3 for the conditional variances, i.e. 3m(P+1).
std::uint64_t shapley_total_runs(std::size_t n_params, std::uint64_t permutations);

struct ShapleyEffect {
  std::string name;
  double shapley = 0, lo = 0, hi = 0;  ///< effect (share of Var f) and its 95% interval
};

struct ShapleyResult {
  std::string of;
  std::uint64_t permutations = 0;   ///< m
  std::uint64_t variance_rows = 0;  ///< N_V rows, each run twice
  std::uint64_t total_runs = 0;
  std::uint64_t seed = 0;
  std::size_t bootstrap = 0;
  double mean = 0, variance = 0;  ///< of the output over the variance rows
  /// Σ of the effects: Var E[f | x] / Var f, the share the parameters explain together;
  /// 1 − explained is the runs' own randomness (noise, shocks...), alone and in
  /// interaction with the parameters: E Var(f | x) / Var f.
  double explained = 0, explained_lo = 0, explained_hi = 0;
  bool correlated = false;                ///< the scenario correlates parameters
  std::vector<ShapleyEffect> parameters;  ///< in scenario order
};

/// The estimator alone, on outputs already computed (layout of shapley_sensitivity):
/// fv holds 2·N_V outputs, rows r = 0..N_V−1 at 2r and 2r+1 (same parameters, own noise);
/// fp holds m·(P−1)·N_I outputs, permutation k, level j = 1..P−1 (its first j parameters
/// drawn again given the others), inner run l at ((k·(P−1) + j−1)·N_I + l);
/// perms[k] is permutation k (parameter indices). Percentile bootstrap over permutations
/// and variance rows together. Throws RunError when the output does not vary.
ShapleyResult shapley_estimates(const std::vector<double>& fv, const std::vector<double>& fp,
                                const std::vector<std::vector<std::size_t>>& perms,
                                std::size_t inner, const std::vector<std::string>& names,
                                std::size_t resamples, std::uint64_t bootstrap_seed);

/// Runs the design on `scenario` (opts.runs permutations, default
/// kShapleyDefaultPermutations; opts.seed) and estimates the effects. The permutations
/// and every draw are keyed by the parameters' names, never their positions, so listing
/// the parameters in another order gives the same effects up to round-off. Throws
/// ScenarioError (compile), UsageError (no parameters), RunError (non-finite or constant
/// output), Interrupted.
ShapleyResult shapley_sensitivity(const Scenario& scenario, const Registry& registry,
                                  const SensitivityOutput& output, const SensitivityOptions& opts);

}  // namespace plancast
