// Shard files: the mergeable state of a share of a job's blocks of runs (plancast run
// --shard K/N --json F), and merging them back into the results of the whole job
// (plancast merge). Format, limits and checks: docs/scale-out.md, docs/reliability.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/config/scenario.h"
#include "engine/sim/runner.h"
#include "engine/sim/state.h"

namespace plancast {

class Registry;

/// Version of the shard file layout; a file of another version is refused. Version 2: the
/// sketch buckets of the cubically interpolated mapping (version 1: logarithmic). Version 3:
/// the checksum, over the state's bytes as written (the state last), is either
/// `state_sha256` or, with PLANCAST_SHARD_KEY, `shard_hmac_sha256`. Version 5: a cell carries
/// the diagnostic counters its indicator's process declared, by name, under "counters" (no
/// longer one growth-only count in every cell).
inline constexpr int kShardFormatVersion = 5;

/// Largest shard file merge reads: 256 MiB. A shard holds the canonical scenario text (at
/// most 4 MiB as a scenario file, under 25 MiB even when every byte needs a JSON escape) and,
/// per indicator and year, its run counts, sums and sketch: about 1 KB for the bundled
/// scenario, up to some 35 KB for values spread over hundreds of orders of magnitude (the
/// sketch grows with the spread of the values, not with the runs). Merge holds the text of
/// one file, the job's merged state and one shard's state; never a tree of the whole file.
inline constexpr std::size_t kMaxShardBytes = std::size_t{256} << 20;
/// Deepest nesting of JSON arrays and objects in a shard file: a real shard nests 6 deep
/// (file, state, cells, cell, sketch buckets, bucket run); anything else is refused where
/// its shape differs from a shard's, so this is a second line of defence.
inline constexpr int kMaxShardDepth = 8;
/// Environment variable holding the key of the shards' HMAC (docs/scale-out.md).
inline constexpr const char* kShardKeyVariable = "PLANCAST_SHARD_KEY";

/// SHA-256 (hex) of what decides a job's results: the plancast version, the format
/// version, the block size, the scenario's canonical text (after variant and --set), the
/// variant's name, runs, seed and sampler. Shards merge only when their hashes are equal.
std::string job_hash(const Scenario& scenario);

/// What a state's target counts must satisfy, from the scenario: per target its year index
/// and whether it is a `by` target; per joint group (targets of one year, years ascending,
/// as compile() forms them) its targets.
struct StateLayout {
  int base_year = 0;
  std::vector<std::string> target_id;
  std::vector<int> target_year;  ///< year index of each target
  std::vector<bool> target_by;
  std::vector<std::vector<std::size_t>> joint;
};
StateLayout layout_of(const Scenario& scenario);

/// A shard state that cannot be true. `pointer` is the JSON pointer (RFC 6901) of the value
/// at fault inside the state ("/cells/3/finite"), empty if none in particular.
class StateError : public std::invalid_argument {
 public:
  StateError(std::string pointer, const std::string& message)
      : std::invalid_argument(message), pointer(std::move(pointer)) {}
  std::string pointer;
};

/// The state as JSON: integers exactly, doubles as C99 hex-float strings ("0x1.9p+6",
/// "inf", "-inf", "nan"), which round-trip bit for bit.
nlohmann::ordered_json state_to_json(const RunState& state);
/// Reads a state written by state_to_json. `shape` is an empty state of the same job
/// (make_state): sizes and shift must match it. Never trusts sizes, indices or counts from
/// the input: refuses (StateError, a std::invalid_argument saying what is wrong and where)
/// unknown or missing keys, counts above the state's runs, counts that do not add up,
/// min > max, non-finite values where only finite ones can occur, sums outside what the
/// minimum and maximum allow, sketches that do not fit them, and, given the `layout`,
/// target, first-reach and joint counts that no set of runs can produce
/// (docs/reliability.md, "Shard files").
RunState state_from_json(const nlohmann::json& j, const RunState& shape,
                         const StateLayout* layout = nullptr);

/// The text of shard file k of n (1-based) holding `state`, the state of blocks
/// part_of(block_count, k, n) of the job `scenario`. With a `key`, the shard carries an
/// HMAC-SHA-256 of its job, share and state under that key (shard_hmac_sha256) instead of
/// the plain SHA-256 of its state's bytes (state_sha256).
std::string to_shard_text(const Scenario& scenario, std::uint64_t k, std::uint64_t n,
                          const RunState& state, const std::optional<std::string>& key = {});

/// Merges shard files given in any order into the results of the whole job, identical to
/// those of one `plancast run`. Refuses (ScenarioError located in the file; exit 2) a file
/// that is not a valid shard (larger than kMaxShardBytes, nested deeper than kMaxShardDepth,
/// a duplicate key, a checksum or HMAC that does not match, impossible contents), shards of
/// different jobs or splits, a shard given twice, and (UsageError) missing shards. With a
/// `key`, only shards with a valid HMAC under it are accepted; without, a shard with an HMAC
/// is refused. Reads one file at a time, its state streamed cell by cell (no tree of the
/// whole file). `scenario` receives the job's scenario.
Results merge_shards(const std::vector<std::string>& paths, const Registry& registry,
                     Scenario* scenario = nullptr, const std::optional<std::string>& key = {});

/// A shard file's name (for messages) and text.
struct ShardText {
  std::string name;
  std::string text;
};
/// merge_shards on texts already in memory (the fuzz target, tests/fuzz/fuzz_shard.cpp).
Results merge_shard_texts(const std::vector<ShardText>& shards, const Registry& registry,
                          Scenario* scenario = nullptr, const std::optional<std::string>& key = {});

}  // namespace plancast
