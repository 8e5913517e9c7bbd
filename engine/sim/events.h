// The scenario's shared events (`events:`, docs/scenario-reference.md "events"), compiled:
// each event's yes/no state per run and year, computed once per block and year before the
// processes step, and read by every process whose shocks name it (BlockCtx::event_on).
//
// The law of event e in run r: outside its window [first, last] it is off. Without
// persistence, each year of the window it is on with chance p, independently. With
// persistence π it is a two-state Markov chain, P(on | on last year) = π and P(on | off last
// year) = p; its first year of the window is on with the chain's stationary share
// s = p / (1 − π + p) (0 when π = 1 and p = 0), so every year of the window has the same
// chance s. p and π are numbers or parameters (a parameter's draw clamped to [0, 1]).
//
// Draws: year t of run r uses lane 0 of Stream(seed, event_stream_key(e)).uniforms(r, t, 0),
// a pure function of (seed, event, run, year): any split into threads, blocks or shards
// gives the same states.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/core/process.h"
#include "engine/core/stream_key.h"
#include "engine/sim/block.h"

namespace plancast {

/// The stream key of event `name`: stream_id_for("events." + name).
StreamKey event_stream_key(std::string_view name);

/// The stationary share of years on of the chain with P(on | off) = p, P(on | on) = pi.
double event_stationary_share(double p, double pi);

struct CompiledEvent {
  std::string name;
  StreamKey stream = 0;
  ValueRef probability, persistence;
  bool has_persistence = false;
  int first_t = 1, last_t = 1;  ///< the window as year indices (1 = first simulated year)
  /// The seed of its draws: the scenario's unless an analysis resamples this event alone
  /// (EventSpec::seed; engine/analysis/sensitivity.cpp, the event as a factor).
  std::uint64_t seed = 0;
};

class EventTable {
 public:
  EventTable() = default;
  /// `params`: parameter index by name (the names were checked at load).
  EventTable(const Scenario& sc, const std::map<std::string, int>& params);
  std::size_t size() const { return events_.size(); }
  bool empty() const { return events_.empty(); }
  /// Index of the event `name`, or -1.
  int index(const std::string& name) const;
  const CompiledEvent& operator[](std::size_t e) const { return events_[e]; }

  /// Year ctx.t (>= 1) of the block: on[e * ctx.stride + j] becomes run j's state of event e
  /// (it holds last year's states, read only after the window's first year), and counts[e]
  /// grows by the runs on.
  void step(const BlockCtx& ctx, std::uint8_t* on, std::uint64_t* counts) const;

 private:
  std::vector<CompiledEvent> events_;
};

}  // namespace plancast
