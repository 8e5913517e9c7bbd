// The assumption that moves each target most: Spearman's rank correlation between each
// parameter and the target's indicator value in the target's year, over the first runs of
// the job (the run report's first page; docs/decisions.md, "The first page's ranking").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/analysis/discover.h"
#include "engine/sim/runner.h"

namespace plancast {

/// Runs the ranking reads: the job's first 2048 runs (8 blocks), or all of them when fewer.
/// Its standard error is about 1/sqrt(2048) = 0.022, enough to tell the leading parameter
/// from the rest; the cost is 2048 runs of the targets' indicators (2% of a 100,000-run job).
inline constexpr std::uint64_t kDriverRuns = 2048;

/// One parameter's rank correlation with a target's indicator value.
struct Driver {
  std::size_t parameter = 0;  ///< into DriverRanking::parameters
  double rho = 0;             ///< Spearman's rho, in [-1, 1]
};

struct TargetDrivers {
  std::string target;          ///< its id
  std::uint64_t runs = 0;      ///< runs with a finite value of the indicator
  std::vector<Driver> ranked;  ///< largest |rho| first (ties: file order); no constant ones
  /// With `discover`: PRIM (discover.h, default options) on the same runs, the runs of
  /// interest those that miss the target; absent when every run meets it or none does.
  std::optional<DiscoverResult> missed;
};

struct DriverRanking {
  std::uint64_t runs = 0;               ///< runs simulated (the job's first ones)
  std::vector<std::string> parameters;  ///< names, in scenario order
  std::vector<TargetDrivers> targets;   ///< in scenario order
  /// The entry of target `id`, or nullptr.
  const TargetDrivers* find(const std::string& id) const;
};

/// Spearman's rank correlation of two equally long samples: the Pearson correlation
/// (Boost.Math) of their ranks, ties given their average rank. NaN when either sample is
/// constant or they have fewer than 3 values.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

/// Simulates the first min(max_runs, simulation.runs) runs of the compiled job (the very
/// runs the full job starts with, so the same design under lhs and sobol) watching each
/// target's indicator in its year, and ranks the parameters per target. Empty targets when
/// the scenario has no parameter or no target. `discover`: also each target's
/// TargetDrivers::missed. Throws what simulate() throws.
DriverRanking rank_drivers(const CompiledScenario& compiled, std::uint64_t max_runs = kDriverRuns,
                           RunOptions run_options = {}, bool discover = false);

}  // namespace plancast
