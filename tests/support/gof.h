// Pearson's chi-square goodness-of-fit statistic with merged bins, shared by the statistical
// tests (tests/engine/random/test_gof.cpp, test_discrete.cpp).
#pragma once

#include <ostream>
#include <vector>

namespace plancast::test {

struct Gof {
  double stat = 0;
  int df = 0;
  double critical = 0;
  double alpha = 0;
  double p_value = 1;
  bool passes() const { return stat <= critical; }
};

std::ostream& operator<<(std::ostream& os, const Gof& g);

/// The chi-square critical value on df degrees of freedom at significance alpha.
double chi_square_critical(int df, double alpha);

/// Pearson's statistic of observed counts against expected probabilities (summing to 1) for
/// n draws, at significance alpha; adjacent bins are merged until each expects at least
/// min_expected draws (the last remainder joins the bin before it).
Gof chi_square(const std::vector<double>& observed, const std::vector<double>& probs, double n,
               double alpha, double min_expected);

}  // namespace plancast::test
