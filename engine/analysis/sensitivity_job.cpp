// The sensitivity methods' shared machinery (see sensitivity_job.h).
#include "engine/analysis/sensitivity_job.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <boost/math/distributions/students_t.hpp>

#include "engine/core/error.h"
#include "engine/random/parameter_sampler.h"
#include "engine/random/samplers.h"
#include "engine/random/stream.h"
#include "engine/sim/compile_needs.h"
#include "engine/sim/simulator.h"

namespace plancast {

namespace {

/// Stores the output of every run (indexed by run, so safe from several threads).
class OutputCollector final : public RunObserver {
 public:
  /// `target`: the output target's index among the compiled scenario's targets.
  OutputCollector(const SensitivityOutput& output, std::size_t target, std::vector<double>& f)
      : output_(output), target_(target), f_(f) {}
  void on_block(const BlockView& b) override {
    for (std::size_t j = 0; j < b.n; ++j) {
      f_[b.first_run + j] =
          output_.is_target ? double(b.met[target_ * b.stride + j]) : b.watched[j];
    }
  }

 private:
  const SensitivityOutput& output_;
  std::size_t target_;
  std::vector<double>& f_;
};

/// What the output reads: its target, or its indicator up to its year.
Needs needs_of(const Scenario& scenario, const SensitivityOutput& output) {
  if (output.is_target) return Needs{{scenario.targets.at(output.target).id}, {}};
  return Needs{{}, {WatchCell{output.indicator, output.year}}};
}

}  // namespace

std::shared_ptr<const CompiledScenario> prepare_sensitivity(
    const Scenario& scenario, const Registry& registry, const SensitivityOutput& output,
    const SensitivityOptions& opts, std::uint64_t runs, bool outcomes_only) {
  if (scenario.parameters.empty()) {
    throw UsageError("sensitivity: the scenario has no parameters to vary");
  }
  const Needs needs = needs_of(scenario, output);
  auto compiled = [&](const Scenario& sc) {
    return outcomes_only ? compile_outcomes(sc, registry, needs) : compile(sc, registry, needs);
  };
  if (scenario.simulation.runs == runs && (!opts.seed || *opts.seed == scenario.simulation.seed)) {
    return compiled(scenario);  // loaded for the design (sensitivity_design_runs)
  }
  // A scenario loaded otherwise (a caller of the engine's functions, e.g. a test): a copy
  // for the design. The commands load with the design's runs and seed and never get here.
  Scenario sc = scenario;
  sc.simulation.runs = runs;
  if (opts.seed) sc.simulation.seed = *opts.seed;
  return compiled(sc);
}

std::shared_ptr<const CompiledScenario> reseeded(const CompiledScenario& compiled,
                                                 const Registry& registry, std::uint64_t seed,
                                                 bool outcomes_only) {
  Scenario sc = scenario_of(compiled);
  sc.simulation.seed = seed;
  return outcomes_only ? compile_outcomes(sc, registry, Needs{}) : compile(sc, registry);
}

SensitivityJob::SensitivityJob(const SensitivityOutput& output, const SensitivityOptions& opts,
                               std::uint64_t total)
    : output_(output), opts_(opts), total_(total) {}

SensitivityJob::~SensitivityJob() = default;

std::vector<double> SensitivityJob::run_with(const CompiledScenario& compiled,
                                             const UniformSampler& uniforms) {
  const std::uint64_t runs = scenario_of(compiled).simulation.runs;
  std::vector<double> f(runs, 0.0);
  // The output target's place among the compiled targets (the only one, when compiled
  // with needs_of).
  const std::vector<TargetSpec>& targets = scenario_of(compiled).targets;
  std::size_t target = output_.target;
  for (std::size_t k = 0; k < targets.size() && output_.is_target; ++k) {
    if (targets[k].id == output_.of) target = k;
  }
  OutputCollector collector(output_, target, f);
  RunOptions ro;
  ro.threads = opts_.threads;
  ro.cancel = opts_.cancel;
  ro.uniforms = &uniforms;
  ro.observer = &collector;
  if (!output_.is_target) ro.watch = {WatchCell{output_.indicator, output_.year}};
  if (opts_.progress) {
    const std::uint64_t offset = done_;
    ro.progress = [this, offset](std::uint64_t d, std::uint64_t) {
      opts_.progress(offset + d, total_);
    };
  }
  std::unique_ptr<Simulator>& sim = simulators_[&compiled];
  if (!sim) sim = std::make_unique<Simulator>(compiled);
  sim->run(ro);
  done_ += runs;
  if (opts_.progress) opts_.progress(done_, total_);
  std::uint64_t bad = 0;
  for (double x : f) bad += std::isfinite(x) ? 0 : 1;
  if (bad > 0) {
    std::string m = std::to_string(bad);
    m += " runs gave a non-finite value of ";
    m += output_.of;
    m += "; sensitivity needs a finite output in every run";
    throw RunError(m);
  }
  return f;
}

double sorted_percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double h = q * double(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - double(lo)) * (sorted[hi] - sorted[lo]);
}

std::vector<std::size_t> without_replicate(std::uint32_t k, std::size_t n) {
  std::vector<std::size_t> idx;
  const std::uint64_t lo = replicate_begin(k, n), hi = replicate_begin(k + 1, n);
  for (std::size_t row = 0; row < n; ++row) {
    if (row < lo || row >= hi) idx.push_back(row);
  }
  return idx;
}

double jackknife_half_width(const std::vector<double>& leave_one_out) {
  const std::size_t reps = leave_one_out.size();
  if (reps < 2) return 0;
  const double t = boost::math::quantile(boost::math::students_t(reps - 1.0), 0.975);
  double mean = 0;
  for (double x : leave_one_out) mean += x;
  mean /= static_cast<double>(reps);
  double ss = 0;
  for (double x : leave_one_out) ss += (x - mean) * (x - mean);
  return t * std::sqrt(ss * (reps - 1.0) / static_cast<double>(reps));
}

void bootstrap_rows(const Stream& stream, std::size_t b, std::uint32_t part, std::size_t n,
                    std::vector<std::size_t>& idx) {
  idx.resize(n);
  for (std::size_t k = 0; k < n; k += 4) {
    const Uniform4 u = stream.uniforms(b, part, static_cast<std::uint32_t>(k / 4));
    for (std::size_t l = 0; l < 4 && k + l < n; ++l) {
      idx[k + l] = std::min(n - 1, static_cast<std::size_t>(u.u[l] * double(n)));
    }
  }
}

}  // namespace plancast
