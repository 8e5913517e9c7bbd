// Shapley effects of one output (Owen 2014): each parameter's share of the output's variance
// under the cooperative game val(J) = Var E[f | x_J], averaged over the orders in which the
// parameters can join. Unlike Sobol indices they are well defined when parameters are
// correlated, do not depend on the order of the file, and sum to the share of the variance
// the parameters explain together. Estimated by the random-permutation algorithm of Song,
// Nelson & Staum (2016, Algorithm 1; as R sensitivity::shapleyPermRand), with common
// random numbers across its levels, exact conditional draws in the Gaussian copula (see
// shapley.cpp), and a percentile bootstrap over the permutations (--sampler mc) or a t
// interval across 16 independent replicates of a randomised design (lhs, sobol).
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

/// Runs of the Shapley design for P parameters and m permutations: P + 1 levels of m·3
/// runs, i.e. 3m(P+1).
std::uint64_t shapley_total_runs(std::size_t n_params, std::uint64_t permutations);

struct ShapleyEffect {
  std::string name;
  double shapley = 0, lo = 0, hi = 0;  ///< effect (share of Var f) and its 95% interval
};

struct ShapleyResult {
  std::string of;
  std::uint64_t permutations = 0;  ///< m
  std::uint64_t total_runs = 0;
  std::uint64_t seed = 0;
  std::string sampler;        ///< the scenario's: mc, lhs or sobol
  std::size_t bootstrap = 0;  ///< resamples of the permutation bootstrap (mc); 0 under replicates
  /// lhs and sobol: independent replicates of the design (engine/random/samplers.h) whose
  /// jackknife gives the intervals; 0 under mc.
  std::uint32_t replicates = 0;
  double mean = 0;      ///< of the output over the m·3 unconditional draws (level P)
  double variance = 0;  ///< mean over permutations of the level-P variance estimates
  /// Σ of the effects: Var E[f | x] / Var f, the share the parameters explain together;
  /// 1 − explained is the runs' own randomness (noise, shocks...), alone and in
  /// interaction with the parameters: E Var(f | x) / Var f.
  double explained = 0, explained_lo = 0, explained_hi = 0;
  bool correlated = false;                ///< the scenario correlates parameters
  std::vector<ShapleyEffect> parameters;  ///< in scenario order
};

/// The estimator alone, on outputs already computed: levels[j] (j = 0..P) holds m·N_I
/// outputs, inner run l of permutation k at k·N_I + l, with π_1..π_j of permutation k drawn
/// anew given the others (level 0: all fixed, only the noise differs; level P: all drawn);
/// perms[k] is permutation k (parameter indices). Percentile bootstrap over permutations.
/// Throws RunError when the output does not vary.
ShapleyResult shapley_estimates(const std::vector<std::vector<double>>& levels,
                                const std::vector<std::vector<std::size_t>>& perms,
                                std::size_t inner, const std::vector<std::string>& names,
                                std::size_t resamples, std::uint64_t bootstrap_seed);

/// As shapley_estimates, for permutations drawn as replicate_count(m) independent replicates
/// of a randomised design (permutations [replicate_begin(g, m), replicate_begin(g + 1, m))
/// each): each interval is estimate ± t_{0.975,R-1} · se, se the delete-a-group jackknife
/// over the replicates (jackknife_half_width). Zero width when R < 2.
ShapleyResult shapley_replicate_estimates(const std::vector<std::vector<double>>& levels,
                                          const std::vector<std::vector<std::size_t>>& perms,
                                          std::size_t inner, const std::vector<std::string>& names);

/// Runs the design on `scenario` (opts.runs permutations, default
/// kShapleyDefaultPermutations; opts.seed) and estimates the effects. The permutations
/// and every draw are keyed by the parameters' names, never their positions, so listing
/// the parameters in another order gives the same effects up to round-off. The normal
/// scores w come from Philox under --sampler mc (bootstrap intervals) and from 16
/// replicates of the lhs or sobol design in 4P dimensions over the permutations otherwise
/// (replicate intervals). Throws ScenarioError (compile), UsageError (no parameters, an
/// unknown sampler, sobol beyond its dimensions), RunError (non-finite or constant output),
/// Interrupted.
ShapleyResult shapley_sensitivity(const Scenario& scenario, const Registry& registry,
                                  const SensitivityOutput& output, const SensitivityOptions& opts);

}  // namespace plancast
