// The mergeable run state: every field merges exactly (integers, exact sums, min/max).
#include "engine/sim/state.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <utility>

namespace plancast {

RunState::RunState(std::size_t n_slots, int n_years, std::size_t n_targets, std::size_t n_joint,
                   std::vector<StateCounter> counters_)
    : slots(n_slots),
      years(n_years),
      cells(n_slots * static_cast<std::size_t>(n_years)),
      shift(cells, 0.0),
      sketch(cells),
      sum(cells),
      sumsq(cells),
      min(cells, std::numeric_limits<double>::infinity()),
      max(cells, -std::numeric_limits<double>::infinity()),
      finite(cells),
      nonfinite(cells),
      counters(std::move(counters_)),
      counts(counters.size() * static_cast<std::size_t>(n_years)),
      target_hits(n_targets),
      first_reach(n_targets * static_cast<std::size_t>(n_years)),
      joint_hits(n_joint),
      target_nonfinite(n_targets),
      replicate_hits((n_targets + n_joint) * kReplicateSlots) {}

bool RunState::same_shape(const RunState& o) const {
  return slots == o.slots && years == o.years && cells == o.cells && counters == o.counters &&
         target_hits.size() == o.target_hits.size() && joint_hits.size() == o.joint_hits.size() &&
         target_nonfinite.size() == o.target_nonfinite.size() &&
         replicate_hits.size() == o.replicate_hits.size();
}

namespace {
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}
}  // namespace

void RunState::merge(const RunState& o) {
  if (!same_shape(o)) throw std::invalid_argument("run states of different shapes");
  if (!same_bits(shift, o.shift)) throw std::invalid_argument("run states of different shifts");
  runs += o.runs;
  for (std::size_t c = 0; c < cells; ++c) {
    sketch[c].merge(o.sketch[c]);
    sum[c].merge(o.sum[c]);
    sumsq[c].merge(o.sumsq[c]);
    min[c] = std::min(min[c], o.min[c]);
    max[c] = std::max(max[c], o.max[c]);
    finite[c] += o.finite[c];
    nonfinite[c] += o.nonfinite[c];
  }
  for (std::size_t k = 0; k < counts.size(); ++k) counts[k] += o.counts[k];
  for (std::size_t k = 0; k < target_hits.size(); ++k) target_hits[k] += o.target_hits[k];
  for (std::size_t k = 0; k < first_reach.size(); ++k) first_reach[k] += o.first_reach[k];
  for (std::size_t k = 0; k < joint_hits.size(); ++k) joint_hits[k] += o.joint_hits[k];
  for (std::size_t k = 0; k < target_nonfinite.size(); ++k) {
    target_nonfinite[k] += o.target_nonfinite[k];
  }
  for (std::size_t k = 0; k < replicate_hits.size(); ++k) replicate_hits[k] += o.replicate_hits[k];
}

bool RunState::operator==(const RunState& o) const {
  return same_shape(o) && same_bits(shift, o.shift) && runs == o.runs && sketch == o.sketch &&
         sum == o.sum && sumsq == o.sumsq && same_bits(min, o.min) && same_bits(max, o.max) &&
         finite == o.finite && nonfinite == o.nonfinite && counts == o.counts &&
         target_hits == o.target_hits && first_reach == o.first_reach &&
         joint_hits == o.joint_hits && target_nonfinite == o.target_nonfinite &&
         replicate_hits == o.replicate_hits;
}

}  // namespace plancast
