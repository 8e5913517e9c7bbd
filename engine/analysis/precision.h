// `run --precision E`: rounds of runs of growing, thread-independent size until every
// target's 95% Wilson interval is at most ±E or a run cap is reached (docs/analysis.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/sim/results.h"
#include "engine/sim/runner.h"
#include "engine/sim/state.h"

namespace plancast {

/// The first round's size; later rounds are this times a power of two (capped).
inline constexpr std::uint64_t kPrecisionFirstRound = 10000;

struct PrecisionOptions {
  double half_width = 0.01;  ///< E, in (0, 0.5)
  std::uint64_t cap = 0;     ///< most runs in one round (>= 1)
  std::uint64_t first_round = kPrecisionFirstRound;
};

struct PrecisionOutcome {
  Results results;  ///< those of the last round: a plain run with its run count
  bool reached = false;
  std::vector<std::uint64_t> rounds;  ///< run count of each round, ascending
  double widest = 0;                  ///< largest half-width among the targets (0: none)
  std::string widest_target;          ///< its id (empty without targets)
};

/// Half the length of the 95% Wilson interval.
double half_width(const Proportion& p);

/// The size of the round after one of `current` runs with results `r`: the smallest
/// first_round · 2^k that exceeds `current` and that, by the normal approximation with
/// p = (hits + 2) / (n + 4), every target needs for a half-width of E; at most cap.
std::uint64_t next_round(std::uint64_t current, const Results& r, const PrecisionOptions& o);

/// Runs rounds through run_n(N) (which must simulate runs 0..N-1 of the same scenario)
/// until every target's half-width is at most E or a round of `cap` runs is done. The
/// schedule depends only on the results, so the same seed gives the same stopping point.
/// Throws std::invalid_argument for bad options.
PrecisionOutcome run_to_precision(const std::function<Results(std::uint64_t runs)>& run_n,
                                  const PrecisionOptions& options);

/// The rounds of one job simulating only the runs no earlier round simulated: run(C_N)
/// (C_N: the scenario compiled with N runs, N growing from call to call) keeps the complete
/// blocks of runs of the earlier rounds, simulates the rest and summarises with C_N. Under
/// the mc sampler each run's draws are a function of its index alone and states merge
/// exactly, so the results are byte-identical to a plain run of N; lhs and sobol designs
/// depend on the job's size, so there each round is simulated afresh (nested() false).
class NestedRounds {
 public:
  static bool nested(const Scenario& scenario) { return scenario.simulation.sampler == "mc"; }
  /// Throws std::invalid_argument when the rounds do not grow.
  Results run(const CompiledScenario& compiled, const RunOptions& options);

 private:
  RunState kept_;  ///< blocks [0, kept_blocks_) of the earlier rounds
  std::uint64_t kept_blocks_ = 0;
  std::uint64_t last_runs_ = 0;
};

}  // namespace plancast
