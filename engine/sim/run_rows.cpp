// simulate_rows(): windows of blocks simulated in parallel, their texts written in order
// while the next window simulates; see run_rows.h.
#include "engine/sim/run_rows.h"

#include <tbb/info.h>

#include <algorithm>
#include <future>
#include <stdexcept>

#include "engine/sim/compiled.h"
#include "engine/sim/simulator.h"

namespace plancast {

namespace {

/// Keeps each block's text of one window, at its place in the window.
class WindowObserver final : public RunObserver {
 public:
  WindowObserver(const BlockRows& rows, std::vector<std::string>& texts, std::uint64_t first)
      : rows_(rows), texts_(texts), first_(first) {}
  void on_block(const BlockView& block) override {
    std::string& out = texts_.at(block.first_run / kBlockSize - first_);
    out.clear();
    rows_.format(block, out);
  }

 private:
  const BlockRows& rows_;
  std::vector<std::string>& texts_;
  std::uint64_t first_;
};

}  // namespace

void simulate_rows(Simulator& sim, std::uint64_t first_block, std::uint64_t last_block,
                   RunState& state, const RunOptions& options, const BlockRows& rows,
                   const RowWriter& write) {
  if (options.observer != nullptr) throw std::invalid_argument("simulate_rows has its observer");
  if (first_block > last_block) throw std::invalid_argument("block range outside the job");
  const std::uint64_t runs = scenario_of(sim.compiled()).simulation.runs;
  const std::uint64_t threads = options.threads > 0
                                    ? static_cast<std::uint64_t>(options.threads)
                                    : static_cast<std::uint64_t>(tbb::info::default_concurrency());
  const std::uint64_t window = std::max<std::uint64_t>(threads, 1) * kRowWindowPerThread;
  const auto runs_before = [&](std::uint64_t block) {
    return std::min(runs, block * kBlockSize) - std::min(runs, first_block * kBlockSize);
  };
  const std::uint64_t range_runs = runs_before(last_block);
  // Two windows of texts: one written (asynchronously) while the other is simulated.
  std::vector<std::string> texts[2];
  std::future<void> writing;
  int w = 0;
  for (std::uint64_t b0 = first_block; b0 < last_block; b0 += window, w ^= 1) {
    const std::uint64_t b1 = std::min(last_block, b0 + window);
    texts[w].resize(b1 - b0);
    WindowObserver observer(rows, texts[w], b0);
    RunOptions o = options;
    o.observer = &observer;
    o.watch = rows.watch();
    if (options.progress) {
      const std::uint64_t before = runs_before(b0);
      o.progress = [&options, before, range_runs](std::uint64_t done, std::uint64_t) {
        options.progress(before + done, range_runs);
      };
    }
    sim.simulate_distributed(b0, b1, state, o);
    if (writing.valid()) writing.get();  // the window before, written (or its error thrown)
    writing = std::async(std::launch::async, [&write, &text = texts[w]] {
      for (const std::string& t : text) write(t);
    });
  }
  if (writing.valid()) writing.get();
}

Results run_rows(const CompiledScenario& compiled, const RunOptions& options, const BlockRows& rows,
                 const RowWriter& write) {
  Simulator sim(compiled);
  RunState state = sim.make_state(options);
  simulate_rows(sim, 0, block_count(compiled), state, options, rows, write);
  return summarise(compiled, state);
}

void event_years(const CompiledScenario& cs, const BlockView& block,
                 std::vector<std::uint32_t>& counts) {
  const std::size_t n_events = cs.events.size();
  counts.assign(n_events * block.n, 0);
  if (n_events == 0) return;
  std::vector<std::uint8_t> on(n_events * block.stride, 0);
  std::vector<std::uint64_t> hits(n_events, 0);
  BlockCtx ctx;
  ctx.seed = cs.scenario.simulation.seed;
  ctx.first_run = block.first_run;
  ctx.n = block.n;
  ctx.stride = block.stride;
  ctx.params = block.params;
  for (int t = 1; t < cs.n_years; ++t) {
    ctx.t = t;
    ctx.year = cs.scenario.base_year + t;
    cs.events.step(ctx, on.data(), hits.data());
    for (std::size_t e = 0; e < n_events; ++e) {
      const std::uint8_t* s = on.data() + e * block.stride;
      std::uint32_t* c = counts.data() + e * block.n;
      for (std::size_t j = 0; j < block.n; ++j) c[j] += s[j];
    }
  }
}

}  // namespace plancast
