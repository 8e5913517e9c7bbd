// Results of a run as plain value types (QuantLib Sample habit): the writers in engine/io/
// turn them into text, JSON and CSV. Arrays over years align with Results::years.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace plancast {

/// The quantile levels reported, in this order: p01 p05 p10 p25 p50 p75 p90 p95 p99.
inline constexpr std::array<double, 9> kQuantileLevels = {0.01, 0.05, 0.10, 0.25, 0.50,
                                                          0.75, 0.90, 0.95, 0.99};
inline constexpr std::array<const char*, 9> kQuantileNames = {"p01", "p05", "p10", "p25", "p50",
                                                              "p75", "p90", "p95", "p99"};

/// The levels of a target's distribution curve (TargetResult::curve): 1/200, 2/200, ...,
/// 199/200 (every half percentile), so that the report's exceedance curve is drawn from the
/// run's own sketch, not from the nine reported quantiles.
inline constexpr std::size_t kCurveLevels = 199;
inline constexpr double curve_level(std::size_t i) {
  return static_cast<double>(i + 1) / static_cast<double>(kCurveLevels + 1);
}

/// A process's diagnostic counter (CounterDecl) of one indicator: per year, summed over runs.
struct CounterResult {
  std::string name;
  std::string summary_note, report_note;  ///< the words of its notes (CounterDecl)
  std::vector<std::uint64_t> per_year;
  bool operator==(const CounterResult&) const = default;
};

struct IndicatorResult {
  std::string name;
  std::string unit;
  std::string title;
  std::vector<double> mean, sd, min, max;
  std::array<std::vector<double>, 9> quantiles;  ///< [level][year]
  /// [level][year]: a distribution-free 95% interval for the true quantile, the order
  /// statistics of ranks l and u of QuantileSketch::ci95_ranks (docs/methods.md §5).
  std::array<std::vector<std::array<double, 2>>, 9> quantiles_ci95;
  /// Per year: runs whose value was not finite (e.g. a formula dividing by zero); these
  /// runs are left out of the statistics of that year. Normally all zero.
  std::vector<std::uint64_t> nonfinite;
  /// The counters its process declared (ProcessSpec::counters), in their order; none for most.
  std::vector<CounterResult> counters;
  /// Leading years it has no value in (a later vintage, issue 17 part 3: the years before
  /// its first year, reported absent; their statistics NaN, their counts 0). Normally 0.
  std::size_t absent = 0;
  bool present(std::size_t t) const { return t >= absent; }
  bool operator==(const IndicatorResult&) const = default;
};

/// Wilson score interval (Wilson 1927) at 95% for k successes in n trials.
struct Proportion {
  std::uint64_t hits = 0;
  double probability = 0;
  double std_error = 0;  ///< sqrt(p (1-p) / n)
  std::array<double, 2> ci95{0, 0};
  bool operator==(const Proportion&) const = default;
};
Proportion make_proportion(std::uint64_t hits, std::uint64_t n);

struct TargetResult {
  std::string id;
  std::string indicator;
  int year = 0;
  std::string op;  ///< ">=" or "<="
  double value = 0;
  bool by = false;
  Proportion p;
  /// Runs whose indicator value was not finite (NaN or ±inf) where the target is judged: in
  /// its year, or for `by` targets in some year up to it (runs not reached). They count as
  /// not met, so hits + nonfinite <= runs. Normally 0.
  std::uint64_t nonfinite = 0;
  /// For `by` targets: per year (aligned with Results::years) the probability that the
  /// target is first reached in that year. Empty otherwise.
  std::vector<double> first_reach;
  /// The distribution of the target's indicator in the target's year: its quantiles at
  /// curve_level(0..kCurveLevels-1), read from the run's sketch as the reported quantiles
  /// are (clamped to the year's min and max). Empty when no run had a finite value. Only the
  /// HTML report reads it (the exceedance curve); no text, JSON or CSV writes it.
  std::vector<double> curve;
  bool operator==(const TargetResult&) const = default;
};

/// Probability that every target of one year is met in the same run.
struct JointResult {
  int year = 0;
  std::vector<std::string> targets;
  Proportion p;
  bool operator==(const JointResult&) const = default;
};

/// A shared event (`events:`): per year, the runs in which it occurred and their share.
struct EventResult {
  std::string name;
  std::vector<std::uint64_t> runs_on;  ///< per year (0 in the base year)
  std::vector<double> share;           ///< runs_on / runs
  bool operator==(const EventResult&) const = default;
};

struct Results {
  std::string plancast_version;
  std::string scenario;  ///< scenario name
  std::string title;
  std::optional<std::string> variant;
  std::string scenario_sha256;
  std::uint64_t runs = 0;
  std::uint64_t seed = 0;
  std::string sampler;
  std::vector<int> years;                   ///< base year .. horizon
  std::vector<int> report_years;            ///< years shown in summaries
  std::vector<IndicatorResult> indicators;  ///< every output series, in scenario order
  std::vector<TargetResult> targets;        ///< in scenario order
  std::vector<JointResult> joint;           ///< years with at least one target, ascending
  std::vector<EventResult> events;          ///< the shared events, in scenario order
  bool operator==(const Results&) const = default;
};

}  // namespace plancast
