// The view a process worker gets of one block of runs in one year. Layout is
// structure-of-arrays: values[slot * stride + j] is run (first_run + j)'s value of a series.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace plancast {

class SharedNormals;

/// Per-block run diagnostics, summed exactly (integers) into the results.
struct BlockCounters {
  /// Per declared counter (CompileContext::counter_index): the block's count this year.
  std::vector<std::uint64_t> counts;
};

struct BlockCtx {
  std::uint64_t seed = 0;          ///< the scenario seed
  std::uint64_t first_run = 0;     ///< global index of run j = 0
  std::size_t n = 0;               ///< runs in this block (<= stride)
  std::size_t stride = 0;          ///< allocated block size
  int t = 0;                       ///< year index: 0 = base year
  int year = 0;                    ///< calendar year
  const double* params = nullptr;  ///< params[p * stride + j]
  double* values = nullptr;        ///< this year's values (slots already stepped are current)
  const double* prev = nullptr;    ///< last year's values (undefined at t = 0)
  BlockCounters* counters = nullptr;
  /// This year's states of the scenario's shared events (engine/sim/events.h): events[e *
  /// stride + j] is 1 where event e is on in run j. Set for t >= 1.
  const std::uint8_t* events = nullptr;
  /// Normals that scenarios simulated together on this block share (run_together,
  /// engine/random/shared_normals.h); nullptr when simulated alone.
  SharedNormals* normals = nullptr;

  double param(int p, std::size_t j) const { return params[p * stride + j]; }
  bool event_on(int e, std::size_t j) const {
    return events[static_cast<std::size_t>(e) * stride + j] != 0;
  }
  double* slot(int s) { return values + static_cast<std::size_t>(s) * stride; }
  const double* prev_slot(int s) const { return prev + static_cast<std::size_t>(s) * stride; }
  const double* param_row(int p) const { return params + static_cast<std::size_t>(p) * stride; }
};

}  // namespace plancast
