#include "tests/support/ishigami.h"

#include <cmath>

#include "engine/random/parameter_sampler.h"

namespace plancast::test {

double ishigami(const double* x) {
  const double s = std::sin(x[1]);
  return std::sin(x[0]) + 7 * s * s + 0.1 * std::pow(x[2], 4) * std::sin(x[0]);
}

void ishigami_design(const UniformSampler& s, std::size_t n, std::vector<double>& fa,
                     std::vector<double>& fb, std::vector<std::vector<double>>& fab) {
  constexpr std::size_t np = 3;
  std::vector<double> u(2 * np * n);
  s.fill(0, n, n, u.data());
  const double pi = 3.141592653589793;
  fa.assign(n, 0);
  fb.assign(n, 0);
  fab.assign(np, std::vector<double>(n));
  for (std::size_t r = 0; r < n; ++r) {
    double a[3], b[3];
    for (std::size_t p = 0; p < np; ++p) {
      a[p] = -pi + 2 * pi * u[p * n + r];
      b[p] = -pi + 2 * pi * u[(np + p) * n + r];
    }
    fa[r] = ishigami(a);
    fb[r] = ishigami(b);
    for (std::size_t i = 0; i < np; ++i) {
      double ab[3] = {a[0], a[1], a[2]};
      ab[i] = b[i];
      fab[i][r] = ishigami(ab);
    }
  }
}

}  // namespace plancast::test
