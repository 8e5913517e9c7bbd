// Shard files: the mergeable state of a share of a job's blocks of runs (plancast run
// --shard K/N --json F), and merging them back into the results of the whole job
// (plancast merge). Format: docs/scale-out.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/config/scenario.h"
#include "engine/sim/runner.h"
#include "engine/sim/state.h"

namespace plancast {

class Registry;

/// Version of the shard file layout; a file of another version is refused. Version 2: the
/// sketch buckets of the cubically interpolated mapping (version 1: logarithmic).
inline constexpr int kShardFormatVersion = 2;

/// SHA-256 (hex) of what decides a job's results: the plancast version, the format
/// version, the block size, the scenario's canonical text (after variant and --set), the
/// variant's name, runs, seed and sampler. Shards merge only when their hashes are equal.
std::string job_hash(const Scenario& scenario);

/// The state as JSON: integers exactly, doubles as C99 hex-float strings ("0x1.9p+6",
/// "inf", "-inf", "nan"), which round-trip bit for bit.
nlohmann::ordered_json state_to_json(const RunState& state);
/// Reads a state written by state_to_json. `shape` is an empty state of the same job
/// (make_state): sizes and shift must match it. Throws std::invalid_argument saying what
/// is wrong; never trusts sizes or indices from the input.
RunState state_from_json(const nlohmann::json& j, const RunState& shape);

/// The text of shard file k of n (1-based) holding `state`, the state of blocks
/// part_of(block_count, k, n) of the job `scenario`.
std::string to_shard_text(const Scenario& scenario, std::uint64_t k, std::uint64_t n,
                          const RunState& state);

/// Merges shard files given in any order into the results of the whole job, identical to
/// those of one `plancast run`. Refuses (ScenarioError located at the file; exit 2) a file
/// that is not a valid shard, shards of different jobs or splits, a shard given twice, and
/// (UsageError) missing shards. `scenario` receives the job's scenario (for reports).
Results merge_shards(const std::vector<std::string>& paths, const Registry& registry,
                     Scenario* scenario = nullptr);

}  // namespace plancast
