// Replicate standard errors and t intervals for probabilities under lhs and sobol.
#include "engine/sim/replicates.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/students_t.hpp>

#include "engine/random/samplers.h"
#include "engine/sim/state.h"

namespace plancast {

Proportion make_replicate_proportion(std::uint64_t hits, std::uint64_t runs,
                                     const std::uint64_t* rep_hits) {
  Proportion out = make_proportion(hits, runs);
  const std::uint32_t r = replicate_count(runs);
  if (runs == 0 || r < 2) return out;
  // Two passes over at most 16 numbers: the mean, then the squared deviations from it.
  double p[kReplicates];
  double mean = 0;
  for (std::uint32_t k = 0; k < r; ++k) {
    const auto n = static_cast<double>(replicate_begin(k + 1, runs) - replicate_begin(k, runs));
    p[k] = static_cast<double>(rep_hits[k]) / n;
    mean += p[k];
  }
  mean /= r;
  double ss = 0;
  for (std::uint32_t k = 0; k < r; ++k) ss += (p[k] - mean) * (p[k] - mean);
  if (!(ss > 0)) return out;  // every replicate agrees: keep the (conservative) Wilson bounds
  const double se = std::sqrt(ss / (r - 1) / r);
  const double t = boost::math::quantile(boost::math::students_t(r - 1.0), 0.975);
  out.std_error = se;
  out.ci95 = {std::clamp(out.probability - t * se, 0.0, 1.0),
              std::clamp(out.probability + t * se, 0.0, 1.0)};
  return out;
}

std::vector<ReplicateSpan> replicate_spans(std::uint64_t first, std::size_t n,
                                           std::uint64_t total) {
  static_assert(RunState::kReplicateSlots == kReplicates);
  std::vector<ReplicateSpan> out;
  for (std::size_t j = 0; j < n;) {
    const std::uint64_t run = first + j;
    const std::uint32_t k = run < total ? replicate_of(run, total) : replicate_count(total) - 1;
    const std::uint64_t end = run < total ? replicate_begin(k + 1, total) : first + n;
    const std::size_t hi = static_cast<std::size_t>(std::min<std::uint64_t>(end - first, n));
    out.push_back({k, j, hi});
    j = hi;
  }
  return out;
}

}  // namespace plancast
