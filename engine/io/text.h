// Terminal summary of run results: targets, joint probabilities and indicator ranges,
// every line at most kTextWidth columns wide.
#pragma once

#include <cstddef>
#include <string>

#include "engine/config/scenario.h"
#include "engine/core/format.h"  // human_number, human_percent (the summary's numbers)
#include "engine/core/utf8.h"    // display_width, fit_to_width (its columns)
#include "engine/sim/results.h"

namespace plancast {

inline constexpr std::size_t kTextWidth = 100;

/// A human-readable summary of `results` (lines end with "\n", none wider than
/// kTextWidth terminal columns; long names are cut and end in '~'):
///  - header: title (or scenario name), then scenario, variant, runs, seed, sampler;
///  - targets: id, indicator, year ("by YEAR" for `by` targets), op, value and unit,
///    probability in % and its Wilson 95% interval;
///  - joint: per target year, the probability that all that year's targets are met in the
///    same run;
///  - ranges: per indicator at each report year, p05 / p50 / p95 and the mean, with unit;
///  - notes on non-finite values and on the processes' counters, when not 0.
/// Numbers have 3-4 significant digits without thousands separators (1350, 15.23,
/// 0.1762); probabilities in % with one decimal, two below 1% and above 99% ("41.2%",
/// "0.14%", "<0.01%" for tiny non-zero ones).
std::string to_text_summary(const Results& results);

/// Warnings about non-finite values (docs/reliability.md, "Non-finite values"), one line
/// each ending in "\n": per target with runs whose value was not finite where it is judged
/// (they count as not met), then per indicator with non-finite values (left out of its
/// statistics), once each however many years. "FILE:LINE:COL: warning: ..." at the target's
/// or indicator's place in `scenario` when given, else "warning: ...". Empty when every value
/// was finite.
std::string nonfinite_warnings(const Results& results, const Scenario* scenario = nullptr);

}  // namespace plancast
