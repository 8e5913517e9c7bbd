// The floor kernel of docs/performance.md: the benchmark model (bench/scenarios/growth12.yaml)
// as a bare C++ loop: the same random draws as `plancast run` (the parameters' uniforms
// from Philox4x64-10 and plancast's Φ⁻¹; each indicator's noise normals four years per
// Philox call by plancast's ziggurat, with the same counters and the same SIMD kernels over
// 64 runs at a time), the Gaussian copula by Cholesky and the growth multiplications; no
// sketches, no formulas, no targets, no bookkeeping. What plancast costs above this is the price of
// its generality and summaries. Usage: plancast_floor RUNS THREADS  (prints "checksum <sum of final
// values>" and the time)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "engine/random/normal_quantile.h"
#include "engine/random/philox_lanes.h"
#include "engine/random/stream.h"
#include "engine/random/ziggurat.h"

namespace {

using namespace plancast;

constexpr int kK = 12;      // growth indicators
constexpr int kYears = 15;  // 2021..2035
constexpr std::uint64_t kSeed = 12345;
constexpr double kSd = 0.03, kPhi = 0.3;

struct Model {
  double mean[kK], base[kK], lower[kK][kK] = {};
  std::uint32_t stream[kK];
  Model() {
    for (int k = 0; k < kK; ++k) {
      mean[k] = 0.03 + 0.005 * k;
      base[k] = 100.0 + 10.0 * k;
      std::string name = "g";  // built step by step: g++ 12 -O3 warns on "g" + string&&
      name += std::to_string(k);
      stream[k] = stream_id_for(name);
    }
    // Cholesky factor of the correlation matrix (t0-t1 0.6, t0-t2 0.3, t1-t2 0.4, t3-t4 -0.2).
    double c[kK][kK] = {};
    for (int k = 0; k < kK; ++k) c[k][k] = 1.0;
    c[0][1] = c[1][0] = 0.6;
    c[0][2] = c[2][0] = 0.3;
    c[1][2] = c[2][1] = 0.4;
    c[3][4] = c[4][3] = -0.2;
    for (int i = 0; i < kK; ++i) {
      for (int j = 0; j <= i; ++j) {
        double s = c[i][j];
        for (int m = 0; m < j; ++m) s -= lower[i][m] * lower[j][m];
        lower[i][j] = i == j ? std::sqrt(s) : s / lower[j][j];
      }
    }
  }
};

/// Runs [first, last): returns the sum of every run's final values (so nothing is elided).
/// Like plancast, 64 runs at a time in structure-of-arrays form, so the Philox words and the
/// ziggurat's fast path are drawn with SIMD lanes over runs (philox_lanes.h).
double simulate(const Model& m, std::uint64_t first, std::uint64_t last) {
  constexpr std::size_t kRuns = 64;
  const Stream params(kSeed, kStreamParameters);
  std::vector<Stream> streams;
  for (int k = 0; k < kK; ++k) streams.emplace_back(kSeed, m.stream[k]);
  const double innov = kSd * std::sqrt(1.0 - kPhi * kPhi);
  double checksum = 0;
  std::uint64_t w[4 * kRuns];
  std::uint32_t slow[kRuns];
  double z[kK][kRuns], trend[kK][kRuns], x[kK][kRuns], eps[kK][kRuns], noise[kK][4][kRuns];
  for (std::uint64_t r0 = first; r0 < last; r0 += kRuns) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kRuns, last - r0));
    for (int d = 0; d < kK / 4; ++d) {
      params.words_runs(r0, n, 0, static_cast<std::uint64_t>(d), 0, w, kRuns);
      for (std::size_t l = 0; l < 4; ++l) {
        for (std::size_t j = 0; j < n; ++j)
          z[4 * d + static_cast<int>(l)][j] = normal_quantile(unit_from_word(w[l * kRuns + j]));
      }
    }
    for (std::size_t j = 0; j < n; ++j) {
      for (int i = 0; i < kK; ++i) {
        double s = 0;
        for (int c = 0; c <= i; ++c) s += m.lower[i][c] * z[c][j];
        trend[i][j] = m.mean[i] + 0.02 * s;
        x[i][j] = m.base[i];
      }
    }
    for (int t = 1; t <= kYears; ++t) {
      const int lane = (t - 1) % 4;
      for (int k = 0; k < kK; ++k) {
        const Stream& st = streams[static_cast<std::size_t>(k)];
        if (lane == 0) {
          const std::uint64_t q = static_cast<std::uint64_t>((t - 1) / 4);
          st.words_runs(r0, n, q, 0, 1, w, kRuns);
          for (std::size_t l = 0; l < 4; ++l) {
            const std::size_t slow_n = ziggurat_normals_lanes(w + l * kRuns, n, noise[k][l], slow);
            for (std::size_t i = 0; i < slow_n; ++i) {
              const std::size_t j = slow[i];
              noise[k][l][j] = ziggurat_normal_slow(w[l * kRuns + j],
                                                    WordSequence(st, r0 + j, 4 * q + l + 1, 2));
            }
          }
        }
        for (std::size_t j = 0; j < n; ++j) {
          const double nz = noise[k][lane][j];
          eps[k][j] = t == 1 ? kSd * nz : kPhi * eps[k][j] + innov * nz;
          x[k][j] *= 1.0 + std::max(-1.0, trend[k][j] + eps[k][j]);
        }
      }
    }
    for (std::size_t j = 0; j < n; ++j) {
      for (int k = 0; k < kK; ++k) checksum += x[k][j];
    }
  }
  return checksum;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: plancast_floor RUNS THREADS\n");
    return 2;
  }
  const std::uint64_t runs = std::strtoull(argv[1], nullptr, 10);
  const int threads = std::max(1, std::atoi(argv[2]));
  const Model m;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<double> sums(static_cast<std::size_t>(threads), 0.0);
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      const std::uint64_t a =
          runs * static_cast<std::uint64_t>(i) / static_cast<std::uint64_t>(threads);
      const std::uint64_t b =
          runs * static_cast<std::uint64_t>(i + 1) / static_cast<std::uint64_t>(threads);
      sums[static_cast<std::size_t>(i)] = simulate(m, a, b);
    });
  }
  for (auto& th : pool) th.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double total = 0;
  for (double s : sums) total += s;
  std::printf("checksum %.17g\nseconds %.6f\n", total, secs);
  return 0;
}
