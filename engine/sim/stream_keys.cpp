// The collision check of the scenario's stream keys (see stream_keys.h).
#include "engine/sim/stream_keys.h"

#include <map>

#include <fmt/format.h>

#include "engine/core/process.h"
#include "engine/random/samplers.h"
#include "engine/random/stream.h"
#include "engine/sim/events.h"

namespace plancast {

std::vector<StreamUse> stream_uses(const Scenario& sc) {
  std::vector<StreamUse> uses = {
      {kStreamParameters, "the engine's parameter draws", {}},
      {kStreamLhsJitter, "the lhs sampler's jitter", {}},
      {kStreamSamplerKeys, "the samplers' keys", {}},
  };
  for (std::string_view name : kAnalysisStreams) {
    std::string user = "the analyses' stream '";
    user += name;
    user += "'";
    uses.push_back({stream_id_for(name), std::move(user), {}});
  }
  for (const IndicatorSpec& ind : sc.indicators) {
    const std::uint32_t n = ind.spec ? ind.spec->stream_count() : 0;
    for (std::uint32_t k = 0; k < n; ++k) {
      std::string user = "indicator '";
      user += ind.name;
      user += "'";
      if (n > 1) user += " (sub-stream " + std::to_string(k) + ")";
      uses.push_back({sub_stream_key(ind.name, k), std::move(user), ind.loc});
    }
  }
  for (const EventSpec& ev : sc.events) {
    uses.push_back({event_stream_key(ev.name), "event '" + ev.name + "'", ev.loc});
  }
  return uses;
}

void check_stream_keys(const Scenario& sc) {
  const std::vector<StreamUse> uses = stream_uses(sc);
  std::map<StreamKey, std::size_t> first;
  for (std::size_t i = 0; i < uses.size(); ++i) {
    const auto [it, fresh] = first.emplace(uses[i].key, i);
    if (fresh) continue;
    const std::string key = fmt::format("{:#x}", uses[i].key);
    throw ScenarioError(uses[i].loc, uses[i].user + " and " + uses[it->second].user +
                                         " would draw the same random numbers (both have stream "
                                         "key " +
                                         key +
                                         ", a collision of the names' 32-bit FNV-1a hashes): "
                                         "rename the indicator or event");
  }
}

}  // namespace plancast
