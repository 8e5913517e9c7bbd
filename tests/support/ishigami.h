// The Ishigami function and its Saltelli design, for the Sobol tests (tests/support).
#pragma once

#include <cstddef>
#include <vector>

namespace plancast {
class UniformSampler;
}

namespace plancast::test {

/// Ishigami (1990) with a = 7, b = 0.1 at x[0..2].
double ishigami(const double* x);

/// The Saltelli design of n rows of the Ishigami function on the sampler's 6 uniforms (x_p =
/// -π + 2π u, A from columns 0-2, B from 3-5): fa, fb and fab[i] (A with column i from B).
void ishigami_design(const UniformSampler& s, std::size_t n, std::vector<double>& fa,
                     std::vector<double>& fb, std::vector<std::vector<double>>& fab);

}  // namespace plancast::test
