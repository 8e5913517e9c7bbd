// Reference values for the statistical tests: normal tail areas, lognormal quantiles and
// the tolerances that follow from standard errors (tests/support).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace plancast::test {

/// P(Z <= x) and P(Z > z) for a standard normal Z.
double normal_cdf(double x);
double upper_normal(double z);

/// n uniforms from one Philox stream of `seed` (runs 0.., year 0, draw 0, the four lanes in
/// turn).
std::vector<double> philox_uniforms(std::uint64_t seed, std::size_t n, std::uint32_t stream);

/// Worst-case relative error of a reported (sketched) quantile against the sample's order
/// statistic: 2α with α = 1e-4 (docs/methods.md §5, "Accuracy").
inline constexpr double kSketchRelativeError = 2e-4;

/// The q-quantile of a lognormal whose log has mean mu and sd sigma.
double lognormal_quantile(double mu, double sigma, double q);
/// Relative tolerance for a reported q-quantile of n independent lognormal draws (log sd
/// sigma) against the true quantile: the sketch's kSketchRelativeError plus 4.5 standard
/// errors of the sample quantile, sqrt(q (1 - q) / n) / (f(ξ) ξ) = sigma sqrt(q (1 - q) / n)
/// / φ(z_q).
double lognormal_quantile_tolerance(double sigma, double q, double n);
/// Standard error of the sample sd of n independent lognormal draws (log sd sigma) whose
/// true sd is sd: sd sqrt((κ + 2) / (4 n)), κ the lognormal's excess kurtosis.
double lognormal_sd_std_error(double sigma, double sd, double n);

/// A sample's mean, sd (n - 1) and fourth central moment (over n).
struct Moments {
  double mean, sd, m4;
};
Moments moments(const std::vector<double>& x);

/// Checks sample mean and sd against closed forms within 5 standard errors: se(mean) =
/// sd/sqrt(n); se(sd) ≈ sqrt((m4 - sd^4)/n) / (2 sd) (delta method, sample m4).
void check_moments(const std::vector<double>& x, double mean, double sd);

}  // namespace plancast::test
