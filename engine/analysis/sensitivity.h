// Sensitivity of one output (an indicator in a year, or a target's 0/1) to the parameters:
// Sobol indices (Saltelli et al. 2010 design, Jansen 1999 estimators, bootstrap intervals),
// with the runs' own randomness as one more factor, and a tornado (each parameter at its
// p10 and p90, the others at their medians). Shapley effects: shapley.h.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/scenario.h"

namespace plancast {

class Registry;

/// Default base rows of the Sobol design (the job runs N·(P+3) futures).
inline constexpr std::uint64_t kSobolDefaultRuns = 10000;
/// Default runs per setting of the tornado (the job runs N·(2P+1) futures).
inline constexpr std::uint64_t kTornadoDefaultRuns = 4000;
/// Bootstrap resamples of the Sobol intervals, and their fixed seed.
inline constexpr std::size_t kSobolBootstrap = 500;
inline constexpr std::uint64_t kSobolBootstrapSeed = 0x5eed5a17e11ULL;

/// What the analysis looks at: INDICATOR@YEAR (the indicator output's value in that year)
/// or TARGET_ID (1 if the target is met, else 0).
struct SensitivityOutput {
  std::string of;  ///< as given
  bool is_target = false;
  std::string indicator;   ///< indicator output name (INDICATOR@YEAR)
  int year = 0;            ///< (INDICATOR@YEAR)
  std::size_t target = 0;  ///< index into scenario.targets (TARGET_ID)
};

/// Resolves "--of": a target id, else INDICATOR@YEAR with an indicator output of the
/// scenario and a year in [base_year, horizon]. Throws UsageError naming what is wrong.
SensitivityOutput resolve_output(const Scenario& scenario, const std::string& of);

struct SensitivityOptions {
  std::uint64_t runs = 0;  ///< base rows (sobol) or runs per setting (tornado); 0: default
  std::optional<std::uint64_t> seed;  ///< absent: the scenario's simulation.seed
  int threads = 0;
  std::size_t bootstrap = kSobolBootstrap;
  std::uint64_t bootstrap_seed = kSobolBootstrapSeed;
  /// Runs done so far over the whole job, and the job's total.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  const std::atomic<bool>* cancel = nullptr;
};

/// The sensitivity methods (sobol.cpp, shapley.cpp; tornado here).
enum class SensitivityMethod { sobol, shapley, tornado };

/// The method called `name` ("sobol", "shapley", "tornado"; what --method and the Python
/// module's method= take), or std::invalid_argument "'NAME' is not a method (expected
/// sobol, shapley or tornado)".
SensitivityMethod sensitivity_method_named(const std::string& name);

/// The runs of each simulation the method makes: sobol N base rows, tornado N runs per
/// setting, shapley m permutations × kShapleyInner; N and m are `runs` (0: the method's
/// default). A command loads the scenario with LoadOptions::runs = this and seed = the
/// analysis seed, so that the scenario (and its sha256) is what each simulation runs.
std::uint64_t sensitivity_design_runs(SensitivityMethod method, std::uint64_t runs);

struct SobolIndex {
  std::string name;
  double s1 = 0, s1_lo = 0, s1_hi = 0;  ///< first-order index and its 95% interval
  double st = 0, st_lo = 0, st_hi = 0;  ///< total index and its 95% interval
};

struct SobolResult {
  std::string of;
  std::string sampler;
  std::uint64_t base_runs = 0;   ///< N
  std::uint64_t total_runs = 0;  ///< N·(P+3)
  std::uint64_t seed = 0;
  std::uint64_t noise_seed = 0;  ///< the seed of the B rows' own noise (see sobol_sensitivity)
  std::size_t bootstrap = 0;     ///< resamples of the row bootstrap (mc); 0 under replicates
  /// lhs and sobol: independent replicates of the design (engine/random/samplers.h) whose
  /// jackknife gives the intervals; 0 under mc.
  std::uint32_t replicates = 0;
  double mean = 0;                     ///< mean of the output over A and B
  double variance = 0;                 ///< its variance (the denominator of the indices)
  std::vector<SobolIndex> parameters;  ///< in scenario order
  /// Every per-run random number that is not a parameter (noise, shocks, counts, firm
  /// draws), as one factor; name "noise".
  SobolIndex noise;
  /// The scenario correlates parameters: the indices then depend on the parameters' order
  /// in the file (each belongs to the part of its parameter independent of those listed
  /// before it); Shapley effects (shapley.h) do not.
  bool correlated = false;
};

/// The estimators alone, on outputs already computed: fa, fb (N each) and fab[i] (N each,
/// A with factor i taken from B). Outputs are centred on the pooled mean of A and B first.
/// Percentile bootstrap over rows (resamples, seed). `names` gives each index its name.
/// Returns one index per column of fab in `parameters` (noise left empty).
/// Throws RunError when the output does not vary (zero variance).
SobolResult sobol_estimates(const std::vector<double>& fa, const std::vector<double>& fb,
                            const std::vector<std::vector<double>>& fab,
                            const std::vector<std::string>& names, std::size_t resamples,
                            std::uint64_t bootstrap_seed);

/// Runs the Saltelli design on `scenario` (its sampler, opts.seed; simulation.runs is
/// replaced by N per matrix) and estimates the indices. The runs' own randomness ω is one
/// more factor of the design: A = (x_A, ω_A), B = (x_B, ω_B), AB_i = A with x_i from B (so
/// with ω_A), AB_noise = (x_A, ω_B). ω_A is the noise of seed S (run r of A is run r of
/// `plancast run` with the same parameter values), ω_B that of noise_seed, a pure function
/// of S. So S1_i = Var E[f | x_i] / Var f and ST_i = E Var(f | everything but x_i) / Var f,
/// also with noise. Each shared event e is a factor too (AB_e = A with event e drawn at
/// noise_seed; AB_noise then keeps A's events; its rows come after the parameters', named
/// "event:NAME"). N·(P+E+3) runs. Throws ScenarioError (compile), UsageError (bad --of, no
/// parameters), RunError (non-finite output, constant output), Interrupted.
/// As sobol_estimates, for a design of replicate_count(N) independent replicates (rows
/// [replicate_begin(k), replicate_begin(k + 1)) each): the intervals are index ± t_{0.975,R-1}
/// · se, se the jackknife over replicates (each leave-one-replicate-out estimate on the
/// other rows). Zero width when R < 2.
SobolResult sobol_replicate_estimates(const std::vector<double>& fa, const std::vector<double>& fb,
                                      const std::vector<std::vector<double>>& fab,
                                      const std::vector<std::string>& names);

SobolResult sobol_sensitivity(const Scenario& scenario, const Registry& registry,
                              const SensitivityOutput& output, const SensitivityOptions& opts);

struct TornadoBar {
  std::string name;
  double low = 0, high = 0;  ///< output with the parameter at its p10, at its p90
  double swing = 0;          ///< |high - low|
  double p10_value = 0, p90_value = 0;
};

struct TornadoResult {
  std::string of;
  std::uint64_t runs_per_setting = 0;
  std::uint64_t total_runs = 0;  ///< N·(2P+1)
  std::uint64_t seed = 0;
  double baseline = 0;                 ///< output with every parameter at its median
  std::vector<TornadoBar> parameters;  ///< largest swing first (ties: scenario order)
};

/// Each parameter at its p10 and its p90 with every other at its median (exact marginal
/// values, also with correlations: the copula is inverted), N runs per setting with the
/// same seed (common random numbers); the output of a setting is the mean over its runs
/// (for a target: the probability). A swing below 1e-9 of the output's scale (round-off of
/// the copula inversion) is reported as 0, with high = low.
TornadoResult tornado_sensitivity(const Scenario& scenario, const Registry& registry,
                                  const SensitivityOutput& output, const SensitivityOptions& opts);

}  // namespace plancast
