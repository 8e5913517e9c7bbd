// `plancast run --shard K/N` (the part run computes and writes) and `plancast merge`
// (engine/cli/cli_merge.cpp); docs/scale-out.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/config/scenario.h"
#include "engine/sim/run_rows.h"
#include "engine/sim/runner.h"

namespace plancast::cli {

struct ShardSpec {
  std::uint64_t k = 0, n = 0;
};

/// Most parts --shard accepts (N).
inline constexpr std::uint64_t kMaxShards = 1'000'000;

/// "K/N" with 1 <= K <= N <= kMaxShards; UsageError otherwise ("--shard: ...").
ShardSpec parse_shard(const std::string& text);

/// The shards' HMAC key: the value of PLANCAST_SHARD_KEY, or none when it is not set.
/// UsageError if it is set but empty (an empty key protects nothing).
std::optional<std::string> shard_key();

/// Simulates part K of N of the job's blocks (split among MPI ranks, if any) and returns
/// the shard file's text (with an HMAC under shard_key(), if set). `note` receives a one-line
/// summary for the terminal.
/// With `rows`, each of the part's blocks of runs is also handed to `write`, in run order
/// (run --shard K/N --samples PART; engine/sim/run_rows.h).
std::string run_shard(const Scenario& scenario, const CompiledScenario& compiled,
                      const RunOptions& options, const ShardSpec& shard, std::string& note,
                      const BlockRows* rows = nullptr, const RowWriter& write = {});

}  // namespace plancast::cli
