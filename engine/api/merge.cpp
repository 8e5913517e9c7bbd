// The library API (plancast.h): merge, shard files of one job combined into its results.
#include "engine/api/plancast.h"
#include "engine/io/shard.h"

namespace plancast::api {

RunOutput merge(const std::vector<std::string>& shards, const std::optional<std::string>& key) {
  RunOutput out;
  out.results = merge_shards(shards, builtin_registry(), &out.scenario, key);
  return out;
}

}  // namespace plancast::api
