// What `plancast run --precision E` adds to the results' text and JSON (the results
// themselves: json.h, csv.h, text.h, report.h).
#pragma once

#include <string>

#include "engine/analysis/precision.h"
#include "engine/sim/results.h"

namespace plancast {

/// "precision: every target within +/-E (95%) after N runs; ..." and the rounds.
std::string precision_text(const PrecisionOutcome& outcome, double half_width);
/// The results' JSON (json.h) with "precision": {"target_half_width", "reached", "rounds",
/// "widest_half_width"}.
std::string to_json_text(const Results& results, const PrecisionOutcome& outcome,
                         double half_width);

}  // namespace plancast
