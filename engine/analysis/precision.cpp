// The adaptive stopping rule of `run --precision` (precision.h).
#include "engine/analysis/precision.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace plancast {

double half_width(const Proportion& p) {
  return (p.ci95[1] - p.ci95[0]) / 2;
}

namespace {

void widest_of(const Results& r, PrecisionOutcome& o) {
  o.widest = 0;
  o.widest_target.clear();
  for (const TargetResult& t : r.targets) {
    const double h = half_width(t.p);
    if (o.widest_target.empty() || h > o.widest) {
      o.widest = h;
      o.widest_target = t.id;
    }
  }
}

}  // namespace

std::uint64_t next_round(std::uint64_t current, const Results& r, const PrecisionOptions& o) {
  constexpr double z = 1.959963984540054;
  double need = 0;
  for (const TargetResult& t : r.targets) {
    const double p = (static_cast<double>(t.p.hits) + 2) / (static_cast<double>(r.runs) + 4);
    need = std::max(need, z * z * p * (1 - p) / (o.half_width * o.half_width));
  }
  std::uint64_t n = o.first_round;
  while (n <= current || static_cast<double>(n) < need) {
    if (n >= o.cap || n > o.cap / 2) return o.cap;
    n *= 2;
  }
  return std::min(n, o.cap);
}

PrecisionOutcome run_to_precision(const std::function<Results(std::uint64_t runs)>& run_n,
                                  const PrecisionOptions& options) {
  if (!(options.half_width > 0 && options.half_width < 0.5)) {
    throw std::invalid_argument("precision: the half-width must be in (0, 0.5)");
  }
  if (options.cap < 1 || options.first_round < 1) {
    throw std::invalid_argument("precision: the run cap and first round must be positive");
  }
  PrecisionOutcome o;
  std::uint64_t n = std::min(options.first_round, options.cap);
  while (true) {
    o.results = run_n(n);
    o.rounds.push_back(n);
    widest_of(o.results, o);
    o.reached = o.widest <= options.half_width;
    if (o.reached || n >= options.cap) break;
    n = next_round(n, o.results, options);
  }
  return o;
}

Results NestedRounds::run(const CompiledScenario& compiled, const RunOptions& options) {
  const Scenario& sc = scenario_of(compiled);
  const std::uint64_t runs = sc.simulation.runs;
  if (!nested(sc)) return ::plancast::run(compiled, options);
  if (runs <= last_runs_) throw std::invalid_argument("precision: rounds must grow");
  last_runs_ = runs;
  // The complete blocks of this round join those kept; a last, shorter block (runs not a
  // multiple of kBlockSize) is simulated for this round alone, as a later round's block
  // there holds more runs.
  const std::uint64_t complete = runs / kBlockSize;
  RunState fresh = make_state(compiled, options);
  simulate_distributed(compiled, kept_blocks_, complete, fresh, options);
  if (kept_blocks_ == 0) {
    kept_ = std::move(fresh);
  } else {
    kept_.merge(fresh);
  }
  kept_blocks_ = complete;
  RunState all = make_state(compiled, options);
  all.merge(kept_);
  simulate_distributed(compiled, complete, block_count(compiled), all, options);
  return summarise(compiled, all);
}

}  // namespace plancast
