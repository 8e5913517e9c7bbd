// The text and JSON of a comparison (engine/analysis/compare.h), as `plancast compare`
// writes them.
#pragma once

#include <string>

#include "engine/analysis/compare.h"

namespace plancast {

/// Target probabilities side by side with the paired differences, then the medians,
/// within the text width (wide tables wrap into several).
/// With `base`, each override's parameter by its label (engine/io/labels.h).
std::string compare_text(const Comparison& comparison, const Scenario* base = nullptr);
/// {"scenario", "runs", "seed", "variants", "scenario_sha256": {VARIANT: sha}, "targets",
/// "medians", "notes"}
std::string compare_json(const Comparison& comparison);

}  // namespace plancast
