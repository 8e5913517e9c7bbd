// The mergeable state of a batch of runs: per (series, year) cell a quantile sketch with
// integer buckets, exact sums, min/max and integer counts; per target integer hit counts.
// Every part merges exactly, so merging states of disjoint sets of runs in any order (threads,
// shards, MPI ranks) gives the same state as simulating all runs in one place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/sim/sketch.h"

namespace plancast {

/// A diagnostic counter of the state (a process's CounterDecl, compiled): the slot of the
/// indicator that declared it, its name, and the most one run adds in one year.
/// The slot of a counter that belongs to no indicator: a shared event's yearly count of runs
/// in which it is on (engine/sim/events.h).
inline constexpr std::size_t kEventSlot = static_cast<std::size_t>(-1);

struct StateCounter {
  std::size_t slot = 0;
  std::string name;
  std::uint64_t most_per_run_year = 1;
  bool operator==(const StateCounter&) const = default;
};

struct RunState {
  std::size_t slots = 0;  ///< output series
  int years = 0;          ///< base year .. horizon
  std::size_t cells = 0;  ///< slots × years; cell c = slot * years + year index
  /// Per cell: the value of run 0 (0 if not finite). Sums are of x − shift, so that sums of
  /// small deviations lose nothing to large levels. Identical in every state of one job.
  std::vector<double> shift;
  /// Runs accumulated into this state.
  std::uint64_t runs = 0;
  std::vector<QuantileSketch> sketch;
  std::vector<ExactSum> sum, sumsq;  ///< of x − shift
  std::vector<double> min, max;
  std::vector<std::uint64_t> finite, nonfinite;
  /// The declared counters, in compile order; counts[k * years + year index] is counter k's.
  std::vector<StateCounter> counters;
  std::vector<std::uint64_t> counts;
  /// Per target; first_reach is [target][year]; joint_hits per joint group (year).
  std::vector<std::uint64_t> target_hits, first_reach, joint_hits;
  /// Per target: runs whose indicator value was not finite where the target is judged (its
  /// year; for `by` targets, runs not reached that were non-finite in some year up to it).
  /// Such runs meet no target (docs/reliability.md, "Non-finite values").
  std::vector<std::uint64_t> target_nonfinite;
  /// Hits per replicate of the design (engine/random/samplers.h, kReplicates): entry
  /// i * kReplicateSlots + k for target i (i < targets) or joint group i - targets, replicate
  /// k. Summed over k they equal target_hits and joint_hits. The standard errors of lhs and
  /// sobol come from them (docs/samplers.md).
  std::vector<std::uint64_t> replicate_hits;
  static constexpr std::size_t kReplicateSlots = 16;  ///< = kReplicates

  RunState() = default;
  RunState(std::size_t n_slots, int n_years, std::size_t n_targets, std::size_t n_joint,
           std::vector<StateCounter> counters = {});

  /// Same dimensions (and so mergeable with this one).
  bool same_shape(const RunState& o) const;
  /// Adds the runs of `o` (disjoint from this state's). Throws std::invalid_argument if the
  /// shapes or shifts differ. Exact: the result does not depend on the merge order.
  void merge(const RunState& o);
  /// The same, taking over o's sketches where this state's are empty (a job's first thread
  /// state); o is left valid, unspecified.
  void merge(RunState&& o);
  /// Equal statistics (exact sums compared by value, sketches by bucket counts).
  bool operator==(const RunState& o) const;
};

}  // namespace plancast
