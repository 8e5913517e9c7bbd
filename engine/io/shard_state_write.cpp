// The run state of a shard written as JSON: integers exactly, doubles as C99 hex floats
// that round-trip bit for bit (read back and checked by shard_state.cpp).
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "engine/io/shard.h"
#include "engine/io/shard_read.h"

namespace plancast {

using ojson = nlohmann::ordered_json;

std::string shard_detail::hex_double(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return fmt::format("{:a}", x);  // printf's "%a" (tests/engine/io/test_shard_hex.cpp)
}

nlohmann::ordered_json state_to_json(const RunState& s) {
  ojson j;
  j["slots"] = s.slots;
  j["years"] = s.years;
  j["targets"] = s.target_hits.size();
  j["joint"] = s.joint_hits.size();
  j["runs"] = s.runs;
  ojson shift = ojson::array();
  for (double x : s.shift) shift.push_back(shard_detail::hex_double(x));
  j["shift"] = shift;
  auto sum_json = [](const ExactSum& sum) {
    ojson p = ojson::array();
    for (double x : sum.partials()) p.push_back(shard_detail::hex_double(x));
    ojson out{{"partials", p}, {"special", shard_detail::hex_double(sum.special())}};
    if (sum.carry() != 0) out["carry"] = sum.carry();  // units of 2^1023 beyond the partials
    return out;
  };
  // [first index, count, count, ...] runs of consecutive buckets: [[i0, c0, c1], [i5, c5]].
  auto buckets_json = [](const auto& b) {
    ojson out = ojson::array();
    for (std::size_t k = 0; k < b.size();) {
      ojson run = ojson::array({b[k].first});
      for (auto next = b[k].first; k < b.size() && b[k].first == next; ++next, ++k) {
        run.push_back(b[k].second);
      }
      out.push_back(run);
    }
    return out;
  };
  ojson cells = ojson::array();
  for (std::size_t c = 0; c < s.cells; ++c) {
    ojson cell;
    cell["finite"] = s.finite[c];
    cell["nonfinite"] = s.nonfinite[c];
    // The counters declared on this cell's indicator, by name (none for most).
    ojson counters = ojson::object();
    const std::size_t slot = c / static_cast<std::size_t>(s.years);
    const std::size_t t = c % static_cast<std::size_t>(s.years);
    for (std::size_t k = 0; k < s.counters.size(); ++k) {
      if (s.counters[k].slot != slot) continue;
      counters[s.counters[k].name] = s.counts[k * static_cast<std::size_t>(s.years) + t];
    }
    if (!counters.empty()) cell["counters"] = std::move(counters);
    cell["min"] = shard_detail::hex_double(s.min[c]);
    cell["max"] = shard_detail::hex_double(s.max[c]);
    cell["sum"] = sum_json(s.sum[c]);
    cell["sumsq"] = sum_json(s.sumsq[c]);
    cell["zero"] = s.sketch[c].zero_count();
    cell["positive"] = buckets_json(s.sketch[c].buckets(false));
    cell["negative"] = buckets_json(s.sketch[c].buckets(true));
    // Exact integer counts, as runs of consecutive values, while the sketch keeps them.
    if (s.sketch[c].integer_exact()) cell["integers"] = buckets_json(s.sketch[c].integer_counts());
    cells.push_back(std::move(cell));
  }
  j["cells"] = std::move(cells);
  j["target_hits"] = s.target_hits;
  j["first_reach"] = s.first_reach;
  j["joint_hits"] = s.joint_hits;
  j["target_nonfinite"] = s.target_nonfinite;
  j["replicate_hits"] = s.replicate_hits;
  // The shared events' yearly counts of runs on (counters on no cell, kEventSlot), only where
  // the scenario has events: [event][year], flattened.
  ojson events = ojson::array();
  for (std::size_t k = 0; k < s.counters.size(); ++k) {
    if (s.counters[k].slot != kEventSlot) continue;
    for (int t = 0; t < s.years; ++t) {
      events.push_back(
          s.counts[k * static_cast<std::size_t>(s.years) + static_cast<std::size_t>(t)]);
    }
  }
  if (!events.empty()) j["event_counts"] = std::move(events);
  return j;
}

}  // namespace plancast
