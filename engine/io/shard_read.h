// Reading shard files safely (internal to engine/io/shard*.cpp): a bounded read; a scan
// (nlohmann-json's SAX parser, no tree) that refuses deep nesting, duplicate keys and
// anything not shaped like a shard where it starts; the state then streamed one cell at a
// time into a checked RunState; locations of values; and the HMAC of a shard.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "engine/io/shard.h"

namespace plancast::shard_detail {

/// The bytes of the file at `path`, at most kMaxShardBytes, read in bounded pieces (regular
/// files, pipes, FIFOs and devices such as /dev/zero alike). ScenarioError (located) when
/// it cannot be read, is a folder, is larger than the limit or holds a NUL byte.
std::string read_shard_bytes(const std::string& path);

/// What a scan of a shard text found: the single values of its top level (the header) and
/// of its state, and where the state's text lies.
struct ShardScan {
  nlohmann::json header = nlohmann::json::object();
  nlohmann::json state_scalars = nlohmann::json::object();  ///< slots, years, targets, joint, runs
  bool has_state = false;
  std::size_t state_begin = 0, state_end = 0;  ///< the state's bytes: [begin, end)
};
/// Scans `text`. ScenarioError located at the problem for a JSON syntax error, a number
/// beyond a double's range, nesting deeper than kMaxShardDepth, a key twice in one object,
/// and a key or value a shard does not have there (an array where a shard has a number...).
ShardScan scan_shard(const std::string& name, const std::string& text);

/// Builds a state from its parts, checking each as it comes (shard_state.cpp); used by
/// state_from_json and by stream_state. Throws StateError.
/// Whether a state has counters of shared events (StateCounter::slot kEventSlot).
inline bool has_events(const RunState& s) {
  for (const StateCounter& c : s.counters) {
    if (c.slot == kEventSlot) return true;
  }
  return false;
}

class StateBuilder {
 public:
  StateBuilder(const RunState& shape, const StateLayout* layout);
  /// The state's dimensions and runs (an object with slots, years, targets, joint, runs).
  void begin(const nlohmann::json& scalars);
  /// shift, target_hits, first_reach, joint_hits, target_nonfinite, replicate_hits or
  /// event_counts (the shared events', where the scenario has some).
  void field(const std::string& key, const nlohmann::json& value);
  /// Cell c (0-based, in order).
  void cell(std::size_t c, const nlohmann::json& cell);
  void event_counts(const nlohmann::json& v);
  /// Checks that every part came and the target counts; the state.
  RunState finish();

 private:
  RunState s_;
  const StateLayout* layout_;
  std::size_t cells_ = 0;
  bool shift_ = false, hits_ = false, reach_ = false, joint_ = false, nonfinite_ = false,
       replicates_ = false, events_ = false;
};

/// Streams the state of a scanned text into `builder` (begin, fields, cells one at a time:
/// only one cell's tree exists at a time) and returns builder.finish().
RunState stream_state(const std::string& text, const ShardScan& scan, StateBuilder& builder);

/// Where the value at JSON `pointer` ("/state/cells/3/finite") starts in `text` (a text
/// that scan_shard accepted); the whole file (line 0) if it is not found.
SourceLoc locate_pointer(const std::string& name, const std::string& text,
                         const std::string& pointer);

/// SHA-256 of `bytes` and HMAC-SHA-256 under `key` of the concatenated `parts` (OpenSSL;
/// defined in shard.cpp), as 64 lowercase hex digits.
std::string sha256_hex_of(std::string_view bytes);
std::string hmac_sha256_hex(const std::string& key, std::initializer_list<std::string_view> parts);
/// A double as a C99 hex float ("0x1.9p+6"), or "nan", "inf", "-inf" (shard_state_write.cpp).
std::string hex_double(double x);
/// Equal digests, compared in time independent of where they differ.
bool same_digest(const std::string& a, const std::string& b);

}  // namespace plancast::shard_detail
