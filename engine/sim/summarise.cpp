// summarise(): the merged state of all the job's runs (from threads, shards or ranks, in
// any order) turned into Results: means and sds from the exact sums, quantiles and their
// intervals from the sketches, target probabilities with their standard errors.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "engine/sim/compiled.h"
#include "engine/sim/distribute.h"
#include "engine/sim/replicates.h"
#include "engine/sim/simulator.h"
#include "engine/sim/sketch.h"

#ifndef PLANCAST_VERSION
#define PLANCAST_VERSION "0.0.0"
#endif

namespace plancast {

namespace {

/// TargetResult::curve of target k: the order statistics of its cell's sketch at the curve
/// levels, in one pass, clamped to the cell's min and max.
std::vector<double> target_curve(const CompiledScenario& cs, const RunState& total, std::size_t k) {
  const auto& ct = cs.targets[k];
  const std::size_t c = static_cast<std::size_t>(ct.slot) * static_cast<std::size_t>(cs.n_years) +
                        static_cast<std::size_t>(ct.t);
  const std::uint64_t counted = total.sketch[c].count();
  if (ct.t < ct.first_t || total.finite[c] == 0 || counted == 0) return {};
  std::vector<std::uint64_t> ranks(kCurveLevels);
  for (std::size_t i = 0; i < kCurveLevels; ++i) {
    ranks[i] = QuantileSketch::rank_of(curve_level(i), counted);
  }
  std::vector<double> values(kCurveLevels);
  total.sketch[c].order_statistics(ranks.data(), kCurveLevels, values.data());
  for (double& v : values) v = std::clamp(v, total.min[c], total.max[c]);
  return values;
}

}  // namespace

Results summarise(const CompiledScenario& cs, const RunState& total) {
  const Scenario& sc = cs.scenario;
  const std::uint64_t runs = sc.simulation.runs;
  const std::size_t years = static_cast<std::size_t>(cs.n_years);
  if (total.slots != cs.n_slots() || total.years != cs.n_years ||
      total.counters != cs.counter_shapes || total.target_hits.size() != cs.targets.size() ||
      total.joint_hits.size() != cs.joint.size()) {
    throw std::invalid_argument("run state does not fit the scenario");
  }
  if (total.runs != runs) {
    throw std::invalid_argument("run state holds " + std::to_string(total.runs) +
                                " runs; the job has " + std::to_string(runs));
  }
  const std::vector<double>& shift = total.shift;

  Results r;
  r.plancast_version = PLANCAST_VERSION;
  r.scenario = sc.name;
  r.title = sc.title;
  if (!sc.variant.empty()) r.variant = sc.variant;
  r.scenario_sha256 = sc.sha256;
  r.runs = runs;
  r.seed = sc.simulation.seed;
  r.sampler = sc.simulation.sampler;
  for (int t = 0; t < cs.n_years; ++t) r.years.push_back(sc.base_year + t);
  r.report_years = sc.report_years;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t s = 0; s < cs.n_slots(); ++s) {
    IndicatorResult ir;
    ir.name = cs.slot_names[s];
    ir.unit = cs.slot_units[s];
    ir.title = cs.slot_titles[s];
    ir.absent = static_cast<std::size_t>(cs.slot_first_t[s]);
    for (std::size_t t = 0; t < years; ++t) {
      const std::size_t c = s * years + t;
      // A later vintage's absent years hold NaN in every run: no statistic, no finding.
      const std::uint64_t n = ir.present(t) ? total.finite[c] : 0;
      ir.nonfinite.push_back(ir.present(t) ? total.nonfinite[c] : 0);
      if (n == 0) {
        ir.mean.push_back(nan);
        ir.sd.push_back(nan);
        ir.min.push_back(nan);
        ir.max.push_back(nan);
        for (auto& q : ir.quantiles) q.push_back(nan);
        for (auto& q : ir.quantiles_ci95) q.push_back({nan, nan});
        continue;
      }
      const double dn = static_cast<double>(n);
      const double sum = total.sum[c].value();
      const double sumsq = total.sumsq[c].value();
      if (std::isfinite(sum)) {
        ir.mean.push_back(shift[c] + sum / dn);
      } else {
        // Every value is finite but their total is beyond the double range (values near
        // 1e308): the exact sum scaled by 2^-64 divided by n, and scaled back. The mean of
        // finite values lies in [min, max].
        const double scaled = std::ldexp(shift[c], -64) + total.sum[c].value_scaled(-64) / dn;
        ir.mean.push_back(std::clamp(std::ldexp(scaled, 64), total.min[c], total.max[c]));
      }
      // sum² / n, without overflowing when sum² alone would.
      double ss = sum * sum / dn;
      if (!std::isfinite(ss)) ss = sum * (sum / dn);
      const double var = n > 1 ? (sumsq - ss) / (dn - 1) : 0.0;
      // Squared deviations beyond the double range (|x - run 0's value| > 1.3e154) leave
      // the sd unknown: null, never a false 0.
      ir.sd.push_back(std::isfinite(var) ? std::sqrt(std::max(0.0, var))
                                         : std::numeric_limits<double>::quiet_NaN());
      ir.min.push_back(total.min[c]);
      ir.max.push_back(total.max[c]);
      // Each level's quantile and its interval's two ends: all the cell's order statistics
      // read in one pass over its sketch (a quantile's rank from the sketch's own count, as
      // QuantileSketch::quantile reads it; the intervals' from the finite count).
      constexpr std::size_t kLevels = kQuantileLevels.size();
      const std::uint64_t counted = total.sketch[c].count();
      std::uint64_t ranks[3 * kLevels];
      double values[3 * kLevels];
      for (std::size_t q = 0; q < kLevels; ++q) {
        ranks[3 * q] = QuantileSketch::rank_of(kQuantileLevels[q], counted);
        const auto [lo, hi] = QuantileSketch::ci95_ranks(kQuantileLevels[q], n);
        ranks[3 * q + 1] = lo;
        ranks[3 * q + 2] = hi;
      }
      total.sketch[c].order_statistics(ranks, 3 * kLevels, values);
      // Clamping to [min, max] keeps the bound and makes constant cells exact.
      auto clamped = [&](double v) { return std::clamp(v, total.min[c], total.max[c]); };
      for (std::size_t q = 0; q < kLevels; ++q) {
        ir.quantiles[q].push_back(clamped(values[3 * q]));
        ir.quantiles_ci95[q].push_back({clamped(values[3 * q + 1]), clamped(values[3 * q + 2])});
      }
    }
    for (std::size_t k = 0; k < cs.counters.size(); ++k) {
      if (cs.counter_shapes[k].slot != s) continue;
      const CounterDecl& d = cs.counters[k];
      const auto first = total.counts.begin() + static_cast<std::ptrdiff_t>(k * years);
      ir.counters.push_back(CounterResult{d.name,
                                          d.summary_note,
                                          d.report_note,
                                          {first, first + static_cast<std::ptrdiff_t>(years)}});
    }
    r.indicators.push_back(std::move(ir));
  }
  for (std::size_t e = 0; e < cs.events.size(); ++e) {
    EventResult er;
    er.name = cs.events[e].name;
    const auto first =
        total.counts.begin() + static_cast<std::ptrdiff_t>((cs.first_event_counter + e) * years);
    er.runs_on.assign(first, first + static_cast<std::ptrdiff_t>(years));
    for (std::uint64_t k : er.runs_on) {
      er.share.push_back(static_cast<double>(k) / static_cast<double>(runs));
    }
    r.events.push_back(std::move(er));
  }
  // mc: the binomial standard error and the Wilson interval; lhs and sobol: the spread of
  // the replicates of the design and a t interval (docs/samplers.md).
  const bool replicated = sc.simulation.sampler == "lhs" || sc.simulation.sampler == "sobol";
  auto proportion = [&](std::uint64_t hits, std::size_t i) {
    return replicated ? make_replicate_proportion(
                            hits, runs, total.replicate_hits.data() + i * RunState::kReplicateSlots)
                      : make_proportion(hits, runs);
  };
  for (std::size_t k = 0; k < cs.targets.size(); ++k) {
    const TargetSpec& ts = sc.targets[k];
    TargetResult tr;
    tr.id = ts.id;
    tr.indicator = ts.indicator;
    tr.year = ts.year;
    tr.op = ts.op == TargetOp::at_least ? ">=" : "<=";
    tr.value = ts.value;
    tr.by = ts.by;
    tr.p = proportion(total.target_hits[k], k);
    tr.nonfinite = total.target_nonfinite[k];
    if (ts.by) {
      const auto first_t = static_cast<std::size_t>(cs.targets[k].first_t);
      for (std::size_t t = 0; t < years; ++t) {
        // Absent (NaN) before a later vintage's first year.
        tr.first_reach.push_back(t < first_t
                                     ? nan
                                     : static_cast<double>(total.first_reach[k * years + t]) /
                                           static_cast<double>(runs));
      }
    }
    tr.curve = target_curve(cs, total, k);
    r.targets.push_back(std::move(tr));
  }
  for (std::size_t g = 0; g < cs.joint.size(); ++g) {
    JointResult jr;
    jr.year = sc.base_year + cs.joint[g].t;
    for (int k : cs.joint[g].targets)
      jr.targets.push_back(sc.targets[static_cast<std::size_t>(k)].id);
    jr.p = proportion(total.joint_hits[g], cs.targets.size() + g);
    r.joint.push_back(std::move(jr));
  }
  return r;
}

Results Simulator::run(const RunOptions& options) {
  RunState state = make_state(options);
  simulate_distributed(0, block_count(*cs_), state, options);
  return summarise(*cs_, state);
}

Results run(const CompiledScenario& cs, const RunOptions& options) {
  return Simulator(cs).run(options);
}

std::vector<Results> run_together(const std::vector<const CompiledScenario*>& scenarios,
                                  const std::vector<RunOptions>& options,
                                  const RunOptions& common) {
  if (options.size() != scenarios.size()) {
    throw std::invalid_argument("run_together: one options per scenario");
  }
  const Distributor* d = distributor();
  if (d != nullptr && d->size() > 1) return run_each(scenarios, options, common);
  std::vector<Results> out;
  std::vector<std::unique_ptr<Simulator>> sims;
  std::vector<Simulator*> ptrs;
  std::vector<RunState> states;
  states.reserve(scenarios.size());
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    sims.push_back(std::make_unique<Simulator>(*scenarios[k]));
    ptrs.push_back(sims.back().get());
    states.push_back(sims.back()->make_state(options[k]));
  }
  std::vector<RunState*> state_ptrs;
  for (RunState& s : states) state_ptrs.push_back(&s);
  if (!scenarios.empty()) {
    Simulator::simulate_together(ptrs, 0, block_count(*scenarios[0]), state_ptrs, options, common);
  }
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    out.push_back(summarise(*scenarios[k], states[k]));
    states[k] = RunState();
  }
  return out;
}

std::vector<Results> run_each(const std::vector<const CompiledScenario*>& scenarios,
                              const std::vector<RunOptions>& options, const RunOptions& common) {
  if (options.size() != scenarios.size()) {
    throw std::invalid_argument("run_each: one options per scenario");
  }
  std::uint64_t total = 0;
  for (const CompiledScenario* cs : scenarios) total += scenario_of(*cs).simulation.runs;
  std::vector<Results> out;
  std::uint64_t offset = 0;
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    RunOptions o = options[k];
    o.threads = common.threads;
    o.cancel = common.cancel;
    if (common.progress) {
      o.progress = [&common, offset, total](std::uint64_t done, std::uint64_t) {
        common.progress(offset + done, total);
      };
    }
    out.push_back(run(*scenarios[k], o));
    offset += scenario_of(*scenarios[k]).simulation.runs;
  }
  return out;
}

Results run(const Scenario& scenario, const Registry& registry, const RunOptions& options) {
  return Simulator(compile(scenario, registry)).run(options);
}

Results summarise_kept(const Scenario& scenario, const Registry& registry,
                       const std::function<RunState(const RunState& shape)>& read) {
  Simulator sim(compile(scenario, registry));
  return summarise(sim.compiled(), read(sim.make_state()));
}

}  // namespace plancast
