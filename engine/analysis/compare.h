// Paired comparison of a scenario's base and its variants under common random numbers:
// per-target probabilities, paired differences with score intervals (Tango 1998), medians.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/sim/results.h"
#include "engine/sim/runner.h"

namespace plancast {

class Registry;

/// Most runs compare() accepts: it keeps the base's per-run target outcomes as bits,
/// runs × targets / 8 bytes (10^8 runs × 17 targets ≈ 212 MB).
inline constexpr std::uint64_t kMaxCompareRuns = 100'000'000;

/// p_v − p_base for one target, from the per-run differences d_r = met_v(r) − met_base(r)
/// of runs that share their random numbers (the same seed and run index).
struct PairedDifference {
  double value = 0;      ///< mean of d_r = p_v − p_base
  double std_error = 0;  ///< plug-in sd(d) / √N (sample sd, N − 1); 0 when no run changes
  /// Tango's (1998) score interval from gained, lost and N (paired_interval.h): not
  /// value ± 1.96·std_error, asymmetric near 0 and ±1, never of zero width.
  std::array<double, 2> ci95{0, 0};
  double unpaired_std_error = 0;  ///< sqrt(p_b(1−p_b)/N + p_v(1−p_v)/N): independent runs
  std::uint64_t gained = 0;       ///< runs met in the variant, missed in the base (d_r = +1)
  std::uint64_t lost = 0;         ///< runs met in the base, missed in the variant (d_r = −1)
  bool operator==(const PairedDifference&) const = default;
};

/// The difference and its 95% interval in percentage points, "+18.2 [+18.0, +18.4]", with
/// as many decimals (1 to 6) as it takes to show the interval's half-width to one
/// significant digit, so that an interval never prints as [+0.0, +0.0].
std::string difference_points_text(const PairedDifference& d);

struct TargetComparison {
  std::string id;
  /// Per scenario (aligned with Comparison::variants): the probability, absent when the
  /// scenario has no target with this id.
  std::vector<std::optional<double>> probability;
  /// Per scenario: the paired difference to the base; [0] (the base) and scenarios
  /// without the target are absent.
  std::vector<std::optional<PairedDifference>> difference;
  bool operator==(const TargetComparison&) const = default;
};

/// The median (p50) of one indicator output at one year, per scenario (absent when the
/// scenario lacks the indicator or the year).
struct MedianRow {
  std::string indicator;
  int year = 0;
  std::vector<std::optional<double>> median;
  bool operator==(const MedianRow&) const = default;
};

struct Comparison {
  std::string scenario;  ///< scenario name
  std::uint64_t runs = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> variants;  ///< "base" first, then the variants compared
  /// Per scenario (aligned with variants): what the variant changes, as the file writes it
  /// (Scenario::variant_overrides: dotted path, YAML flow text); empty for the base.
  std::vector<std::vector<std::pair<std::string, std::string>>> overrides;
  std::vector<TargetComparison> targets;  ///< the base's targets, in scenario order
  std::vector<MedianRow> medians;         ///< base indicators × base report years
  std::vector<std::string> notes;         ///< skipped targets/indicators, moved base years
  std::vector<Results> results;           ///< each scenario's full results, as run() gives
  bool operator==(const Comparison&) const = default;
};

/// One scenario to compare: a display name ("base" for the first) and the loaded scenario.
struct CompareEntry {
  std::string name;
  Scenario scenario;
};

/// Whether compare() takes from the base's results what a variant cannot change (on, the
/// default) or simulates every variant whole (off: the reference the tests compare it with;
/// the CLI's PLANCAST_COMPARE_REUSE=0). Either gives the same Comparison, byte for byte.
enum class CompareReuse { on, off };
/// Whether compare() simulates its scenarios together, block by block (yes, the default:
/// run_together, draws they share made once; every scenario's thread states held at once),
/// or one after another (no: the memory of one run; the CLI's choice where the scenarios
/// together would not fit --max-memory, and PLANCAST_COMPARE_TOGETHER=0). Either gives the
/// same Comparison, byte for byte.
enum class CompareTogether { yes, no };

/// Runs every entry (the first is the base) with the same runs, seed and sampler, so that
/// run r of each uses the same random streams, and compares each later entry with the
/// first. `options` is used for every run (threads, cancel); its progress callback sees
/// runs done over all entries. Throws RunError when the entries differ in runs, seed or
/// sampler or have more than kMaxCompareRuns runs, ScenarioError from compile(), and
/// Interrupted when cancelled. With `reuse` on, a variant simulates only the indicators and
/// targets it changes (engine/sim/compile_reuse.h) and takes the rest from the base's run.
Comparison compare(const std::vector<CompareEntry>& entries, const Registry& registry,
                   const RunOptions& options = {}, CompareReuse reuse = CompareReuse::on,
                   CompareTogether together = CompareTogether::yes);

}  // namespace plancast
