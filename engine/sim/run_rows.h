// Every run as a row of text, streamed in run order (`plancast run --samples`): the blocks
// of runs are simulated in parallel as usual, each block's rows are formatted (and, for a
// .gz file, compressed) by the thread that simulated it, and the blocks' texts are handed
// to a writer one after the other in block order. So the bytes never depend on the
// threads, and memory holds a bounded window of blocks, never all the runs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sim/runner.h"

namespace plancast {

class Simulator;

/// Formats one block of runs (its BlockView, with RunOptions::watch set to watch()) as
/// text. Called from several threads at once, for different blocks: format() must only
/// write to `out` (empty on entry).
class BlockRows {
 public:
  virtual ~BlockRows() = default;
  /// The indicator cells the rows show, in BlockView::watched order.
  virtual const std::vector<WatchCell>& watch() const = 0;
  virtual void format(const BlockView& block, std::string& out) const = 0;
};

/// Receives the blocks' texts in block order, from one thread at a time.
using RowWriter = std::function<void(std::string_view text)>;

/// Blocks simulated between two writes: kRowWindowPerThread per thread (at least that
/// many): at most two windows of formatted blocks are held at once (one being written
/// while the next is simulated).
inline constexpr std::uint64_t kRowWindowPerThread = 16;

/// As sim.simulate_distributed(first_block, last_block, state, options) (the same state,
/// byte for byte), and each block's text from `rows` handed to `write` in block order.
/// options.observer must be null (the rows are the observer) and options.watch is
/// replaced by rows.watch(). Progress counts the range's runs as usual. Interrupted (as
/// simulate) leaves the blocks written so far written: the writer's target is the
/// caller's to discard.
void simulate_rows(Simulator& sim, std::uint64_t first_block, std::uint64_t last_block,
                   RunState& state, const RunOptions& options, const BlockRows& rows,
                   const RowWriter& write);

/// The whole job (as run(compiled, options)) with every block's rows written.
Results run_rows(const CompiledScenario& compiled, const RunOptions& options, const BlockRows& rows,
                 const RowWriter& write);

/// Per event (scenario order) and run of the block: the number of simulated years (the
/// base year excluded) the event was on, counts[e * block.n + j]. Recomputed from the
/// block's parameters: an event's states are a pure function of (seed, event, run, year,
/// parameters) (engine/sim/events.h), so they are the ones the simulation saw.
void event_years(const CompiledScenario& compiled, const BlockView& block,
                 std::vector<std::uint32_t>& counts);

}  // namespace plancast
