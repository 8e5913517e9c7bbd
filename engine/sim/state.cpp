// The mergeable run state: every field merges exactly (integers, exact sums, min/max).
#include "engine/sim/state.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <type_traits>
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

/// RunState::merge of a const or an rvalue state (its sketches moved where ours are empty).
template <class State>
void merge_state(RunState& a, State&& o) {
  if (!a.same_shape(o)) throw std::invalid_argument("run states of different shapes");
  if (!same_bits(a.shift, o.shift)) throw std::invalid_argument("run states of different shifts");
  a.runs += o.runs;
  for (std::size_t c = 0; c < a.cells; ++c) {
    if constexpr (std::is_lvalue_reference_v<State>) {
      a.sketch[c].merge(o.sketch[c]);
    } else {
      a.sketch[c].merge(std::move(o.sketch[c]));
    }
    a.sum[c].merge(o.sum[c]);
    a.sumsq[c].merge(o.sumsq[c]);
    a.min[c] = std::min(a.min[c], o.min[c]);
    a.max[c] = std::max(a.max[c], o.max[c]);
    a.finite[c] += o.finite[c];
    a.nonfinite[c] += o.nonfinite[c];
  }
  auto add = [](std::vector<std::uint64_t>& to, const std::vector<std::uint64_t>& from) {
    for (std::size_t k = 0; k < to.size(); ++k) to[k] += from[k];
  };
  add(a.counts, o.counts);
  add(a.target_hits, o.target_hits);
  add(a.first_reach, o.first_reach);
  add(a.joint_hits, o.joint_hits);
  add(a.target_nonfinite, o.target_nonfinite);
  add(a.replicate_hits, o.replicate_hits);
}

}  // namespace

void RunState::merge(const RunState& o) {
  merge_state(*this, o);
}

void RunState::merge(RunState&& o) {
  merge_state(*this, std::move(o));
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
