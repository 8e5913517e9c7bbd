// The block-at-once Poisson and binomial draws (engine/random/discrete.h: poisson_draws,
// binomial_draws) give the bits of poisson_draw and binomial_draw, draw by draw, on every
// instruction set the inversion lanes are compiled for.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/random/discrete.h"
#include "engine/random/philox_lanes.h"
#include "engine/random/stream.h"

using namespace plancast;

namespace {

/// Runs f once per compiled and supported target, forced, then restores the dispatch.
template <class F>
void for_each_target(F&& f) {
  for (const std::int64_t t : random_lanes_targets()) {
    force_random_lanes_target(t);
    INFO("target " << random_lanes_target_name(t));
    f();
  }
  force_random_lanes_target(0);
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

/// Means across every method and edge: 0, negative, NaN, infinite, tiny, the inversion
/// range up to just below the switch to PTRS, PTRS from the switch to large means, runs of
/// one mean; 600
/// draws (more than one chunk of 256, not a multiple of any lane count).
std::vector<double> poisson_means() {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> m = {0,
                           -1,
                           std::nan(""),
                           inf,
                           -inf,
                           1e-300,
                           1e-9,
                           0.5,
                           kDiscreteInversionMean - 1e-9,
                           kDiscreteInversionMean,
                           1e6,
                           1e15};
  // Runs of one mean, as a constant rate gives (poisson_draws reuses the last e^-mean).
  for (double v : {3.5, 3.5, 3.5, 2.0, 3.5, 3.5, 0.5}) m.push_back(v);
  for (int i = 0; m.size() < 600; ++i) m.push_back(0.1 * (i % 400) + 0.01 * (i % 7));
  return m;
}

}  // namespace

TEST_CASE("poisson_draws equals poisson_draw draw by draw on every target", "[random][lanes]") {
  const Stream stream(2026, 0x77);
  const std::vector<double> mean = poisson_means();
  const std::size_t n = mean.size();
  // Each draw's words as a count process reads them: (run j, year 3, 1, 0), more from
  // WordSequence(run j, year 3, 1).
  std::vector<std::uint64_t> w(4 * n);
  stream.words_runs(0, n, 3, 1, 0, w.data(), n);
  std::vector<double> want(n);
  for (std::size_t j = 0; j < n; ++j) {
    DrawWords words(w[j], w[n + j], WordSequence(stream, j, 3, 1));
    want[j] = poisson_draw(mean[j], words);
  }
  for_each_target([&] {
    std::vector<double> got(n, -7);
    std::vector<std::uint32_t> rest(n);
    const std::size_t k =
        poisson_draws(mean.data(), w.data(), w.data() + n, n, got.data(), rest.data());
    std::vector<char> is_rest(n, 0);
    for (std::size_t i = 0; i < k; ++i) {
      if (i > 0) REQUIRE(rest[i] > rest[i - 1]);
      is_rest[rest[i]] = 1;
      // Left to the caller: only PTRS draws outside the squeeze.
      REQUIRE(mean[rest[i]] >= kDiscreteInversionMean);
    }
    std::size_t inverted = 0;
    for (std::size_t j = 0; j < n; ++j) {
      if (is_rest[j] != 0) continue;
      INFO("mean " << mean[j]);
      REQUIRE(same_bits(got[j], want[j]));
      inverted += mean[j] > 0 && mean[j] < kDiscreteInversionMean ? 1 : 0;
    }
    std::size_t ptrs = 0;
    for (const double m : mean) ptrs += m >= kDiscreteInversionMean && std::isfinite(m) ? 1 : 0;
    CHECK(inverted > 400);
    CHECK(k < ptrs / 2);  // the squeeze takes most first pairs (55% at a mean of 30)
  });
}

TEST_CASE("binomial_draws equals binomial_draw draw by draw on every target", "[random][lanes]") {
  const Stream stream(2026, 0x78);
  std::vector<double> n_trials, q;
  const double inf = std::numeric_limits<double>::infinity();
  const double edges[][2] = {{0, 0.5},  {5, 0},      {5, 1},      {inf, 0.1}, {std::nan(""), 0.1},
                             {5, -0.2}, {1000, 0.5}, {1000, 0.9}, {60, 0.49}, {300, 0.03}};
  for (const auto& e : edges) {
    n_trials.push_back(e[0]);
    q.push_back(e[1]);
  }
  for (int i = 0; n_trials.size() < 600; ++i) {
    n_trials.push_back(static_cast<double>(i % 300));
    q.push_back(0.001 + (i % 97) / 97.0 * 0.998);  // both halves: the flip
  }
  const std::size_t n = n_trials.size();
  std::vector<std::uint64_t> w(4 * n);
  stream.words_runs(0, n, 4, 1, 0, w.data(), n);
  std::vector<double> want(n);
  for (std::size_t j = 0; j < n; ++j) {
    DrawWords words(w[2 * n + j], w[3 * n + j], WordSequence(stream, j, 4, 2));
    want[j] = binomial_draw(n_trials[j], q[j], words);
  }
  for_each_target([&] {
    std::vector<double> got(n, -7);
    std::vector<std::uint32_t> rest(n);
    const std::size_t k =
        binomial_draws(n_trials.data(), q.data(), w.data() + 2 * n, n, got.data(), rest.data());
    std::vector<char> is_rest(n, 0);
    for (std::size_t i = 0; i < k; ++i) {
      const std::size_t j = rest[i];
      is_rest[j] = 1;
      REQUIRE(n_trials[j] * std::min(q[j], 1 - q[j]) >= kDiscreteInversionMean);  // BTRS only
    }
    for (std::size_t j = 0; j < n; ++j) {
      if (is_rest[j] != 0) continue;
      INFO("n " << n_trials[j] << ", q " << q[j]);
      REQUIRE(same_bits(got[j], want[j]));
    }
    CHECK(k > 0);
    CHECK(k < n / 2);
  });
}

TEST_CASE("poisson_rest continues a draw poisson_draws left, with the bits of poisson_draw",
          "[random][lanes]") {
  // PTRS means from the switch up: about one first pair in six is rejected.
  const Stream stream(2026, 0x78);
  std::vector<double> mean;
  for (int i = 0; i < 3000; ++i) mean.push_back(kDiscreteInversionMean * std::pow(1.01, i % 900));
  const std::size_t n = mean.size();
  std::vector<std::uint64_t> w(4 * n);
  stream.words_runs(0, n, 5, 2, 0, w.data(), n);
  std::vector<double> got(n);
  std::vector<std::uint32_t> rest(n);
  const std::size_t k =
      poisson_draws(mean.data(), w.data(), w.data() + n, n, got.data(), rest.data());
  REQUIRE(k > n / 20);
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t j = rest[i];
    INFO("mean " << mean[j]);
    DrawWords whole(w[j], w[n + j], WordSequence(stream, j, 5, 2));
    DrawWords further(WordSequence(stream, j, 5, 2));
    REQUIRE(same_bits(poisson_rest(mean[j], further), poisson_draw(mean[j], whole)));
  }
}
