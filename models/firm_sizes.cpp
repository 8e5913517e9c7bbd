// firm_population's starting sizes: the Pareto tail fitted to the counts above each
// threshold, the firms' starting log sizes, and the names of the threshold outputs
// (declared in models/firm_population.h; the process itself is firm_population.cpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/node_reader.h"
#include "engine/core/format.h"
#include "models/firm_population.h"

namespace plancast {

std::optional<double> fit_pareto_alpha(const std::vector<double>& thresholds,
                                       const std::vector<long>& counts) {
  std::vector<double> x, y;
  for (std::size_t k = 0; k < thresholds.size() && k < counts.size(); ++k) {
    if (counts[k] > 0 && thresholds[k] > 0) {
      x.push_back(std::log(thresholds[k]));
      y.push_back(std::log(static_cast<double>(counts[k])));
    }
  }
  if (x.size() < 2) return std::nullopt;
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  if (!(sxx > 0)) return std::nullopt;
  const double alpha = -sxy / sxx;
  if (!(alpha > 0) || !std::isfinite(alpha)) return std::nullopt;
  return alpha;
}

std::vector<double> pareto_start_log_sizes(const std::vector<double>& thresholds,
                                           const std::vector<long>& counts, double alpha) {
  std::vector<double> out;
  const std::size_t K = thresholds.size();
  for (std::size_t k = 0; k < K; ++k) {
    const long next = k + 1 < K ? counts[k + 1] : 0;
    const long nk = counts[k] - next;
    if (nk <= 0) continue;
    const double lo = std::log(thresholds[k]);
    const double hi = k + 1 < K ? std::log(thresholds[k + 1]) : HUGE_VAL;
    // Mass of the band under the tail conditional on S >= T_k: 1 − (T_k/T_k+1)^α (1 if open).
    const double mass = k + 1 < K ? -std::expm1(alpha * (lo - hi)) : 1.0;
    for (long i = 0; i < nk; ++i) {
      const double q = (static_cast<double>(i) + 0.5) / static_cast<double>(nk);
      // F(x) = (1 − (T_k/x)^α) / mass = q  ⇒  ln x = ln T_k − ln(1 − q·mass)/α.
      double ls = lo - std::log1p(-q * mass) / alpha;
      // Keep every firm strictly inside its band whatever the rounding (exact base counts).
      if (ls >= hi) ls = std::nextafter(hi, -HUGE_VAL);
      if (ls < lo) ls = lo;
      out.push_back(ls);
    }
  }
  return out;
}

std::string threshold_name(double threshold) {
  if (threshold == std::floor(threshold) && std::fabs(threshold) < 1e15) {
    return std::to_string(static_cast<long long>(threshold));
  }
  std::string s = canonical_number(threshold);
  for (char& c : s) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum) c = '_';
  }
  return s;
}

}  // namespace plancast
