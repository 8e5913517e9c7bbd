// SharedNormals (engine/random/shared_normals.h) and the firms' noise batch reading it: the
// normals one scenario drew, kept for a block-year, give another scenario's firms the same
// bits as drawing them again, and only the firms the table does not know are drawn. And
// SharedWords (shared_words.h): the block's Philox words another scenario drew.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/random/philox_lanes.h"
#include "engine/random/shared_normals.h"
#include "engine/random/shared_words.h"
#include "engine/random/stream.h"
#include "models/firm_draws.h"
#include "models/firm_population.h"

using namespace plancast;

namespace {

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

constexpr std::uint64_t kSeed = 777, kStream = 0x91, kFirst = 512;
constexpr std::uint32_t kYear = 3;

/// Starting log sizes of a run's firms, around the thresholds of the tests.
std::vector<double> firms(std::size_t n, std::size_t r) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = 2.25 + 0.001 * static_cast<double>((i * 37 + r) % 101);
  return v;
}

/// One scenario's year of noise for runs kFirst + r of the given sizes: through a batch with
/// `table` (nullptr: none) and thresholds {2.28, 2.31, 2.34}; the firms after it and their
/// counts.
struct Year {
  std::vector<std::vector<double>> firms;
  std::vector<std::uint32_t> counts;
};
Year noise_year(const std::vector<std::size_t>& sizes, double d, double sigma,
                SharedNormals::Table* table) {
  const Stream noise(kSeed, kStream);
  const std::vector<double> t = {2.28, 2.31, 2.34};
  Year y;
  y.counts.assign(sizes.size() * t.size(), 0);
  for (std::size_t r = 0; r < sizes.size(); ++r) y.firms.push_back(firms(sizes[r], r));
  firm_detail::NoiseBatch batch(t.data(), t.size());
  batch.share(table);
  for (std::size_t r = 0; r < sizes.size(); ++r) {
    if (!batch.fits(sizes[r])) batch.flush(noise, kYear);
    batch.queue(y.firms[r].data(), sizes[r], d, sigma, kFirst + r, y.counts.data() + r * t.size());
  }
  batch.flush(noise, kYear);
  return y;
}

}  // namespace

TEST_CASE("firms whose normals another scenario kept get the same bits as drawing them",
          "[shared_normals][firm_population]") {
  // Three scenarios in turn on one block-year: the second has fewer, as many and more firms
  // per run than the first (a known partial group is drawn again whole), the third more
  // still; a run with more groups than a batch holds is drawn on its own and not kept.
  const std::vector<std::vector<std::size_t>> sizes = {{0, 1, 5, 48, 301, 9000, 3, 6, 200, 2100},
                                                       {2, 1, 9, 40, 305, 9000, 7, 0, 200, 2200},
                                                       {5, 1, 12, 48, 500, 9100, 8, 6, 100, 2300}};
  SharedNormals shared;
  std::vector<std::size_t> most(sizes[0].size(), 0);
  for (std::size_t s = 0; s < sizes.size(); ++s) {
    INFO("scenario " << s);
    const double d = 0.002 * static_cast<double>(s + 1), sigma = 0.01 * static_cast<double>(s + 1);
    SharedNormals::Table* table = shared.table(kSeed, kStream, kFirst, kYear, sizes[s].size());
    REQUIRE(table != nullptr);
    const Year with = noise_year(sizes[s], d, sigma, table);
    const Year alone = noise_year(sizes[s], d, sigma, nullptr);
    for (std::size_t r = 0; r < sizes[s].size(); ++r) {
      INFO("run of " << sizes[s][r] << " firms");
      CHECK(same_bits(with.firms[r], alone.firms[r]));
      // What the table knows: every firm any scenario drew in the batch so far.
      if (sizes[s][r] <= 4 * firm_detail::NoiseBatch::kMaxGroups) {
        most[r] = std::max(most[r], sizes[s][r]);
      }
      CHECK(table->known(r) == most[r]);
    }
    CHECK(with.counts == alone.counts);
    CHECK(with.counts[4 * 3] > 0);  // run of ~300 firms: some at or above the first threshold
  }
}

TEST_CASE("the noise batch reads a run's known normals from the table, drawing the rest",
          "[shared_normals][firm_population]") {
  // A table that "knows" five normals of run 0, all zero: its first whole group of four
  // takes them (firm i gets d alone), the fifth firm's group is drawn again whole.
  const std::size_t n = 9;
  SharedNormals shared;
  SharedNormals::Table* table = shared.table(kSeed, kStream, kFirst, kYear, 1);
  const std::vector<double> zeros(5, 0.0);
  table->keep(0, zeros.data(), 0, 5);
  REQUIRE(table->known(0) == 5);
  const double d = 0.01, sigma = 0.2;
  const Year with = noise_year({n}, d, sigma, table);
  const Year alone = noise_year({n}, d, sigma, nullptr);
  const std::vector<double> start = firms(n, 0);
  for (std::size_t i = 0; i < 4; ++i) CHECK(with.firms[0][i] == start[i] + (d + sigma * 0.0));
  for (std::size_t i = 4; i < n; ++i) CHECK(with.firms[0][i] == alone.firms[0][i]);
  // The drawn firms past the known five are kept (the normals themselves: add_noise with
  // d = 0 and sigma = 1 on zeros gives them exactly); the fifth's stays as it was.
  std::vector<double> z(n, 0.0);
  firm_detail::add_noise(z.data(), n, 0.0, 1.0, Stream(kSeed, kStream), kFirst, kYear);
  CHECK(table->known(0) == n);
  CHECK(table->values(0)[4] == 0.0);
  for (std::size_t i = 5; i < n; ++i) CHECK(table->values(0)[i] == z[i]);
}

TEST_CASE("a shared table is one stream's block-year, within the budget", "[shared_normals]") {
  SharedNormals shared(16);
  SharedNormals::Table* a = shared.table(1, 2, 256, 4, 8);
  const std::vector<double> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  a->keep(0, v.data(), 0, 6);
  a->keep(1, v.data(), 1, 3);  // not from what it knows (0): nothing kept
  CHECK(a->known(0) == 6);
  CHECK(a->known(1) == 0);
  a->keep(0, v.data() + 6, 6, 8);
  CHECK(a->known(0) == 8);
  CHECK(a->values(0)[7] == 8);
  // Over the budget of 16 values: a second row of 12 is not kept.
  a->keep(2, v.data(), 0, 12);
  CHECK(a->known(2) == 0);
  // The same block-year finds what it knew; another year or block starts empty.
  CHECK(shared.table(1, 2, 256, 4, 8) == a);
  CHECK(a->known(0) == 8);
  CHECK(shared.table(1, 2, 256, 5, 8) == a);
  CHECK(a->known(0) == 0);
  a->keep(0, v.data(), 0, 2);
  CHECK(shared.table(1, 2, 512, 5, 8)->known(0) == 0);
  // Another stream or seed: another table, up to kMaxStreams of them.
  SharedNormals::Table* b = shared.table(1, 3, 512, 5, 8);
  CHECK(b != a);
  CHECK(shared.table(9, 2, 512, 5, 8) != a);
  for (std::uint64_t s = 10; s < 10 + SharedNormals::kMaxStreams - 3; ++s) {
    CHECK(shared.table(1, s, 512, 5, 8) != nullptr);
  }
  CHECK(shared.table(1, 99, 512, 5, 8) == nullptr);
  CHECK(shared.table(1, 3, 512, 5, 8) == b);
}

TEST_CASE("words kept by a SharedWords in use are the words drawn, in any stride",
          "[shared_words]") {
  const std::uint64_t key[2] = {31, 0x42};
  auto drawn = [&](std::uint64_t c0, std::size_t n, std::uint64_t c1, std::size_t stride) {
    std::vector<std::uint64_t> w(4 * stride, 0xdeadbeefULL);
    philox_words_lanes(key, c0, n, c1, 5, 0, w.data(), stride);
    return w;
  };
  const std::vector<std::uint64_t> a = drawn(256, 200, 3, 256), b = drawn(256, 64, 3, 64);
  SharedWords shared(1200);  // room for one call of 200 counters (800 words), not two
  {
    const SharedWords::Use use(shared);
    CHECK(SharedWords::active() == &shared);
    CHECK(drawn(256, 200, 3, 256) == a);  // drawn and kept
    CHECK(drawn(256, 200, 3, 256) == a);  // found
    CHECK(drawn(256, 64, 3, 64) == b);    // other counters: drawn, over the budget
    CHECK(drawn(256, 64, 3, 64) == b);
    {
      SharedWords inner;
      const SharedWords::Use nested(inner);
      CHECK(SharedWords::active() == &inner);
    }
    CHECK(SharedWords::active() == &shared);
    // A kept call copied out in another stride: the same words, the tail untouched.
    std::vector<std::uint64_t> wide(4 * 300, 0xdeadbeefULL);
    philox_words_lanes(key, 256, 200, 3, 5, 0, wide.data(), 300);
    for (std::size_t l = 0; l < 4; ++l) {
      for (std::size_t j = 0; j < 300; ++j) {
        CHECK(wide[l * 300 + j] == (j < 200 ? a[l * 256 + j] : 0xdeadbeefULL));
      }
    }
    // What makes a call: the key and every counter word; a poisoned kept call shows reads.
    shared.clear();
    std::vector<std::uint64_t> fake(4 * 8, 7);
    shared.words(key, 256, 8, 3, 5, 0, fake.data(), 8, [](std::uint64_t*) {});
    std::vector<std::uint64_t> read(4 * 8, 0);
    philox_words_lanes(key, 256, 8, 3, 5, 0, read.data(), 8);
    CHECK(read == fake);
    philox_words_lanes(key, 256, 8, 4, 5, 0, read.data(), 8);
    CHECK(read != fake);
  }
  CHECK(SharedWords::active() == nullptr);
  CHECK(drawn(256, 200, 3, 256) == a);
}
