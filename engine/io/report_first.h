// The run report's first page (per target: the probability in words and numbers, the growth
// it needs, the assumption that moves it most) and its exceedance curves. Internal to
// engine/io.
#pragma once

#include <string>

#include "engine/analysis/drivers.h"
#include "engine/config/scenario.h"
#include "engine/sim/results.h"

namespace plancast::report {

/// "(3.7%, 95% interval 3.6%–3.8%)".
std::string probability_numbers(const Proportion& p);

/// "very unlikely (3.7%, 95% interval 3.6%–3.8%)": likelihood_words() of the probability,
/// then the probability and its interval as percentages.
std::string probability_phrase(const Proportion& p);

/// The first page: per target, probability_phrase(), the growth it needs against history
/// and the assumption (the audit's target finding, when `sc` is given), and the parameter
/// with the largest rank correlation with its indicator (when `drivers` is given), and the
/// PRIM box in which it is mostly missed (when `drivers` holds one); the word scale in one
/// line. Nothing when `r` has no target.
std::string first_page_section(const Scenario* sc, const Results& r, const DriverRanking* drivers);

/// An exceedance curve per target indicator and year: P(value >= x) against x, drawn from
/// TargetResult::curve, each target on it marked with its probability; a native tooltip
/// (SVG <title>) on every 5th percentile and on each target. Nothing without targets.
std::string exceedance_section(const Results& r);

}  // namespace plancast::report
