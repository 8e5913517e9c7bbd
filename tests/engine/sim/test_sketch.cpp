// Tests of engine/sim/sketch: the DDSketch relative-error bound against exact order
// statistics, exact merges in any order, flat memory; ExactSum exactness and order-freedom.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/random/philox_lanes.h"
#include "engine/random/stream.h"
#include "engine/sim/sketch.h"

using namespace plancast;

namespace {

constexpr std::uint64_t kSeed = 424242;  // fixed seed

/// n standard normals from a Philox stream (Box-Muller).
std::vector<double> normals(std::size_t n, std::uint32_t stream) {
  const Stream s(kSeed, stream);
  std::vector<double> z;
  z.reserve(n);
  for (std::uint64_t r = 0; z.size() < n; ++r) {
    const Uniform4 u = s.uniforms(r, 0, 0);
    z.push_back(normal_from(u.u[0], u.u[1]));
    if (z.size() < n) z.push_back(normal_from(u.u[2], u.u[3]));
  }
  return z;
}

QuantileSketch sketch_of(const std::vector<double>& x, std::size_t block = 1024) {
  QuantileSketch s;
  for (std::size_t i = 0; i < x.size(); i += block) {
    s.add_many(x.data() + i, std::min(block, x.size() - i));
  }
  return s;
}

/// The sample quantile the sketch approximates: the order statistic x_(k), k = max(1, ceil(q n))
/// (1-based; the inverted empirical CDF). The levels used here are whole parts per 1,000.
double exact_quantile(std::vector<double> x, double q) {
  const auto permille = static_cast<std::size_t>(std::lround(q * 1000));
  const std::size_t k = std::max<std::size_t>(1, (x.size() * permille + 999) / 1000);
  const std::size_t rank = k - 1;
  std::nth_element(x.begin(), x.begin() + static_cast<long>(rank), x.end());
  return x[rank];
}

/// The documented bound: |reported - exact| <= 2α |exact| (a value read inside the bucket of
/// the exact one, which spans a factor γ = (1+α)/(1-α); values with |x| < kMinIndexable count
/// as 0). The factor 1 + 1e-12 covers the rounding of log/exp at bucket edges.
void check_bound(const std::vector<double>& x) {
  const QuantileSketch s = sketch_of(x);
  REQUIRE(s.count() == x.size());
  const double alpha = 2 * QuantileSketch::kRelativeAccuracy;
  std::vector<double> qs = {0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1};
  for (int k = 1; k < 200; k += 7) qs.push_back(k / 200.0);
  for (double q : qs) {
    const double exact = exact_quantile(x, q);
    const double got = s.quantile(q);
    INFO("q=" << q << " exact " << exact << " sketch " << got);
    if (std::abs(exact) < QuantileSketch::kMinIndexable) {
      CHECK(got == 0.0);
    } else {
      CHECK(std::abs(got - exact) <= alpha * std::abs(exact) * (1 + 1e-12));
      CHECK(std::signbit(got) == std::signbit(exact));
    }
  }
}

}  // namespace

TEST_CASE("sketch quantiles are within relative error alpha of exact ones", "[sketch]") {
  const std::size_t n = 100000;
  const std::vector<double> z = normals(n, 1);
  SECTION("lognormal") {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = 1350 * std::exp(0.3 * z[i]);
    check_bound(x);
  }
  SECTION("normal with negatives") {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = 0.05 + 0.1 * z[i];
    check_bound(x);
  }
  SECTION("mixed sign, zeros and tiny values") {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = i % 10 == 0 ? 0.0 : i % 17 == 0 ? 1e-14 * z[i] : z[i] * std::exp(3 * z[(i + 1) % n]);
    }
    check_bound(x);
  }
  SECTION("constant") {
    const std::vector<double> x(n, 42.0);
    check_bound(x);
    const std::vector<double> neg(1000, -3.25);
    check_bound(neg);
  }
  SECTION("a single value") {
    check_bound({7.5});
  }
}

TEST_CASE("add and add_many build the same sketch", "[sketch]") {
  std::vector<double> x = normals(5000, 2);
  for (std::size_t i = 0; i < x.size(); i += 13) x[i] = 0;
  QuantileSketch one;
  for (double v : x) one.add(v);
  CHECK(one == sketch_of(x, 1024));
  CHECK(one == sketch_of(x, 1));
  CHECK(one == sketch_of(x, 300));
  CHECK(one.count() == x.size());
  QuantileSketch empty;
  CHECK(std::isnan(empty.quantile(0.5)));
}

TEST_CASE("the bounded add_many (runner's fast path) equals add one by one", "[sketch][lanes]") {
  // Positive values over 30 orders of magnitude, odd lengths (the SIMD index loop's
  // remainder), exact powers of two and values at the indexable limit; the indices in
  // lanes (sketch_lanes.cpp) on every instruction set this CPU runs.
  const std::vector<double> z = normals(4097, 5);
  std::vector<double> x(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) x[i] = std::exp(7.0 * z[i]);
  x[0] = 1.0;
  x[1] = 0.5;
  x[2] = 1024.0;
  x[3] = QuantileSketch::kMinIndexable;
  x[4] = 1e300;
  x[5] = std::nextafter(1.0, 2.0);  // bucket edges: the ceiling's comparison
  x[6] = std::nextafter(1.0, 0.0);
  for (const std::int64_t target : plancast::random_lanes_targets()) {
    plancast::force_random_lanes_target(target);
    INFO("target " << plancast::random_lanes_target_name(target));
    for (const std::size_t len : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{255},
                                  std::size_t{257}, x.size()}) {
      QuantileSketch one, fast;
      for (std::size_t i = 0; i < len; ++i) one.add(x[i]);
      const auto [lo, hi] = std::minmax_element(x.begin(), x.begin() + static_cast<long>(len));
      fast.add_many(x.data(), len, *lo, *hi);
      CHECK(one == fast);
      CHECK(fast.count() == len);
    }
  }
  plancast::force_random_lanes_target(0);
  // Bounds that admit zero or negative values fall back to the general path.
  std::vector<double> mixed = {3.0, -2.0, 0.0, 5.0, 1e-13};
  QuantileSketch one, fast;
  for (double v : mixed) one.add(v);
  fast.add_many(mixed.data(), mixed.size(), -2.0, 5.0);
  CHECK(one == fast);
}

TEST_CASE("every order statistic lies in the bucket a plain walk over the buckets finds",
          "[sketch]") {
  // order_statistics walks the stores' counters of their width; a plain count over
  // buckets() (most negative first, then zeros, then positives) must find the same bucket
  // for every rank, in dense stores with long runs of empty buckets, crowded buckets and
  // both signs. (A walk that skipped 16 counters when their sum reached one past the rank
  // failed 59 of these checks.)
  auto check = [](const QuantileSketch& s) {
    const std::uint64_t n = s.count();
    auto neg = s.buckets(true);
    std::reverse(neg.begin(), neg.end());  // largest magnitude first
    const auto pos = s.buckets(false);
    std::vector<std::uint64_t> ks(n);
    for (std::uint64_t k = 1; k <= n; ++k) ks[k - 1] = k;
    std::vector<double> got(n);
    s.order_statistics(ks.data(), n, got.data());
    std::uint64_t k = 1;
    auto expect = [&](std::int32_t index, std::uint64_t count, int sign) {
      for (std::uint64_t j = 0; j < count; ++j, ++k) {
        const double v = got[k - 1];
        INFO("rank " << k << " of " << n << ", bucket " << index << ", value " << v);
        if (sign == 0) {
          CHECK(v == 0.0);
        } else {
          CHECK((sign < 0 ? v < 0 : v > 0));
          CHECK(QuantileSketch::index_of(std::fabs(v)) == index);
        }
      }
    };
    for (const auto& [i, c] : neg) expect(i, c, -1);
    expect(0, s.zero_count(), 0);
    for (const auto& [i, c] : pos) expect(i, c, 1);
    CHECK(k == n + 1);
  };
  // Dense stores (values within a factor of about 2 for their count) with thin tails, where
  // blocks of 16 buckets hold one value or none; every 13th value 0, every 3rd negative.
  const std::vector<double> z = normals(3000, 5);
  std::vector<double> x(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) {
    x[i] = i % 13 == 0 ? 0.0 : (i % 3 == 0 ? -1.0 : 1.0) * 100.0 * std::exp(0.1 * z[i]);
  }
  const QuantileSketch thin = sketch_of(x);
  for (const bool negative : {false, true}) {
    const auto b = thin.buckets(negative);
    REQUIRE_FALSE(b.empty());
    std::uint64_t count = 0;
    for (const auto& [i, c] : b) count += c;
    REQUIRE(QuantileSketch::dense_layout(
        count, static_cast<std::uint64_t>(b.back().first - b.front().first + 1)));
  }
  check(thin);
  // Crowded buckets: the same on a coarse grid (some buckets hold hundreds of values).
  for (double& v : x) v = std::round(v / 4.0) * 4.0 + 0.5;
  const QuantileSketch crowded = sketch_of(x);
  REQUIRE_FALSE(crowded.integer_exact());
  check(crowded);
}

TEST_CASE("order statistics read in one pass equal those read one by one", "[sketch]") {
  // summarise() reads every rank of a cell in one walk over the buckets; each must be
  // what a walk for that rank alone gives, whatever the order asked, with repeats, ranks
  // sharing a bucket and out-of-range ranks (0, n + 1: NaN).
  auto check = [](const QuantileSketch& s) {
    const std::uint64_t n = s.count();
    std::vector<std::uint64_t> ks = {0, n + 1, n, 1, n / 2, n / 2, 2};
    for (std::uint64_t k = 1; k <= n; k += 7) ks.push_back(k);
    std::mt19937_64 g(kSeed);
    std::shuffle(ks.begin(), ks.end(), g);
    std::vector<double> all(ks.size());
    s.order_statistics(ks.data(), ks.size(), all.data());
    for (std::size_t i = 0; i < ks.size(); ++i) {
      const double one = s.order_statistic(ks[i]);
      INFO("rank " << ks[i] << " of " << n);
      if (std::isnan(one)) {
        CHECK(std::isnan(all[i]));
      } else {
        CHECK(all[i] == one);
      }
    }
  };
  std::vector<double> x = normals(3000, 9);
  for (std::size_t i = 0; i < x.size(); i += 11) x[i] = 0;  // zeros between the signs
  check(sketch_of(x));
  for (double& v : x) v = std::exp(20.0 * v);  // positive, far apart: a sparse store
  check(sketch_of(x));
  std::vector<double> ints(2000);
  for (std::size_t i = 0; i < ints.size(); ++i) ints[i] = static_cast<double>((i * 37) % 101) - 50;
  const QuantileSketch exact = sketch_of(ints);
  REQUIRE(exact.integer_exact());
  check(exact);
  std::vector<double> sorted = ints;
  std::sort(sorted.begin(), sorted.end());
  const std::vector<std::uint64_t> ks = {2000, 1, 1000, 1000, 17};
  std::vector<double> got(ks.size());
  exact.order_statistics(ks.data(), ks.size(), got.data());
  for (std::size_t i = 0; i < ks.size(); ++i) CHECK(got[i] == sorted[ks[i] - 1]);
  check(QuantileSketch{});  // empty: every rank NaN
}

TEST_CASE("every value lies within relative error alpha of its bucket's representative",
          "[sketch]") {
  // One value per sketch, across the whole indexable range and densely around powers of two
  // (where the cubic mapping's pieces meet): the sketch's only quantile is the value's
  // representative, which must be within α (plus rounding) of it.
  const double alpha = QuantileSketch::kRelativeAccuracy;
  double worst = 0;
  for (int e = -39; e <= 1020; e += 1) {
    for (const double f : {1.0, 1.0 + 1e-15, 1.0000001, 1.1, 1.25, 1.4142135623730951, 1.5, 1.75,
                           1.9999999, 2.0 - 2e-16}) {
      const double v = std::ldexp(f, e);
      if (v < QuantileSketch::kMinIndexable) continue;
      QuantileSketch s;
      s.add(v);
      worst = std::max(worst, std::abs(s.quantile(0.5) - v) / v);
    }
  }
  // Read at the middle of its bucket (in the mapping's scale): within about α of it.
  CHECK(worst <= alpha * (1 + 1e-4));
  CHECK(worst >= alpha * 0.9);  // the bound is nearly reached: buckets are not too narrow
}

TEST_CASE("merging shards in any order gives identical sketches", "[sketch]") {
  const std::size_t n = 80000, shards = 8;
  const std::vector<double> z = normals(n, 3);
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = (i % 3 ? 1.0 : -1.0) * std::exp(2 * z[i]);
  std::vector<QuantileSketch> part(shards);
  // Shards of unequal, interleaved content so that their ranges differ.
  for (std::size_t i = 0; i < n; ++i) part[(i * i) % shards].add(x[i]);
  const QuantileSketch whole = sketch_of(x);

  QuantileSketch fwd, rev, perm, tree;
  for (std::size_t k = 0; k < shards; ++k) fwd.merge(part[k]);
  for (std::size_t k = shards; k-- > 0;) rev.merge(part[k]);
  std::vector<std::size_t> order(shards);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(7);
  std::shuffle(order.begin(), order.end(), rng);
  for (std::size_t k : order) perm.merge(part[k]);
  std::vector<QuantileSketch> level = part;
  while (level.size() > 1) {
    std::vector<QuantileSketch> next;
    for (std::size_t k = 0; k + 1 < level.size(); k += 2) {
      QuantileSketch m = level[k + 1];
      m.merge(level[k]);
      next.push_back(m);
    }
    level = next;
  }
  tree = level[0];
  for (const QuantileSketch* s : {&fwd, &rev, &perm, &tree}) {
    CHECK(*s == whole);
    CHECK(s->count() == n);
    for (double q : {0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0}) {
      CHECK(s->quantile(q) == whole.quantile(q));
    }
  }
  QuantileSketch other = whole;
  other.add(1.0);
  CHECK_FALSE(other == whole);
}

TEST_CASE("sketch memory does not grow with the number of values", "[sketch]") {
  const std::vector<double> z = normals(1000000, 4);
  std::vector<double> x(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) x[i] = 1350 * std::exp(0.3 * z[i]);
  QuantileSketch s;
  s.add_many(x.data(), 100000);
  const std::size_t m5 = s.memory_bytes();
  for (std::size_t i = 100000; i < x.size(); i += 1024) {
    s.add_many(x.data() + i, std::min<std::size_t>(1024, x.size() - i));
  }
  const std::size_t m6 = s.memory_bytes();
  INFO("memory at 1e5 values " << m5 << " bytes, at 1e6 " << m6);
  // Only the tails' few new buckets: far from the 10x growth of keeping values.
  CHECK(m6 <= m5 * 5 / 4);
  CHECK(m6 < 160 * 1024);  // the range (about 15,000 buckets of 8 bytes at α = 1e-4)

  // A bounded distribution: the bucket range is fixed, memory is exactly flat.
  QuantileSketch b;
  std::vector<double> u(1024);
  const Stream st(kSeed, 5);
  std::size_t mb5 = 0;
  for (std::uint64_t r = 0; r < 1000000 / 1024 + 1; ++r) {
    for (std::size_t j = 0; j < 1024; j += 4) {
      const Uniform4 w = st.uniforms(r * 1024 + j, 0, 0);
      for (int l = 0; l < 4; ++l) u[j + l] = 1 + 99 * w.u[l];
    }
    b.add_many(u.data(), u.size());
    if (r == 100) mb5 = b.memory_bytes();
  }
  CHECK(b.memory_bytes() == mb5);
}

TEST_CASE("ExactSum is the correctly rounded exact sum", "[sketch][fsum]") {
  auto fsum = [](std::initializer_list<double> xs) {
    ExactSum s;
    for (double x : xs) s.add(x);
    return s.value();
  };
  CHECK(fsum({1e100, 1.0, -1e100}) == 1.0);
  CHECK(fsum({}) == 0.0);
  CHECK(fsum({0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}) == 1.0);
  // CPython's test_math: the half-even correction across partials.
  CHECK(fsum({1e16, 1.0, 1e-16}) == 10000000000000002.0);
  CHECK(fsum({1.7976931348623157e308, -1.7976931348623157e308, 1.0}) == 1.0);
  CHECK(fsum({2.0, 1e-300, -1e-300}) == 2.0);
  CHECK(std::isinf(fsum({1.0, HUGE_VAL})));
  CHECK(std::isnan(fsum({HUGE_VAL, -HUGE_VAL})));
}

TEST_CASE("ExactSum does not depend on order or on how it is merged", "[sketch][fsum]") {
  const std::size_t n = 20000;
  const std::vector<double> z = normals(n, 6);
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = z[i] * std::ldexp(1.0, static_cast<int>(i % 120) - 60);
  ExactSum single;
  for (double v : x) single.add(v);

  std::mt19937 rng(11);
  for (int t = 0; t < 5; ++t) {
    std::vector<double> y = x;
    std::shuffle(y.begin(), y.end(), rng);
    ExactSum s;
    for (double v : y) s.add(v);
    CHECK(s.value() == single.value());
    CHECK(s == single);
  }
  // Shards merged in different orders.
  std::vector<ExactSum> shard(7);
  for (std::size_t i = 0; i < n; ++i) shard[(i * 31) % 7].add(x[i]);
  ExactSum fwd, rev;
  for (const ExactSum& s : shard) fwd.merge(s);
  for (auto it = shard.rbegin(); it != shard.rend(); ++it) rev.merge(*it);
  CHECK(fwd.value() == single.value());
  CHECK(rev.value() == single.value());
  CHECK(fwd == single);
  CHECK(rev == fwd);
  ExactSum more = single;
  more.add(1e-300);
  CHECK_FALSE(more == single);

  // Integers (exact in doubles): the sum is exact.
  ExactSum ints;
  std::int64_t ref = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::int64_t>(std::llround(z[i] * 1e12));
    ref += k;
    ints.add(static_cast<double>(k));
  }
  CHECK(ints.value() == static_cast<double>(ref));
}

namespace {

/// n values spread log-uniformly over the whole indexable range, 1e-12 to 1e308, with
/// signs mixed in when `negatives` (the sd-60 log-form scenario's cells look like this).
std::vector<double> far_apart(std::size_t n, std::uint32_t stream, bool negatives) {
  const Stream s(kSeed, stream);
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Uniform4 u = s.uniforms(i, 0, 0);
    x[i] = std::pow(10.0, -12.0 + 320.0 * u.u[0]);
    if (negatives && u.u[1] < 0.3) x[i] = -x[i];
  }
  return x;
}

/// The sketch's q-quantile must not depend on the store's layout: it equals that of the
/// sketch of the same values added one by one, and lies within 2α of the exact order statistic.
void check_exact_buckets(const QuantileSketch& s, const std::vector<double>& x) {
  QuantileSketch ref;
  for (double v : x) ref.add(v);
  for (double q : {0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0}) {
    const double exact = exact_quantile(x, q);
    INFO("q=" << q);
    CHECK(s.quantile(q) == ref.quantile(q));
    CHECK(std::abs(s.quantile(q) - exact) <=
          2 * QuantileSketch::kRelativeAccuracy * std::abs(exact) * (1 + 1e-12));
  }
}

}  // namespace

TEST_CASE("values far apart: memory grows with the values held, not with their spread",
          "[sketch][memory]") {
  // 1,000 values over 320 orders of magnitude: a dense store would span about 183,000
  // buckets (1.5 MB); the sparse store keeps the occupied ones, 12 bytes each plus slack.
  const std::vector<double> x = far_apart(1000, 11, false);
  QuantileSketch one, many, bounded;
  for (double v : x) one.add(v);
  many.add_many(x.data(), x.size());
  for (std::size_t i = 0; i < x.size(); i += 256) {
    const std::size_t m = std::min<std::size_t>(256, x.size() - i);
    const auto [lo, hi] =
        std::minmax_element(x.begin() + static_cast<long>(i), x.begin() + static_cast<long>(i + m));
    bounded.add_many(x.data() + i, m, *lo, *hi);
  }
  for (const QuantileSketch* s : {&one, &many, &bounded}) {
    INFO("memory " << s->memory_bytes() << " bytes");
    CHECK(s->memory_bytes() <= 24 * 1000 + 1024);
    CHECK(*s == one);
    CHECK(s->count() == x.size());
    check_exact_buckets(*s, x);
  }
  // The estimate's model of a store agrees with what the store holds (within its slack).
  const auto b = one.buckets(false);
  const std::uint64_t span = static_cast<std::uint64_t>(b.back().first - b.front().first) + 1;
  const std::uint64_t model = QuantileSketch::store_bytes(x.size(), b.size(), span);
  CHECK(one.memory_bytes() - sizeof(QuantileSketch) <= model * 3 / 2);
  CHECK(one.memory_bytes() - sizeof(QuantileSketch) >= model * 2 / 3);
}

TEST_CASE("the layout follows the count: dense once the values cover their range",
          "[sketch][memory]") {
  // Values in a factor of 10^6 (about 140,000 buckets): sparse for the first few hundred,
  // dense (fast path, memory flat) once there are enough of them; quantiles exact throughout.
  const std::vector<double> z = normals(200000, 12);
  std::vector<double> x(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) x[i] = 1e3 * std::exp(2.5 * z[i]);
  QuantileSketch s;
  std::size_t early = 0, late = 0;
  // Whole blocks of 256 only (781 of them: 199,936 values; the last 64 are not added).
  for (std::size_t i = 0; i + 256 <= x.size(); i += 256) {
    const auto [lo, hi] = std::minmax_element(x.begin() + static_cast<long>(i),
                                              x.begin() + static_cast<long>(i + 256));
    s.add_many(x.data() + i, 256, *lo, *hi);
    if (i == 256) early = s.memory_bytes();
    if (i + 256 == 100096) late = s.memory_bytes();
    if (i == 256 || i == 2560 || i + 512 > x.size()) {
      const std::vector<double> seen(x.begin(), x.begin() + static_cast<long>(i + 256));
      check_exact_buckets(s, seen);
    }
  }
  CHECK(early < 512 * 24);          // 512 values: sparse
  CHECK(s.memory_bytes() == late);  // dense: flat
  CHECK(late < 180000 * 8);         // about the range, not the count
}

TEST_CASE("sparse and dense stores merge exactly in any order", "[sketch][memory]") {
  // Shards of very different sizes: small ones sparse, large ones dense, with both signs.
  std::vector<double> x = far_apart(20000, 13, true);
  const std::vector<double> z = normals(60000, 14);
  for (double v : z) x.push_back(50 * std::exp(0.5 * v) * (v > 1.5 ? -1 : 1));
  std::vector<QuantileSketch> part(6);
  const std::size_t sizes[] = {10, 300, 3000, 40, 20000};
  std::size_t at = 0;
  for (std::size_t k = 0; k < 5; ++k) {
    part[k].add_many(x.data() + at, sizes[k]);
    at += sizes[k];
  }
  part[5].add_many(x.data() + at, x.size() - at);
  QuantileSketch whole;
  for (double v : x) whole.add(v);
  QuantileSketch fwd, rev;
  for (std::size_t k = 0; k < part.size(); ++k) fwd.merge(part[k]);
  for (std::size_t k = part.size(); k-- > 0;) rev.merge(part[k]);
  for (const QuantileSketch* s : {&fwd, &rev}) {
    CHECK(*s == whole);
    CHECK(s->buckets(false) == whole.buckets(false));
    CHECK(s->buckets(true) == whole.buckets(true));
    check_exact_buckets(*s, x);
  }
  // Rebuilt from its buckets (as a shard file is read): the same sketch.
  QuantileSketch back;
  for (const bool neg : {false, true}) {
    for (const auto& [i, c] : whole.buckets(neg)) back.add_bucket(neg, i, c);
  }
  back.add_zeros(whole.zero_count());
  CHECK(back == whole);
}
