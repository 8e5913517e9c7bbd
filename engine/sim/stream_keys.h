// The random stream keys of a scenario, and the check at compile that no two uses share one
// (issue 15, part 3). A shared key would give two indicators (or an indicator and the
// engine) the very same draws, silently correlating what the scenario says is independent.
#pragma once

#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/core/stream_key.h"

namespace plancast {

/// One use of a stream key by the scenario's runs or analyses.
struct StreamUse {
  StreamKey key = 0;
  std::string user;  ///< "indicator 'gdp'", "indicator 'firms' (sub-stream 1)", ...
  SourceLoc loc;     ///< the indicator's; empty for the engine's and the analyses' keys
};

/// Every key in use: the engine's reserved ones (parameters, lhs jitter, sampler keys), the
/// analyses' (kAnalysisStreams), then each indicator's sub-streams 0 .. stream_count()-1 in
/// file order.
std::vector<StreamUse> stream_uses(const Scenario& sc);

/// Throws ScenarioError at the later user when two uses share a key, naming both.
void check_stream_keys(const Scenario& sc);

}  // namespace plancast
