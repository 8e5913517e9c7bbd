// The text and JSON of a solve (engine/analysis/solve.h), as `plancast solve` writes them.
#pragma once

#include <string>

#include "engine/analysis/solve.h"

namespace plancast {

/// {"target", "vary", "probability", "value", "value_ci95", ..., "runs", "seed",
/// "evaluations", "scenario_sha256"} (`scenario`: as given, the search varies one input).
std::string solve_json(const Scenario& scenario, const SolveResult& result);
/// The value, its bracket and interval, the range searched, the evaluations.
std::string solve_text(const Scenario& scenario, const SolveResult& result);

}  // namespace plancast
