// What the sensitivity methods (sensitivity.cpp: Sobol, tornado; shapley.cpp: Shapley
// effects) share: the scenario prepared for a design, a job of several run() calls whose
// output is kept run by run, percentiles of bootstrap replicates and the bootstrap's rows,
// the jackknife over independent replicates of a design.
// Internal to engine/analysis.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "engine/analysis/sensitivity.h"

namespace plancast {

class CompiledScenario;
class Simulator;
class Stream;
class UniformSampler;

/// The scenario with `runs` runs per run() call and the analysis seed (opts.seed, else the
/// file's), compiled with only what `output` needs (needed_part: its indicators up to its
/// year; the runs' outputs are those of the whole scenario, byte for byte). With
/// `outcomes_only` (a method that reads the outputs alone, not the parameters' values: Sobol,
/// Shapley), the parameters no kept indicator reads skip their distributions
/// (compile_outcomes). Throws UsageError when it has no parameters, ScenarioError (compile).
std::shared_ptr<const CompiledScenario> prepare_sensitivity(const Scenario& scenario,
                                                            const Registry& registry,
                                                            const SensitivityOutput& output,
                                                            const SensitivityOptions& opts,
                                                            std::uint64_t runs, bool outcomes_only);

/// The same compiled scenario with another seed for the runs' own random numbers (noise,
/// shocks, counts, firm draws: every process stream is keyed by (seed, indicator), and
/// nothing else in a compiled scenario depends on the seed).
/// `outcomes_only` as prepare_sensitivity's.
std::shared_ptr<const CompiledScenario> reseeded(const CompiledScenario& compiled,
                                                 const Registry& registry, std::uint64_t seed,
                                                 bool outcomes_only);

/// One analysis of several run() calls: progress over the whole job (`total` runs), each
/// call's output checked finite. Keeps one Simulator per compiled scenario it runs, so the
/// threads' workers are built once for the whole design, not once per call.
class SensitivityJob {
 public:
  SensitivityJob(const SensitivityOutput& output, const SensitivityOptions& opts,
                 std::uint64_t total);
  ~SensitivityJob();

  /// Runs `compiled` (its simulation.runs runs) with `uniforms` in place of its parameter
  /// sampler and returns the output of every run, by run index. Throws RunError when a
  /// run's output is not finite, Interrupted. `compiled` must outlive the job.
  std::vector<double> run_with(const CompiledScenario& compiled, const UniformSampler& uniforms);

 private:
  const SensitivityOutput& output_;
  const SensitivityOptions& opts_;
  std::uint64_t total_, done_ = 0;
  std::map<const CompiledScenario*, std::unique_ptr<Simulator>> simulators_;
};

/// Percentile q of sorted values (linear interpolation between order statistics); 0 if
/// there are none.
double sorted_percentile(const std::vector<double>& sorted, double q);

/// The indices 0..n-1 but those of replicate k of a design of n rows (runs
/// [replicate_begin(k, n), replicate_begin(k + 1, n))): the rows of a leave-one-replicate-out
/// estimate.
std::vector<std::size_t> without_replicate(std::uint32_t k, std::size_t n);

/// Half-width of the 95% interval of a delete-a-group jackknife over R independent
/// replicates (Efron & Stein 1981), from the R leave-one-replicate-out estimates θ_(g):
/// t_{0.975,R−1} · √((R−1)/R · Σ (θ_(g) − θ̄)²). 0 when R < 2.
double jackknife_half_width(const std::vector<double>& leave_one_out);

/// Bootstrap resample `b` of n rows: idx[k] uniform on [0, n), from `stream` at counter
/// (b, part, k / 4), lane k % 4; `part` tells apart the several row sets of one resample.
/// A pure function of its arguments, so intervals do not depend on the thread count.
void bootstrap_rows(const Stream& stream, std::size_t b, std::uint32_t part, std::size_t n,
                    std::vector<std::size_t>& idx);

}  // namespace plancast
