// Scenario discovery with PRIM (Friedman & Fisher 1999; as in the EMA Workbench's prim.py):
// boxes over the parameters in which a target is mostly missed (or met).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/sim/runner.h"

namespace plancast {

/// Default and largest number of runs for discover: it keeps runs × parameters doubles.
inline constexpr std::uint64_t kDiscoverDefaultRuns = 20000;
inline constexpr std::uint64_t kDiscoverMaxRuns = 1000000;

struct DiscoverOptions {
  bool find_missed = true;  ///< runs of interest: the target missed (true) or met (false)
  double alpha = 0.05;      ///< share of the box's runs removed by one peel, in (0, 0.5)
  double min_mass = 0.05;   ///< peeling stops before the box holds less than this share
  bool paste = true;        ///< after peeling, paste the chosen box back where it helps
};

/// One box: per parameter the limits [lo, hi] (inclusive), and its statistics.
struct PrimBox {
  std::vector<std::array<double, 2>> limits;
  std::vector<bool> restricted;  ///< limits narrower than the sample's range
  std::uint64_t runs = 0;        ///< runs inside
  std::uint64_t hits = 0;        ///< runs of interest inside
  double coverage = 0;           ///< hits / all runs of interest
  double density = 0;            ///< hits / runs
  double mass = 0;               ///< runs / all runs
  bool pasted = false;           ///< the result of pasting (the last box of the trajectory)
};

/// A restricted parameter of the chosen box and how much its restriction matters.
struct BoxParameter {
  std::size_t index = 0;  ///< into DiscoverResult::parameters
  double lo = 0, hi = 0;
  /// One-sided binomial test (EMA's quasi-p): P(X >= hits) for X ~ Binomial(runs, d0) with
  /// d0 the density of the box with this parameter's restriction removed.
  double quasi_p = 1;
  double density_without = 0;  ///< d0
};

struct DiscoverResult {
  std::string target;
  bool find_missed = true;
  std::uint64_t runs = 0;
  std::uint64_t of_interest = 0;  ///< runs where the target was missed (met)
  std::vector<std::string> parameters;
  std::vector<std::array<double, 2>> range;  ///< each parameter's sample min and max
  std::vector<PrimBox> boxes;                ///< the trajectory; boxes[0] is the whole sample
  std::size_t chosen = 0;
  std::vector<BoxParameter> chosen_parameters;  ///< sorted by quasi_p, then effect
};

/// F-score of a box: the harmonic mean of coverage and density (0 when both are 0). The
/// chosen box is the first one of the trajectory with the highest score.
double box_score(const PrimBox& box);

/// PRIM on a sample: x[p * n + j] is parameter p of run j, y[j] is 1 for a run of interest.
/// Fills everything but `target`; `runs` is n. Throws std::invalid_argument for bad sizes
/// or options.
DiscoverResult prim(const std::vector<double>& x, const std::vector<std::uint8_t>& y,
                    const std::vector<std::string>& parameter_names,
                    const DiscoverOptions& options);

/// Simulates the compiled scenario (its simulation.runs runs, at most kDiscoverMaxRuns)
/// collecting each run's parameters and the target's outcome, then runs prim(). Throws
/// UsageError for an unknown target, a scenario without parameters or too many runs.
DiscoverResult discover(const CompiledScenario& compiled, const std::string& target_id,
                        const DiscoverOptions& options, RunOptions run_options = {});

}  // namespace plancast
