// The SIMD kernels across runs (engine/random/philox_lanes.h) give the same bits as the
// scalar Random123 Philox4x64-10 and ziggurat_normal() on every instruction set compiled into
// the binary that this CPU runs (AVX-512, AVX2, SSE4, SSSE3 and the portable EMU128 on x86),
// and a whole run's JSON is byte-identical whichever the dispatch picks.
#include <catch2/catch.hpp>

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "engine/cli/cli.h"
#include "engine/random/philox_lanes.h"
#include "engine/random/stream.h"
#include "engine/random/ziggurat.h"
#include "models/firm_draws.h"
#include "models/firm_population.h"
#include "tests/support/cli.h"

namespace {

using namespace plancast;

/// Runs f once per compiled and supported target, forced, then restores the dispatch.
template <class F>
void for_each_target(F&& f) {
  const std::vector<std::int64_t> targets = random_lanes_targets();
  REQUIRE(!targets.empty());
  for (const std::int64_t t : targets) {
    force_random_lanes_target(t);
    INFO("target " << random_lanes_target_name(t));
    CHECK(std::string(random_lanes_target()) == random_lanes_target_name(t));
    f();
  }
  force_random_lanes_target(0);
}

/// out holds, for j < n, word l of Random123's Philox4x64-10 at counter(j) (keyed k0, k1)
/// at out[l * stride + j], and its unused tail (j from n to stride) still the fill value.
template <class Counter>
void check_words(const std::vector<std::uint64_t>& out, std::size_t n, std::size_t stride,
                 std::uint64_t k0, std::uint64_t k1, const Counter& counter) {
  const r123::Philox4x64 philox;
  for (std::size_t j = 0; j < n; ++j) {
    const auto w = philox(counter(j), {{k0, k1}});
    for (std::size_t l = 0; l < 4; ++l) REQUIRE(out[l * stride + j] == w.v[l]);
  }
  for (std::size_t l = 0; l < 4; ++l) {
    for (std::size_t j = n; j < stride; ++j) REQUIRE(out[l * stride + j] == 0xdeadbeefULL);
  }
}

/// The same for words stored side by side: counter j's word l at out[4j + l], every entry
/// past the n counters' still 0xdeadbeef.
template <class Counter>
void check_side_by_side(const std::vector<std::uint64_t>& out, std::size_t n, std::uint64_t k0,
                        std::uint64_t k1, const Counter& counter) {
  const r123::Philox4x64 philox;
  for (std::size_t j = 0; j < n; ++j) {
    const auto w = philox(counter(j), {{k0, k1}});
    for (std::size_t l = 0; l < 4; ++l) REQUIRE(out[4 * j + l] == w.v[l]);
  }
  for (std::size_t i = 4 * n; i < out.size(); ++i) REQUIRE(out[i] == 0xdeadbeefULL);
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

/// Words that exercise every branch of the ziggurat: Philox words, plus words in layer 0
/// (the tail), at the edge of a rectangle, and with every bit set or clear.
std::vector<std::uint64_t> ziggurat_words(std::size_t n) {
  std::vector<std::uint64_t> r(n);
  const Stream s(99, 0x1234);
  s.words_runs(0, n / 4, 7, 0, 3, r.data(), n / 4);
  for (std::size_t i = 0; i < 256 && 4 * i + 3 < n; ++i) {
    const std::uint64_t k = kZiggurat.k[i];
    r[4 * i] = (k << 9) | i;                                  // exactly at the limit: rejected
    r[4 * i + 1] = ((k - (k > 0 ? 1 : 0)) << 9) | 0x100 | i;  // just inside, negative
    r[4 * i + 2] = i;                                         // zero uniform, positive
    r[4 * i + 3] = ~std::uint64_t{0xff} | i;                  // top uniform, negative
  }
  return r;
}

}  // namespace

TEST_CASE("the dispatch picks the best compiled target this CPU runs", "[random][lanes]") {
  const std::vector<std::int64_t> targets = random_lanes_targets();
  REQUIRE(!targets.empty());
  // Highway's target bits are smaller for better targets; the list is in bit order.
  CHECK(std::string(random_lanes_target()) == random_lanes_target_name(targets.front()));
}

TEST_CASE("Philox across runs equals Random123's Philox4x64-10 on every target",
          "[random][lanes]") {
  const std::uint64_t key0 = 0x0123456789abcdefULL, key1 = 0xfedcba9876543210ULL;
  const Stream stream(key0, key1);
  const r123::Philox4x64 philox;
  for_each_target([&] {
    for (const std::size_t n : {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 64, 100, 256}) {
      for (const std::uint64_t c0 :
           {std::uint64_t{0}, std::uint64_t{12345}, ~std::uint64_t{0} - 6}) {
        const std::size_t stride = n + 3;
        std::vector<std::uint64_t> out(4 * stride, 0xdeadbeefULL);
        stream.words_runs(c0, n, 0xffffffff00000001ULL, 3, 1, out.data(), stride);
        for (std::size_t j = 0; j < n; ++j) {
          const auto w = philox({{c0 + j, 0xffffffff00000001ULL, 3, 1}}, {{key0, key1}});
          for (std::size_t l = 0; l < 4; ++l) REQUIRE(out[l * stride + j] == w.v[l]);
        }
        // Nothing past run n is written.
        for (std::size_t l = 0; l < 4; ++l) {
          for (std::size_t j = n; j < stride; ++j) REQUIRE(out[l * stride + j] == 0xdeadbeefULL);
        }
      }
    }
  });
}

TEST_CASE("Philox along the draw word (a run's firms) equals Random123's on every target",
          "[random][lanes]") {
  const std::uint64_t key0 = 0x0123456789abcdefULL, key1 = 0xfedcba9876543210ULL;
  const Stream stream(key0, key1);
  for_each_target([&] {
    for (const std::size_t n : {1, 2, 3, 5, 8, 9, 17, 64, 100}) {
      for (const std::uint64_t c2 : {std::uint64_t{0}, std::uint64_t{64}, ~std::uint64_t{0} - 6}) {
        const std::size_t stride = n + 3;
        std::vector<std::uint64_t> out(4 * stride, 0xdeadbeefULL);
        stream.words_draws(77, 0x500000003ULL, c2, n, 1, out.data(), stride);
        check_words(out, n, stride, key0, key1, [&](std::size_t j) {
          return r123::Philox4x64::ctr_type{{77, 0x500000003ULL, c2 + j, 1}};
        });
      }
    }
  });
}

TEST_CASE("the firms' noise in lanes equals one ziggurat_normal per firm on every target",
          "[random][lanes][firm_population]") {
  // The scalar definition (models/firm_draws.h): firm i's normal from word i % 4 of counter
  // (run, year, i / 4, 1), its extra words from (run, year·2^32 + i, k, 2).
  const Stream noise(31337, 0x77);
  const std::uint64_t run = 123456;
  const std::uint32_t year = 9;
  for_each_target([&] {
    for (const std::size_t n : {0, 1, 3, 4, 5, 255, 256, 257, 1023, 6000}) {
      std::vector<double> lanes(n), scalar(n);
      for (std::size_t i = 0; i < n; ++i) lanes[i] = scalar[i] = 10.0 + 0.001 * i;
      firm_detail::add_noise(lanes.data(), n, 0.05, 0.3, noise, run, year);
      std::size_t slow = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const Words4 w = noise.words(run, year, i / 4, firm_detail::kFirmNoise);
        const std::uint64_t r = w.w[i % 4];
        slow += ziggurat_in_rectangle(r) ? 0 : 1;
        WordSequence extra(noise, run, (std::uint64_t{year} << 32) | i, firm_detail::kFirmExtra);
        scalar[i] += 0.05 + 0.3 * ziggurat_normal(r, extra);
      }
      if (n == 6000) CHECK(slow > 10);  // the slow path is exercised
      CHECK(same_bits(lanes, scalar));
    }
  });
}

TEST_CASE("Philox for a list of counters equals Random123's on every target", "[random][lanes]") {
  const std::uint64_t key0 = 0x0123456789abcdefULL, key1 = 0xfedcba9876543210ULL;
  const Stream stream(key0, key1);
  for_each_target([&] {
    for (const std::size_t n : {1, 2, 7, 8, 9, 31, 32, 33, 100}) {
      std::vector<std::uint64_t> c0(n + kListPad), c2(n + kListPad);
      for (std::size_t j = 0; j < n; ++j) {
        c0[j] = 1000 + j / 5;  // runs of five groups each
        c2[j] = j % 5;
      }
      const std::size_t stride = n + 3;
      std::vector<std::uint64_t> out(4 * stride, 0xdeadbeefULL);
      stream.words_list(c0.data(), 7, c2.data(), 1, n, out.data(), stride);
      check_words(out, n, stride, key0, key1, [&](std::size_t j) {
        return r123::Philox4x64::ctr_type{{c0[j], 7, c2[j], 1}};
      });
      // Stride 0: each counter's four words side by side, nothing written past them.
      std::vector<std::uint64_t> side(4 * n + 5, 0xdeadbeefULL);
      stream.words_list(c0.data(), 7, c2.data(), 1, n, side.data(), 0);
      check_side_by_side(side, n, key0, key1, [&](std::size_t j) {
        return r123::Philox4x64::ctr_type{{c0[j], 7, c2[j], 1}};
      });
    }
  });
}

TEST_CASE("Philox for pairs of counter words equals Random123's on every target",
          "[random][lanes]") {
  // philox_words_pairs (the firms' slow normals' first further words): (c0[j], c1[j], c2, c3),
  // each counter's words side by side, nothing written past the last.
  const std::uint64_t key0 = 0x0123456789abcdefULL, key1 = 0xfedcba9876543210ULL;
  const Stream stream(key0, key1);
  for_each_target([&] {
    for (const std::size_t n : {0, 1, 7, 8, 9, 17, 31, 32, 33, 100}) {
      std::vector<std::uint64_t> c0(n + kListPad), c1(n + kListPad);
      for (std::size_t j = 0; j < n; ++j) {
        c0[j] = 500 + j / 3;
        c1[j] = (std::uint64_t{4} << 32) | (j * 7);
      }
      std::vector<std::uint64_t> out(4 * n + 5, 0xdeadbeefULL);
      stream.words_pairs(c0.data(), c1.data(), 0, 2, n, out.data());
      check_side_by_side(out, n, key0, key1, [&](std::size_t j) {
        return r123::Philox4x64::ctr_type{{c0[j], c1[j], 0, 2}};
      });
    }
  });
}

TEST_CASE("a word sequence started at its k-th call continues the whole one", "[random]") {
  const Stream stream(77, 88);
  WordSequence whole(stream, 5, 6, 2), after_one(stream, 5, 6, 2, 1), after_two(stream, 5, 6, 2, 2);
  std::vector<std::uint64_t> w(12);
  for (auto& x : w) x = whole();
  for (std::size_t i = 4; i < 12; ++i) CHECK(after_one() == w[i]);
  for (std::size_t i = 8; i < 12; ++i) CHECK(after_two() == w[i]);
}

TEST_CASE("the firms' noise of many runs at once equals add_noise run by run on every target",
          "[random][lanes][firm_population]") {
  // Runs of every size: none, fewer than a group, below and above add_noise's lanes
  // threshold, one that fills the batch past its capacity (a flush in between), and one with
  // more groups than a batch holds (drawn on its own).
  const Stream noise(31337, 0x78);
  const std::uint32_t year = 4;
  const std::vector<std::size_t> sizes = {0, 1, 3, 47, 48, 300, 4000, 5000, 9000, 2};
  for_each_target([&] {
    std::vector<std::vector<double>> batched, alone;
    for (std::size_t r = 0; r < sizes.size(); ++r) {
      std::vector<double> v(sizes[r]);
      for (std::size_t i = 0; i < v.size(); ++i) v[i] = 10.0 + 0.001 * static_cast<double>(i + r);
      batched.push_back(v);
      alone.push_back(v);
    }
    firm_detail::NoiseBatch batch;
    for (std::size_t r = 0; r < sizes.size(); ++r) {
      const double d = 0.01 * static_cast<double>(r), sigma = 0.2 + 0.01 * static_cast<double>(r);
      if (!batch.fits(sizes[r])) batch.flush(noise, year);
      batch.queue(batched[r].data(), sizes[r], d, sigma, 500 + r);
      firm_detail::add_noise(alone[r].data(), sizes[r], d, sigma, noise, 500 + r, year);
    }
    batch.flush(noise, year);
    for (std::size_t r = 0; r < sizes.size(); ++r) {
      INFO("run of " << sizes[r] << " firms");
      CHECK(same_bits(batched[r], alone[r]));
    }
  });
}

TEST_CASE("the noise batch counts each run's firms at or above its thresholds after the noise",
          "[random][lanes][firm_population]") {
  // One, two (counted in the pass that adds the noise) and three thresholds (the third after
  // it), on every instruction set, runs of every size, one too large for a batch (drawn on its
  // own), a firm at NaN and one at -inf: each count must be count_at_least's on the run's updated
  // firms, and the firms the same bits as a batch without counts.
  const Stream noise(4242, 0x79);
  const std::uint32_t year = 6;
  const std::vector<std::size_t> sizes = {0, 1, 5, 48, 301, 9000, 3};
  for_each_target([&] {
    for (const std::vector<double>& t :
         {std::vector<double>{2.31}, std::vector<double>{2.30, 2.32}, {2.29, 2.30, 2.35}}) {
      INFO(t.size() << " thresholds");
      std::vector<std::vector<double>> counted, plain;
      for (std::size_t r = 0; r < sizes.size(); ++r) {
        std::vector<double> v(sizes[r]);
        for (std::size_t i = 0; i < v.size(); ++i) {  // 2.25 ... 2.35, every group and tail
          v[i] = 2.25 + 0.001 * static_cast<double>((i * 37) % 101);
        }
        if (v.size() > 4) {
          v[1] = std::nan("");
          v[3] = -HUGE_VAL;
        }
        counted.push_back(v);
        plain.push_back(v);
      }
      std::vector<std::uint32_t> counts(sizes.size() * t.size(), 12345);
      firm_detail::NoiseBatch batch(t.data(), t.size()), reference;
      for (std::size_t r = 0; r < sizes.size(); ++r) {
        if (!batch.fits(sizes[r])) batch.flush(noise, year);
        if (!reference.fits(sizes[r])) reference.flush(noise, year);
        batch.queue(counted[r].data(), sizes[r], 0.001, 0.01, 700 + r,
                    counts.data() + r * t.size());
        reference.queue(plain[r].data(), sizes[r], 0.001, 0.01, 700 + r);
      }
      batch.flush(noise, year);
      reference.flush(noise, year);
      for (std::size_t r = 0; r < sizes.size(); ++r) {
        INFO("run of " << sizes[r] << " firms");
        CHECK(same_bits(counted[r], plain[r]));
        for (std::size_t k = 0; k < t.size(); ++k) {
          CHECK(counts[r * t.size() + k] == count_at_least(plain[r].data(), sizes[r], t[k]));
        }
      }
      // The counts are not trivial: some firms on each side of each threshold.
      CHECK(counts[4 * t.size()] > 0);
      CHECK(counts[4 * t.size()] < 300);
    }
  });
}

TEST_CASE("the firms' entrants of a block at once equal poisson() run by run", "[random][lanes]") {
  // Means across inversion and PTRS (where about one first pair in six is rejected and the
  // draw continues from its further words), zero, and one above the cap.
  const Stream entry(2026, 0x79);
  constexpr std::size_t n = 256;
  std::vector<double> lambda(n);
  for (std::size_t j = 0; j < n; ++j) lambda[j] = j % 3 == 0 ? 3.5 : 30.0 * std::pow(1.03, j % 120);
  lambda[7] = 0;
  lambda[8] = 2.0 * static_cast<double>(kMaxFirmsPerRun);
  firm_detail::EntrantDraws draws(n);
  std::vector<std::uint64_t> got(n);
  for (const std::uint32_t year : {1u, 9u}) {
    draws.draw(lambda.data(), n, entry, 512, year, got.data());
    for (std::size_t j = 0; j < n; ++j) {
      INFO("run " << j << ", mean " << lambda[j]);
      const std::uint64_t want =
          j == 8 ? kMaxFirmsPerRun + 1 : firm_detail::poisson(lambda[j], entry, 512 + j, year);
      REQUIRE(got[j] == want);
    }
  }
}

TEST_CASE("the ziggurat across runs equals ziggurat_normal on every target", "[random][lanes]") {
  const std::size_t n = 1 << 14;
  const std::vector<std::uint64_t> r = ziggurat_words(n);
  const Stream extra(5, 6);
  std::vector<double> scalar(n);
  std::size_t rejected = 0;
  for (std::size_t i = 0; i < n; ++i) {
    scalar[i] = ziggurat_normal(r[i], WordSequence(extra, i, 0, 2));
    rejected += ziggurat_in_rectangle(r[i]) ? 0 : 1;
  }
  REQUIRE(rejected > 300);  // the crafted words reach the slow path in every layer
  for_each_target([&] {
    for (const std::size_t m : {n, std::size_t{1}, std::size_t{7}, std::size_t{61}}) {
      std::vector<double> lanes(m);
      std::vector<std::uint32_t> slow(m);
      const std::size_t k = ziggurat_normals_lanes(r.data(), m, lanes.data(), slow.data());
      std::size_t expected_k = 0;
      for (std::size_t i = 0; i < m; ++i) {
        if (!ziggurat_in_rectangle(r[i])) REQUIRE(slow[expected_k++] == i);
      }
      REQUIRE(k == expected_k);
      for (std::size_t s = 0; s < k; ++s) {
        lanes[slow[s]] = ziggurat_normal_slow(r[slow[s]], WordSequence(extra, slow[s], 0, 2));
      }
      CHECK(same_bits(lanes, std::vector<double>(scalar.begin(), scalar.begin() + m)));
    }
  });
}

TEST_CASE("a whole run's JSON is byte-identical on every target", "[random][lanes][golden]") {
  for (const char* scenario : {"bench/scenarios/growth12.yaml", "scenarios/jiaxing.yaml"}) {
    INFO(scenario);
    const std::vector<std::string> args = {std::string(PLANCAST_SOURCE_DIR) + "/" + scenario,
                                           "--runs",
                                           "1500",
                                           "--threads",
                                           "2",
                                           "--quiet",
                                           "--json",
                                           "-"};
    const test::CliResult best = test::call(cli_run, args);
    REQUIRE(best.code == 0);
    REQUIRE(best.out.size() > 1000);
    for_each_target([&] {
      const test::CliResult forced = test::call(cli_run, args);
      REQUIRE(forced.code == 0);
      CHECK(forced.out == best.out);
    });
  }
}
