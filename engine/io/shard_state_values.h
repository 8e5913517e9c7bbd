// Readers of the plain JSON values of a shard's run state (objects with fixed keys, counts,
// hex-float numbers, exact sums), each refusing what no run produces with a StateError that
// names the JSON pointer. The state-specific checks built on them are in shard_state.cpp.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/sim/sketch.h"

namespace plancast::shard_detail {

struct StateValues {
  using json = nlohmann::json;

  [[noreturn]] static void fail(const std::string& at, const std::string& what);

  /// `j` is an object with exactly the keys `keys`.
  static void keys(const json& j, const std::string& at, const std::vector<const char*>& keys);

  static std::string pointer_token(const std::string& k);

  static std::uint64_t count(const json& x, const std::string& at);

  /// A count that cannot exceed `most` runs (so that sums of counts cannot wrap).
  static std::uint64_t count_upto(const json& x, const std::string& at, std::uint64_t most,
                                  const char* of = "the shard's runs");

  /// A hex float; "nan", "inf" and "-inf" only where `special` is allowed.
  static double number(const json& x, const std::string& at, bool special);

  static const json& array(const json& j, const std::string& at, std::size_t n, const char* of);

  /// An exact sum: its partials, the sum of its non-finite terms and, for a sum beyond the
  /// double range, its carry (whole units of 2^1023; a term is below 2^1025, 4 units, so
  /// |carry| is at most 4 per run, merged or not).
  static ExactSum sum(const json& j, const std::string& at, std::uint64_t runs);
};

}  // namespace plancast::shard_detail
