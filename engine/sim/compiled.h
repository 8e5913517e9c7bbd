// Internal to engine/sim: the compiled form of a scenario (compile.cpp) that the simulation
// (simulate.cpp), the statistics (accumulate.cpp), the MPI replay (distributed.cpp) and the
// summary (summarise.cpp) share read-only.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/core/process.h"
#include "engine/random/parameter_sampler.h"
#include "engine/random/samplers.h"
#include "engine/sim/compile_context.h"
#include "engine/sim/events.h"
#include "engine/sim/runner.h"
#include "engine/sim/state.h"

namespace plancast {

namespace sim_detail {

struct CompiledTarget {
  int slot = 0;
  int t = 0;  ///< year index
  bool at_least = true;
  double value = 0;
  bool by = false;
  int by_index = -1;  ///< index among `by` targets (their per-run "reached" flags)
  int first_t = 0;    ///< the indicator's first simulated year index (a later vintage: > 0)
  /// A run whose value is not finite (NaN or ±inf) meets no target: +inf is not ">= v"
  /// and NaN not "<= v" (docs/reliability.md, "Non-finite values").
  bool met(double x) const { return std::isfinite(x) && (at_least ? x >= value : x <= value); }
};

/// Per-run flags of a `by` target (ThreadState::reached).
constexpr std::uint8_t kReached = 1;       ///< met in some year so far
constexpr std::uint8_t kSawNonfinite = 2;  ///< its value was not finite in some year so far

struct JointGroup {
  int t = 0;
  std::vector<int> targets;
};

}  // namespace sim_detail

class CompiledScenario {
 public:
  Scenario scenario;
  int n_years = 0;
  std::vector<std::string> slot_names, slot_units, slot_titles;
  std::vector<std::unique_ptr<Process>> processes;  ///< in dependency order
  /// Per process: its first simulated year index (0 but for a later vintage, whose worker
  /// is initialised in that year and its slots NaN before it) and the slots it writes.
  std::vector<int> process_first_t;
  std::vector<std::vector<int>> process_slots;
  std::vector<int> slot_first_t;  ///< per slot: its indicator's first simulated year index
  bool any_vintage = false;       ///< some process starts after the base year
  std::unique_ptr<ParameterSampler> parameters;
  std::unique_ptr<UniformSampler> uniforms;
  std::vector<sim_detail::CompiledTarget> targets;
  int n_by = 0;
  std::vector<sim_detail::JointGroup> joint;
  /// The processes' diagnostic counters, in compile order (CompileContext::counter_index),
  /// with the slot of the indicator that declared each.
  std::vector<CounterDecl> counters;
  std::vector<StateCounter> counter_shapes;
  /// The shared events; event e's yearly count of runs on is counter first_event_counter + e
  /// (StateCounter::slot kEventSlot), after the processes' counters.
  EventTable events;
  std::size_t first_event_counter = 0;
  /// Per indicator, in scenario order: what its process looked up as it compiled (for
  /// compare's reuse, engine/sim/compile_reuse.h).
  std::vector<sim_detail::IndicatorReads> reads;

  std::size_t n_slots() const { return slot_names.size(); }
  std::size_t n_params() const { return parameters->size(); }
};

}  // namespace plancast
