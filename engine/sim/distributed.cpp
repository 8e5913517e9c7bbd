// simulate_distributed(): when plancast runs as several processes (MPI ranks,
// engine/sim/distribute.h), each rank simulates its part of the blocks, the states are
// merged on every rank, and an observer's blocks are recorded and replayed on the others.
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/sim/compiled.h"
#include "engine/sim/distribute.h"
#include "engine/sim/simulator.h"

namespace plancast {

namespace {

/// Forwards blocks to the real observer and keeps a copy of each (packed: params, met,
/// watched rows of n entries) to send to the other ranks.
class BlockRecorder final : public RunObserver {
 public:
  BlockRecorder(RunObserver* inner, std::uint64_t first_block, std::uint64_t n_blocks,
                std::size_t n_params, std::size_t n_targets, std::size_t n_watch)
      : inner_(inner),
        first_block_(first_block),
        blocks_(n_blocks),
        n_params_(n_params),
        n_targets_(n_targets),
        n_watch_(n_watch) {}

  void on_block(const BlockView& b) override {
    inner_->on_block(b);
    std::string& out = blocks_[b.first_run / kBlockSize - first_block_];
    const std::uint64_t head[2] = {b.first_run, b.n};
    out.append(reinterpret_cast<const char*>(head), sizeof head);
    for (std::size_t p = 0; p < n_params_; ++p) {
      out.append(reinterpret_cast<const char*>(b.params + p * b.stride), b.n * sizeof(double));
    }
    for (std::size_t k = 0; k < n_targets_; ++k) {
      out.append(reinterpret_cast<const char*>(b.met + k * b.stride), b.n);
    }
    for (std::size_t w = 0; w < n_watch_; ++w) {
      out.append(reinterpret_cast<const char*>(b.watched + w * b.stride), b.n * sizeof(double));
    }
  }

  std::string bytes() const {
    std::string all;
    for (const std::string& s : blocks_) all += s;
    return all;
  }

  /// Calls the real observer on every block packed in `bytes` (another rank's).
  void replay(const std::string& bytes) const {
    std::vector<double> params, watched;
    std::vector<std::uint8_t> met;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
      std::uint64_t head[2];
      std::memcpy(head, bytes.data() + pos, sizeof head);
      pos += sizeof head;
      const std::size_t n = static_cast<std::size_t>(head[1]);
      params.resize(std::max<std::size_t>(n_params_, 1) * n);
      met.resize(std::max<std::size_t>(n_targets_, 1) * n);
      watched.resize(std::max<std::size_t>(n_watch_, 1) * n);
      std::memcpy(params.data(), bytes.data() + pos, n_params_ * n * sizeof(double));
      pos += n_params_ * n * sizeof(double);
      std::memcpy(met.data(), bytes.data() + pos, n_targets_ * n);
      pos += n_targets_ * n;
      std::memcpy(watched.data(), bytes.data() + pos, n_watch_ * n * sizeof(double));
      pos += n_watch_ * n * sizeof(double);
      BlockView v;
      v.first_run = head[0];
      v.n = n;
      v.stride = n;
      v.params = params.data();
      v.met = met.data();
      v.watched = watched.data();
      inner_->on_block(v);
    }
  }

 private:
  RunObserver* inner_;
  std::uint64_t first_block_;
  std::vector<std::string> blocks_;
  std::size_t n_params_, n_targets_, n_watch_;
};

}  // namespace

void Simulator::simulate_distributed(std::uint64_t first_block, std::uint64_t last_block,
                                     RunState& state, const RunOptions& options) {
  const CompiledScenario& cs = *cs_;
  const Distributor* d = distributor();
  if (d == nullptr || d->size() <= 1) {
    simulate(first_block, last_block, state, options);
    return;
  }
  if (first_block > last_block) throw std::invalid_argument("block range outside the job");
  const BlockRange share =
      part_of(last_block - first_block, static_cast<std::uint64_t>(d->rank()) + 1,
              static_cast<std::uint64_t>(d->size()));
  const std::uint64_t b0 = first_block + share.first, b1 = first_block + share.last;
  RunOptions local = options;
  const std::uint64_t runs = cs.scenario.simulation.runs;
  auto runs_in = [&](std::uint64_t a, std::uint64_t b) {
    return std::min(runs, b * kBlockSize) - std::min(runs, a * kBlockSize);
  };
  const std::uint64_t range_runs = runs_in(first_block, last_block);
  const std::uint64_t my_runs = runs_in(b0, b1);
  if (options.progress) {
    local.progress = [&](std::uint64_t done, std::uint64_t) {
      __extension__ typedef unsigned __int128 u128;
      const std::uint64_t scaled =
          my_runs == 0 ? range_runs
                       : static_cast<std::uint64_t>(static_cast<u128>(done) * range_runs / my_runs);
      options.progress(scaled, range_runs);
    };
  }
  std::optional<BlockRecorder> recorder;
  if (options.observer != nullptr) {
    recorder.emplace(options.observer, b0, b1 - b0, cs.n_params(), cs.targets.size(),
                     options.watch.size());
    local.observer = &*recorder;
  }
  RunState part(cs.n_slots(), cs.n_years, cs.targets.size(), cs.joint.size(), cs.counter_shapes);
  part.shift = state.shift;
  simulate(b0, b1, part, local);
  d->all_merge(part);
  state.merge(std::move(part));  // taken over where state is empty
  if (recorder) {
    const std::vector<std::string> all = d->all_gather(recorder->bytes());
    for (std::size_t r = 0; r < all.size(); ++r) {
      if (static_cast<int>(r) != d->rank()) recorder->replay(all[r]);
    }
  }
}

void simulate_distributed(const CompiledScenario& compiled, std::uint64_t first_block,
                          std::uint64_t last_block, RunState& state, const RunOptions& options) {
  Simulator(compiled).simulate_distributed(first_block, last_block, state, options);
}

}  // namespace plancast
