// The statistics of one block of runs, one year at a time: moments in a fixed order
// (moments_lanes.h), extremes, sketches, non-finite counts and target hits, added into
// the thread's mergeable state.
#include "engine/sim/accumulate.h"

#include <cmath>
#include <limits>
#include <string>

#include "engine/core/error.h"
#include "engine/sim/moments_lanes.h"
#include "engine/sim/replicates.h"

namespace plancast::sim_detail {

void record_year(const CompiledScenario& cs, ThreadState& ts, const std::vector<double>& shift,
                 const BlockCtx& ctx, bool observe, const std::vector<WatchIndex>& watch) {
  const int t = ctx.t;
  const std::size_t n = ctx.n;
  RunState& acc = ts.acc;
  // Every slot's moments first, two slots at a time where the vectors hold four doubles.
  const std::size_t slots = cs.n_slots();
  auto cell = [&](std::size_t s) {
    return s * static_cast<std::size_t>(cs.n_years) + static_cast<std::size_t>(t);
  };
  for (std::size_t s = 0; s < slots; s += 2) {
    const double* x = ctx.values + s * kBlockSize;
    if (s + 1 < slots && block_moments_pair(x, shift[cell(s)], x + kBlockSize, shift[cell(s + 1)],
                                            n, &ts.moments[s])) {
      continue;
    }
    for (std::size_t r = s; r < std::min(s + 2, slots); ++r) {
      ts.moments[r] = block_moments(ctx.values + r * kBlockSize, n, shift[cell(r)]);
    }
  }
  for (std::size_t s = 0; s < slots; ++s) {
    const std::size_t c = cell(s);
    const double* x = ctx.values + s * kBlockSize;
    const double k = shift[c];
    const BlockMoments& bm = ts.moments[s];
    double sum = bm.sum, sumsq = bm.sumsq, lo = acc.min[c], hi = acc.max[c];
    std::size_t bad = 0;
    const double block_lo = bm.lo, block_hi = bm.hi;
    const bool all_finite = bm.finite;
    if (all_finite) {
      lo = std::min(lo, block_lo);
      hi = std::max(hi, block_hi);
    } else {
      // Some value is not finite (or a sum overflowed): the careful loop.
      sum = 0;
      sumsq = 0;
      lo = acc.min[c];
      hi = acc.max[c];
      for (std::size_t j = 0; j < n; ++j) {
        const double v = x[j];
        if (!std::isfinite(v)) {
          ++bad;
          continue;
        }
        const double d = v - k;
        sum += d;
        sumsq += d * d;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
    acc.min[c] = lo;
    acc.max[c] = hi;
    if (std::isfinite(sum)) {
      acc.sum[c].add(sum);
    } else {
      // The block's deviations overflow a double sum (values near 1e308; non-finite values
      // were skipped): add them exactly, a deviation that overflows itself as its two terms.
      for (std::size_t j = 0; j < n; ++j) {
        const double v = x[j];
        if (!std::isfinite(v)) continue;
        const double d = v - k;
        if (std::isfinite(d)) {
          acc.sum[c].add(d);
        } else {
          acc.sum[c].add(v);
          acc.sum[c].add(-k);
        }
      }
    }
    acc.sumsq[c].add(sumsq);
    acc.finite[c] += n - bad;
    acc.nonfinite[c] += bad;
    if (all_finite) {
      ts.queue.add(acc.sketch[c], c, x, n, block_lo, block_hi);
    } else if (bad == 0) {
      acc.sketch[c].add_many(x, n);
    } else {
      std::size_t m = 0;
      for (std::size_t j = 0; j < n; ++j) {
        if (std::isfinite(x[j])) ts.scratch[m++] = x[j];
      }
      acc.sketch[c].add_many(ts.scratch.data(), m);
    }
  }
  for (std::size_t k = 0; k < ts.counters.counts.size(); ++k) {
    acc.counts[k * static_cast<std::size_t>(cs.n_years) + static_cast<std::size_t>(t)] +=
        ts.counters.counts[k];
    ts.counters.counts[k] = 0;
  }

  // Targets: `by` targets remember per run whether they have been reached (bit 0) and
  // whether their value was not finite in some year so far (bit 1). Hits are also counted
  // per replicate of the design (the block's runs cut at replicate boundaries).
  const std::vector<ReplicateSpan> spans =
      replicate_spans(ctx.first_run, n, cs.scenario.simulation.runs);
  for (std::size_t k = 0; k < cs.targets.size(); ++k) {
    const CompiledTarget& tg = cs.targets[k];
    const double* x = ctx.values + static_cast<std::size_t>(tg.slot) * kBlockSize;
    std::uint64_t* rep = acc.replicate_hits.data() + k * RunState::kReplicateSlots;
    if (tg.by) {
      if (t > tg.t) continue;
      std::uint8_t* reached =
          ts.reached.data() + static_cast<std::size_t>(tg.by_index) * kBlockSize;
      if (t == 0) std::fill_n(reached, n, std::uint8_t{0});
      if (t < tg.first_t) continue;  // a later vintage's absent years: neither met nor bad
      std::uint64_t first = 0;
      for (std::size_t j = 0; j < n; ++j) {
        if (reached[j] & kReached) continue;
        if (tg.met(x[j])) {
          reached[j] |= kReached;
          ++first;
        } else if (!std::isfinite(x[j])) {
          reached[j] |= kSawNonfinite;
        }
      }
      acc.first_reach[k * static_cast<std::size_t>(cs.n_years) + static_cast<std::size_t>(t)] +=
          first;
      if (t == tg.t) {
        std::uint64_t hits = 0, bad = 0;
        for (const ReplicateSpan& sp : spans) {
          std::uint64_t h = 0;
          for (std::size_t j = sp.lo; j < sp.hi; ++j) {
            h += reached[j] & kReached;
            bad += reached[j] == kSawNonfinite ? 1 : 0;  // not reached, non-finite at some point
          }
          rep[sp.k] += h;
          hits += h;
        }
        acc.target_hits[k] += hits;
        acc.target_nonfinite[k] += bad;
        if (observe) {
          std::uint8_t* met = ts.met.data() + k * kBlockSize;
          for (std::size_t j = 0; j < n; ++j) met[j] = reached[j] & kReached;
        }
      }
    } else if (t == tg.t) {
      std::uint64_t hits = 0, bad = 0;
      std::uint8_t* met = ts.met.data() + k * kBlockSize;
      for (const ReplicateSpan& sp : spans) {
        std::uint64_t h = 0;
        for (std::size_t j = sp.lo; j < sp.hi; ++j) {
          const std::uint8_t m = tg.met(x[j]) ? 1 : 0;
          h += m;
          bad += std::isfinite(x[j]) ? 0 : 1;
          if (observe) met[j] = m;
        }
        rep[sp.k] += h;
        hits += h;
      }
      acc.target_hits[k] += hits;
      acc.target_nonfinite[k] += bad;
    }
  }
  for (std::size_t g = 0; g < cs.joint.size(); ++g) {
    const JointGroup& grp = cs.joint[g];
    if (grp.t != t) continue;
    std::fill_n(ts.all_met.begin(), n, std::uint8_t{1});
    for (int k : grp.targets) {
      const CompiledTarget& tg = cs.targets[static_cast<std::size_t>(k)];
      if (tg.by) {
        const std::uint8_t* reached =
            ts.reached.data() + static_cast<std::size_t>(tg.by_index) * kBlockSize;
        for (std::size_t j = 0; j < n; ++j) ts.all_met[j] &= reached[j] & kReached;
      } else {
        const double* x = ctx.values + static_cast<std::size_t>(tg.slot) * kBlockSize;
        for (std::size_t j = 0; j < n; ++j) ts.all_met[j] &= tg.met(x[j]) ? 1 : 0;
      }
    }
    std::uint64_t hits = 0;
    std::uint64_t* rep =
        acc.replicate_hits.data() + (cs.targets.size() + g) * RunState::kReplicateSlots;
    for (const ReplicateSpan& sp : spans) {
      std::uint64_t h = 0;
      for (std::size_t j = sp.lo; j < sp.hi; ++j) h += ts.all_met[j];
      rep[sp.k] += h;
      hits += h;
    }
    acc.joint_hits[g] += hits;
  }
  for (std::size_t w = 0; w < watch.size(); ++w) {
    if (watch[w].t != t) continue;
    std::copy_n(ctx.values + watch[w].slot * kBlockSize, n, ts.watched.begin() + w * kBlockSize);
  }
}

std::vector<WatchIndex> resolve_watch(const CompiledScenario& cs,
                                      const std::vector<WatchCell>& cells) {
  const Scenario& sc = cs.scenario;
  std::vector<WatchIndex> watch;
  for (const WatchCell& cell : cells) {
    auto it = std::find(cs.slot_names.begin(), cs.slot_names.end(), cell.indicator);
    if (it == cs.slot_names.end()) {
      throw ScenarioError(SourceLoc{sc.file, 0, 0}, "unknown indicator '" + cell.indicator +
                                                        "' (not in scenario '" + sc.name + "')");
    }
    if (cell.year < sc.base_year || cell.year > sc.horizon) {
      throw ScenarioError(SourceLoc{sc.file, 0, 0},
                          "year " + std::to_string(cell.year) + " is outside " +
                              std::to_string(sc.base_year) + ".." + std::to_string(sc.horizon));
    }
    watch.push_back(
        WatchIndex{static_cast<std::size_t>(it - cs.slot_names.begin()), cell.year - sc.base_year});
  }
  return watch;
}

}  // namespace plancast::sim_detail
