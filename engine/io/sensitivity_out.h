// The text and JSON of the sensitivity methods (engine/analysis/sensitivity.h, shapley.h),
// as `plancast sensitivity` writes them. `sc` is the scenario as loaded for the design.
#pragma once

#include <string>

#include "engine/analysis/sensitivity.h"
#include "engine/analysis/shapley.h"
#include "engine/config/scenario.h"

namespace plancast {

/// "gdp in 2030 (billion yuan)" or "the probability that target T is met".
std::string describe_output(const SensitivityOutput& output, const Scenario& sc);

std::string sobol_text(const SobolResult& r, const SensitivityOutput& o, const Scenario& sc);
std::string shapley_text(const ShapleyResult& r, const SensitivityOutput& o, const Scenario& sc);
std::string tornado_text(const TornadoResult& r, const SensitivityOutput& o, const Scenario& sc);

/// The indices as JSON, with the design's "scenario_sha256" last.
std::string sobol_json(const SobolResult& r, const Scenario& sc);
std::string shapley_json(const ShapleyResult& r, const Scenario& sc);
std::string tornado_json(const TornadoResult& r, const Scenario& sc);

}  // namespace plancast
