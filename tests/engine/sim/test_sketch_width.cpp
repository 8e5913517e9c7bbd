// Tests of the quantile sketch's narrow counters (engine/sim/sketch.h, Store::width): a dense
// store counts in 2-byte counters while no counter can pass 65,535, 4-byte ones up to
// 2^32 - 1, 8-byte ones beyond, and widens in place; every count, merge and quantile must equal
// those of 8-byte counters throughout (the sketch before issue 16's kernel work).
#include <cmath>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/random/stream.h"
#include "engine/sim/sketch.h"

using namespace plancast;

namespace {

constexpr std::uint64_t kSeed = 161616;  // fixed seed

/// The bucket index of value v (v != 0), read back from a one-value sketch.
std::int32_t bucket_of(double v) {
  QuantileSketch one;
  one.add(v);
  return one.buckets(v < 0).at(0).first;
}

/// n values of wide range: lognormal magnitudes over ~12 orders, a third negative, every
/// 17th zero, every 11th an integer.
std::vector<double> mixed_values(std::size_t n) {
  const Stream st(kSeed, 3);
  std::vector<double> x;
  x.reserve(n);
  for (std::uint64_t r = 0; x.size() < n; ++r) {
    const Uniform4 u = st.uniforms(r, 0, 0);
    const double z = normal_from(u.u[0], u.u[1]);
    double v = std::exp(4.0 * z);
    if (u.u[2] < 1.0 / 3) v = -v;
    if (x.size() % 11 == 0) v = std::round(v * 100);
    if (x.size() % 17 == 0) v = 0;
    x.push_back(v);
  }
  return x;
}

}  // namespace

TEST_CASE("narrow counters: one bucket past 65,535 and 2^32 values keeps its exact count",
          "[sketch][width]") {
  // 70,000 values in two buckets through the dense increments (not the one-bucket shortcut):
  // a 2-byte counter that did not widen would wrap at 65,536.
  const double a = 3.0, b = 5.0;
  std::vector<double> x(1000);
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = j % 2 == 0 ? a : b;
  QuantileSketch s;
  for (int rep = 0; rep < 140; ++rep) s.add_many(x.data(), x.size(), a, b);
  const auto bk = s.buckets(false);
  REQUIRE(bk.size() == 2);
  CHECK(bk[0] == std::pair<std::int32_t, std::uint64_t>{bucket_of(a), 70000});
  CHECK(bk[1] == std::pair<std::int32_t, std::uint64_t>{bucket_of(b), 70000});
  CHECK(s.count() == 140000);
  CHECK(s.quantile(0.5) == a);  // integer-exact
  // Past 2^32 - 1 in one bucket (a shard's counts, then a block of values into it): the
  // 4-byte counters widen to 8 bytes before the increments.
  QuantileSketch big;
  const std::uint64_t near = (std::uint64_t{1} << 32) - 3;
  big.add_bucket(false, bucket_of(a), near);
  big.add_many(x.data(), x.size(), a, b);  // 500 more of a: past 2^32
  const auto bb = big.buckets(false);
  REQUIRE(bb.size() == 2);
  CHECK(bb[0].second == near + 500);
  CHECK(bb[1].second == 500);
  CHECK(big.count() == near + 1000);
  // And through the general path (a zero in the block) and one value at a time.
  QuantileSketch big2;
  big2.add_bucket(false, bucket_of(a), near);
  std::vector<double> y = {a, a, 0.0, a, a, b};
  big2.add_many(y.data(), y.size());
  big2.add(a);
  CHECK(big2.buckets(false)[0].second == near + 5);
  CHECK(big2.zero_count() == 1);
}

TEST_CASE("narrow counters: the same sketch as 8-byte counters, whatever the order of widening",
          "[sketch][width]") {
  // `wide` has 8-byte counters from the start (a bucket of each sign holding 2^32 values
  // first); `narrow` counts the same values from 2-byte counters up, widening twice, and
  // gets the same two big buckets last. Counts are order-free, so the two must be equal,
  // bucket by bucket, and so must every quantile and merge.
  const std::vector<double> x = mixed_values(150000);
  const std::int32_t kp = bucket_of(2.5), kn = bucket_of(-2.5);
  const std::uint64_t big = std::uint64_t{1} << 32;
  QuantileSketch wide, narrow, one_by_one;
  wide.add_bucket(false, kp, big);
  wide.add_bucket(true, kn, big);
  for (std::size_t i = 0; i < x.size(); i += 256) {
    const std::size_t m = std::min<std::size_t>(256, x.size() - i);
    wide.add_many(x.data() + i, m);
    narrow.add_many(x.data() + i, m);
  }
  for (double v : x) one_by_one.add(v);
  one_by_one.add_bucket(false, kp, big);
  one_by_one.add_bucket(true, kn, big);
  // Before the big buckets: narrow counts equal the one-by-one counts of the plain values.
  QuantileSketch plain;
  plain.add_many(x.data(), x.size());
  for (bool neg : {false, true}) CHECK(plain.buckets(neg) == narrow.buckets(neg));
  narrow.add_bucket(false, kp, big);
  narrow.add_bucket(true, kn, big);
  CHECK(narrow == wide);
  CHECK(one_by_one == wide);
  for (bool neg : {false, true}) CHECK(narrow.buckets(neg) == wide.buckets(neg));
  CHECK(narrow.zero_count() == wide.zero_count());
  for (double q : {0.0, 0.001, 0.25, 0.5, 0.75, 0.999, 1.0}) {
    CHECK(narrow.quantile(q) == wide.quantile(q));
  }
  // Merges across widths, both ways, equal the single sketch of all the values.
  QuantileSketch half1, half2, all;
  half1.add_many(x.data(), 100000);          // 4-byte counters
  half2.add_many(x.data() + 100000, 50000);  // 2-byte counters
  all.add_many(x.data(), x.size());
  QuantileSketch m12 = half1, m21 = half2;
  m12.merge(half2);
  m21.merge(half1);
  CHECK(m12 == all);
  CHECK(m21 == all);
  for (bool neg : {false, true}) CHECK(m21.buckets(neg) == all.buckets(neg));
  CHECK(m21.quantile(0.3) == all.quantile(0.3));
}

TEST_CASE("narrow counters: memory is 2 bytes a bucket until a counter needs more",
          "[sketch][width][memory]") {
  // 1,000 distinct values over ~1,000 buckets (dense: within the 2,048-bucket minimum).
  std::vector<double> x(1000);
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = 100.0 * (1.0 + 2e-4 * static_cast<double>(j));
  QuantileSketch s;
  s.add_many(x.data(), x.size());
  const std::size_t two = s.memory_bytes();
  // 200,000 values, no bucket above 200: the total passes 65,535 three times over, and the
  // counters stay 2 bytes wide (the bound on the largest is brought down to it each time).
  for (int rep = 0; rep < 199; ++rep) s.add_many(x.data(), x.size());
  CHECK(s.memory_bytes() == two);
  // 65,400 more in one of those buckets, through the dense increments (two buckets a
  // block): its counter passes 65,535 and the counters widen to 4 bytes, in place.
  std::vector<double> y(1000);
  for (std::size_t j = 0; j < y.size(); ++j) y[j] = j % 8 == 0 ? x[500] : x[7];
  for (int rep = 0; rep < 75; ++rep) s.add_many(y.data(), y.size());  // 65,625 of x[7]
  const std::size_t four = s.memory_bytes();
  CHECK(four - sizeof(QuantileSketch) == 2 * (two - sizeof(QuantileSketch)));
  const auto bk = s.buckets(false);
  std::uint64_t largest = 0, total = 0;
  for (const auto& [k, c] : bk) {
    largest = std::max(largest, c);
    total += c;
  }
  CHECK(largest == 200 + 75 * 875);
  CHECK(total == 200000 + 75000);
  // The estimate plans by the total (a bound on the largest counter): never below the
  // store's own width.
  CHECK(QuantileSketch::store_bytes(1000, 1000, 1000) == 2 * 1000);
  CHECK(QuantileSketch::store_bytes(71000, 1000, 1000) == 4 * 1000);
  CHECK(QuantileSketch::store_bytes(std::uint64_t{1} << 32, 1000, 1000) == 8 * 1000);
}

TEST_CASE("narrow counters: merging 2-byte stores whose sums pass 65,535 widens first",
          "[sketch][width]") {
  // Two sketches with 40,000 values in one bucket each (2-byte counters, dense) and one
  // built sparse (values far apart for their count): every merge order must give the exact
  // sums, which pass what 2 bytes hold.
  const double a = 7.25, b = 9.75;  // not whole numbers: counted in buckets
  std::vector<double> x(1000);
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = j % 4 == 0 ? b : a;  // 750 a, 250 b
  QuantileSketch s1, s2;
  for (int rep = 0; rep < 54; ++rep) {
    s1.add_many(x.data(), x.size());
    s2.add_many(x.data(), x.size());
  }
  QuantileSketch far;  // sparse: 30,000 of a and one value 10^200 away
  far.add_bucket(false, bucket_of(a), 30000);
  far.add(1e200);
  const std::int32_t ka = bucket_of(a);
  QuantileSketch m1 = s1;  // 40,500 + 40,500 of a: dense into dense
  m1.merge(s2);
  CHECK(m1.buckets(false).front() == std::pair<std::int32_t, std::uint64_t>{ka, 81000});
  QuantileSketch m2 = s1;  // then the sparse one, then the other dense one
  m2.merge(far);
  m2.merge(s2);
  QuantileSketch m3 = far;  // sparse first
  m3.merge(s1);
  m3.merge(s2);
  for (const QuantileSketch* m : {&m2, &m3}) {
    const auto bk = m->buckets(false);
    CHECK(bk.front() == std::pair<std::int32_t, std::uint64_t>{ka, 111000});
    CHECK(bk[1].second == 2 * 54 * 250);
    CHECK(m->count() == 2 * 54000 + 30001);
  }
  CHECK(m2 == m3);
}

TEST_CASE("an expected count lays each store out for it from the first values, counts unchanged",
          "[sketch][width][memory]") {
  // A thread's accumulator is told its share of the job (expect_values): each sign's store
  // is laid out for its projected count from its first block, dense here at once, where the
  // store without the hint stays sparse (sorted inserts) until its count reaches a quarter
  // of its range. Counts, quantiles and merges must be the same throughout.
  const std::vector<double> x = mixed_values(60000);
  QuantileSketch hinted, plain;
  hinted.expect_values(x.size());
  for (std::size_t i = 0; i < x.size(); i += 256) {
    const std::size_t m = std::min<std::size_t>(256, x.size() - i);
    hinted.add_many(x.data() + i, m);
    plain.add_many(x.data() + i, m);
    if (i == 0) {
      // One block of values spread over ~12 orders of magnitude: sparse without the hint
      // (12 bytes an occupied bucket), dense with it (2 bytes a bucket of the range).
      CHECK(hinted.memory_bytes() > 20 * plain.memory_bytes());
    }
    if (i % 12800 == 0) {
      for (bool neg : {false, true}) CHECK(hinted.buckets(neg) == plain.buckets(neg));
    }
  }
  CHECK(hinted == plain);
  CHECK(hinted.zero_count() == plain.zero_count());
  for (double q : {0.0, 0.001, 0.25, 0.5, 0.75, 0.999, 1.0}) {
    CHECK(hinted.quantile(q) == plain.quantile(q));
  }
  // At the end both are dense over the same range (the count caught up with the range).
  CHECK(hinted.memory_bytes() <= plain.memory_bytes() * 5 / 4);
  QuantileSketch m1 = hinted, m2 = plain;
  m1.merge(plain);
  m2.merge(hinted);
  CHECK(m1 == m2);
  // Merging into an empty sketch takes the other's stores over; into a full one, adds them.
  QuantileSketch empty, taken = hinted, again = plain;
  empty.merge(std::move(taken));
  CHECK(empty == plain);
  again.merge(std::move(empty));
  CHECK(again == m1);
  // A sign's projected count is the expected count times its share of the first values:
  // a store that gets few of them (here one negative value in 256) stays sparse, where the
  // whole expected count (400,000 buckets allowed) would lay it out dense over its range.
  std::vector<double> y(256, 50.0);
  for (std::size_t j = 0; j < y.size(); ++j) y[j] *= 1.0 + 1e-3 * static_cast<double>(j);
  y[7] = -1e-6;
  QuantileSketch rare;
  rare.expect_values(100000);
  rare.add_many(y.data(), y.size());
  y[7] = -1e6;  // the negative store's range now spans 12 orders of magnitude
  rare.add_many(y.data(), y.size());
  QuantileSketch rare_plain;
  rare_plain.add_many(y.data(), y.size());
  y[7] = -1e-6;
  rare_plain.add_many(y.data(), y.size());
  CHECK(rare == rare_plain);
  CHECK(rare.memory_bytes() < 64 * 1024);  // dense over the negative range: ~280 KB
}
