// The text and JSON of a PRIM discovery (engine/analysis/discover.h), as `plancast
// discover` writes them.
#pragma once

#include <string>

#include "engine/analysis/discover.h"

namespace plancast {

/// The trajectory (about ten boxes), the chosen box and its parameters by quasi-p, each
/// parameter by its label (engine/io/labels.h) when `scenario` is given.
std::string discover_text(const DiscoverResult& result, const DiscoverOptions& options,
                          const Scenario* scenario = nullptr);
/// {"target", "find", "boxes": [...], "chosen", "runs", "of_interest", "chosen_parameters"}
std::string discover_json(const DiscoverResult& result);

}  // namespace plancast
