// solve(): the value of one numeric scenario input at which a target's probability equals
// a given level, by bisection with common random numbers, with its Monte Carlo uncertainty.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/sim/runner.h"

namespace plancast {

class Registry;

/// The search's first phase runs 1/kSolveCoarseShare of the runs, when that is at least
/// kSolveCoarseMinRuns (else the whole search runs them all).
inline constexpr std::uint64_t kSolveCoarseShare = 16;
inline constexpr std::uint64_t kSolveCoarseMinRuns = 1000;

struct SolveOptions {
  std::string target;        ///< target id
  std::string path;          ///< the varied input, for messages (e.g. parameters.trend.mean)
  double probability = 0.5;  ///< the level P sought, in (0, 1)
  /// The search range. Both or neither; without them the range grows from `current`.
  std::optional<double> lo, hi;
  /// The input's value in the scenario as loaded (needed when lo/hi are not given).
  std::optional<double> current;
  int max_expansions = 12;  ///< range growth steps without lo/hi
  /// Narrowing steps in each phase: 60 narrow any bracket of doubles down to 1e-12 of its
  /// scale.
  int max_iterations = 60;
};

/// One evaluation: the target's probability with the input set to `value`.
struct SolveEvaluation {
  double value = 0;
  double probability = 0;
};

struct SolveResult {
  std::string target;
  std::string path;
  double probability = 0;                  ///< the level sought
  double value = 0;                        ///< where the estimated probability crosses it
  std::array<double, 2> value_ci95{0, 0};  ///< value ∓ 1.96 · se_p / |slope|
  double achieved = 0;   ///< estimated probability at the final bracket's upper-P end
  double std_error = 0;  ///< sqrt(P (1 − P) / N): the probability's Monte Carlo error
  double slope = 0;      ///< dP/dvalue near the solution (central difference, CRN)
  std::array<double, 2> searched{0, 0};             ///< the range that bracketed P
  std::array<double, 2> bracket{0, 0};              ///< the final bracket [a, b] of the bisection
  std::array<double, 2> bracket_probability{0, 0};  ///< the estimated P at a and at b
  bool expanded = false;          ///< the range was found by growing from the current value
  std::optional<double> current;  ///< the input's value in the scenario as loaded
  std::uint64_t runs = 0;
  std::uint64_t seed = 0;
  std::vector<SolveEvaluation> evaluations;  ///< with all `runs` runs, in the order made
  std::uint64_t coarse_runs = 0;             ///< runs of the first phase (0: none)
  std::uint64_t coarse_evaluations = 0;      ///< evaluations of the first phase
};

/// The scenario with the varied input set to a value (e.g. loaded with --set PATH=v). It
/// must keep runs, seed and sampler, so that every evaluation uses the same random numbers;
/// a ScenarioError for a value outside the input's valid range ends the range growth there.
using ScenarioAt = std::function<Scenario(double value)>;

/// A root search with common random numbers on g(v) = P̂(v) − P (see docs/analysis.md):
///  - phase 1, on the first N/16 runs (kSolveCoarseShare; when N/16 >= kSolveCoarseMinRuns,
///    else on all N and there is no phase 2), each evaluation of only the target's
///    indicators (needed_part): the range, [lo, hi] when given, else steps of
///    0.1·|current| (0.1 when current is 0), doubled each time, on both sides of `current`,
///    until P is bracketed (at most max_expansions steps each side); then narrowing
///    (regula falsi, Illinois, with bisection steps) down to one coarse Monte Carlo
///    half-width h1 of the value;
///  - phase 2, on all N runs: the window [m − 2h1, m + 2h1] around the coarse root m,
///    doubled until it brackets P, narrowed until narrower than 1% of the Monte Carlo
///    half-width of the value (1.96 · se_p / |slope|, slope from the bracket) or
///    max_iterations steps;
///  - the uncertainty: se_p = sqrt(P(1−P)/N) divided by the slope dP/dv from a central
///    difference of half-width one Monte Carlo half-width around the solution.
/// The answer is a crossing of the N runs' P̂ whatever phase 1 found: phase 1 only tells
/// where to look. `evaluations` are those with N runs.
/// `on_evaluation`, if set, sees each evaluation as it is made. Throws RunError naming the
/// probabilities at the ends of the searched range when P is not bracketed, and when the
/// final bracket's probabilities both miss P by more than its Monte Carlo half-width 1.96 se
/// (the probability jumps across P, or the steps ran out): never a value that does not give
/// P. ScenarioError
/// from loading (lo/hi/current invalid), Interrupted when options.cancel is set.
SolveResult solve(const ScenarioAt& scenario_at, const SolveOptions& solve_options,
                  const Registry& registry, const RunOptions& options = {},
                  const std::function<void(const SolveEvaluation&)>& on_evaluation = {});

/// The number at dotted `path` (KEY.KEY.INDEX, as --set takes) in the scenario as loaded
/// (Scenario::numbers: variant and overrides applied); nullopt when the path is absent or
/// not a number.
std::optional<double> value_at_path(const Scenario& scenario, const std::string& path);

/// `value` as text that reads back as the same double (shortest round-trip form).
std::string exact_number_text(double value);

}  // namespace plancast
