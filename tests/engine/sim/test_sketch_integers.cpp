// Tests of the quantile sketch's integer mode (engine/sim/sketch.h): while every value is an
// integer within the span, the values are counted per integer only and the buckets are not
// filled; the value that ends exactness moves the counts into the buckets. Every bucket,
// zero count, count, quantile and merge must equal those of a sketch that put each value in
// its bucket as it came (one with exactness dropped before its first value).
#include <cmath>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/random/stream.h"
#include "engine/sim/sketch.h"

using namespace plancast;

namespace {

constexpr std::uint64_t kSeed = 20261202;  // fixed seed

/// n Poisson-like counts around `mean` (whole numbers, some 0 and, with `negative`, some
/// below 0).
std::vector<double> counts(std::size_t n, double mean, bool negative, std::uint64_t stream) {
  const Stream st(kSeed, stream);
  std::vector<double> x;
  x.reserve(n);
  for (std::uint64_t r = 0; x.size() < n; ++r) {
    const Uniform4 u = st.uniforms(r, 0, 0);
    double v = std::round(mean + std::sqrt(mean) * normal_from(u.u[0], u.u[1]));
    if (v < 0 && !negative) v = 0;
    x.push_back(v);
  }
  return x;
}

/// A sketch that fills its buckets from the first value (no integer counts).
QuantileSketch buckets_only() {
  QuantileSketch s;
  s.set_integer_exact(false);
  return s;
}

void check_same(const QuantileSketch& a, const QuantileSketch& b) {
  CHECK(a.count() == b.count());
  CHECK(a.zero_count() == b.zero_count());
  for (const bool negative : {false, true}) CHECK(a.buckets(negative) == b.buckets(negative));
}

}  // namespace

TEST_CASE(
    "integer mode: the buckets a sketch reports are those its values fill, before and "
    "after exactness ends",
    "[sketch]") {
  const std::vector<double> x = counts(20000, 300, true, 1);
  QuantileSketch exact;
  QuantileSketch plain = buckets_only();
  exact.add_many(x.data(), x.size());
  plain.add_many(x.data(), x.size());
  REQUIRE(exact.integer_exact());
  check_same(exact, plain);
  // Counted once, as integers: no bucket store is filled (a store over this range would
  // hold at least its 2-byte counters).
  CHECK(exact.memory_bytes() < plain.memory_bytes());
  for (const double q : {0.0, 0.05, 0.5, 0.95, 1.0}) {
    CHECK(exact.quantile(q) == std::round(exact.quantile(q)));  // exact order statistics
  }
  // A fraction ends exactness: the counts move into the buckets, and the sketch is then the
  // bucket-only one, quantile for quantile.
  const double frac[] = {12.5, -3.25, 0.0};
  exact.add_many(frac, 3);
  plain.add_many(frac, 3);
  REQUIRE_FALSE(exact.integer_exact());
  check_same(exact, plain);
  CHECK(exact == plain);
  for (const double q : {0.0, 0.01, 0.3, 0.5, 0.99, 1.0})
    CHECK(exact.quantile(q) == plain.quantile(q));
}

TEST_CASE("integer mode: one value at a time, a range beyond the span, and every merge",
          "[sketch]") {
  const std::vector<double> a = counts(5000, 40, false, 2), b = counts(5000, 9000, true, 3);
  // add() one by one, as add_many.
  QuantileSketch one, many;
  for (const double v : a) one.add(v);
  many.add_many(a.data(), a.size());
  CHECK(one == many);
  check_same(one, many);
  // Values farther apart than the span end exactness as a fraction does.
  QuantileSketch wide, wide_plain = buckets_only();
  const double far[] = {1.0, static_cast<double>(QuantileSketch::kMaxIntegerSpan) + 500.0};
  wide.add_many(a.data(), a.size());
  wide.add_many(far, 2);
  wide_plain.add_many(a.data(), a.size());
  wide_plain.add_many(far, 2);
  CHECK_FALSE(wide.integer_exact());
  check_same(wide, wide_plain);
  // Merges of every kind of pair: both exact, exact into buckets, buckets into exact, and two
  // exact ones whose union exceeds the span; each equals the bucket-only merge.
  auto sketch_of = [](const std::vector<double>& v, bool exact) {
    QuantileSketch s = exact ? QuantileSketch() : buckets_only();
    s.add_many(v.data(), v.size());
    return s;
  };
  QuantileSketch reference = buckets_only();
  reference.add_many(a.data(), a.size());
  reference.add_many(b.data(), b.size());
  for (const bool left : {true, false}) {
    for (const bool right : {true, false}) {
      INFO("left exact " << left << ", right exact " << right);
      QuantileSketch m = sketch_of(a, left);
      m.merge(sketch_of(b, right));
      CHECK(m.integer_exact() == (left && right));
      check_same(m, reference);
      for (const double q : {0.02, 0.5, 0.98}) {
        if (!m.integer_exact()) CHECK(m.quantile(q) == reference.quantile(q));
      }
    }
  }
  QuantileSketch span_a = sketch_of(a, true), span_b;
  span_b.add_many(far + 1, 1);
  span_a.merge(span_b);
  QuantileSketch span_ref = buckets_only();
  span_ref.add_many(a.data(), a.size());
  span_ref.add_many(far + 1, 1);
  CHECK_FALSE(span_a.integer_exact());
  check_same(span_a, span_ref);
  CHECK(span_a == span_ref);
}

TEST_CASE("integer mode: a block of one value counts as that many of it", "[sketch]") {
  // add_many(x, n, lo, hi) with lo == hi (a base year, a constant series) counts the value
  // once, n times over, without reading the block: the same sketch as value by value, for an
  // integer, a fraction (which ends exactness), and an integer beyond the span.
  for (const double v : {130.0, 2.5, 7.0e6}) {
    INFO("v " << v);
    QuantileSketch block, one_by_one, plain = buckets_only();
    one_by_one.add(3.0);  // a first integer, so that 7e6 passes the span
    block.add(3.0);
    plain.add(3.0);
    const std::vector<double> x(256, v);
    for (int rep = 0; rep < 3; ++rep) {
      block.add_many(x.data(), x.size(), v, v);
      for (const double y : x) one_by_one.add(y);
      plain.add_many(x.data(), x.size());
    }
    CHECK(block.integer_exact() == one_by_one.integer_exact());
    CHECK(block.integer_exact() == (v == 130.0));
    CHECK(block == one_by_one);
    check_same(block, plain);
    CHECK(block.integer_counts() == one_by_one.integer_counts());
    CHECK(block.quantile(0.5) == one_by_one.quantile(0.5));
  }
}

TEST_CASE("integer mode: whole numbers are recognised at every magnitude and place", "[sketch]") {
  // add_integers decides "every value a whole number below 2^53" by rounding with
  // 1.5 · 2^52 where |v| < 2^51 and by trunc beyond: each block's verdict must be the
  // definition's, wherever in the block (a vector step's lanes, the tail) the odd value is.
  const double p51 = 0x1p51, p52 = 0x1p52, p53 = 0x1p53;
  struct Case {
    double base, odd;
  };
  const Case cases[] = {{3.0, 0.5},           {3.0, 1e-300},        {3.0, -0.0},
                        {-7.0, -2.5},         {p51 - 8, p51 - 0.5}, {p51 - 8, p51},
                        {p51, p51 + 0.5},     {p52, p52 + 3},       {-p52, -p52 + 1},
                        {p53 - 9, p53 - 1},   {p53 - 9, p53},       {-p53 + 9, -p53},
                        {p52 + 1, p52 - 0.5}, {12.0, 13.0},         {-p51 + 2, -p51 + 1.5}};
  const auto whole = [](double v) { return std::trunc(v) == v && std::fabs(v) < 0x1p53; };
  for (const Case& c : cases) {
    for (std::size_t at = 0; at < 37; ++at) {
      INFO("base " << c.base << ", odd " << c.odd << " at " << at);
      std::vector<double> x(37, c.base);
      x[at] = c.odd;
      QuantileSketch s;
      s.add_many(x.data(), x.size());
      CHECK(s.integer_exact() == (whole(c.base) && whole(c.odd)));
      QuantileSketch plain = buckets_only();
      plain.add_many(x.data(), x.size());
      check_same(s, plain);
    }
  }
}
