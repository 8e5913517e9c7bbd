// `plancast fit`: exact Gaussian maximum likelihood of an AR(1) on observed average growth
// rates, gaps included (engine/analysis/fit.h).
#include "engine/analysis/fit.h"

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <boost/math/tools/minima.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/core/format.h"

namespace plancast {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Σ_{a=0}^{k−1} φ^a.
double geometric_sum(int k, double phi) {
  double s = 0, p = 1;
  for (int a = 0; a < k; ++a, p *= phi) s += p;
  return s;
}

/// Σ_{s,t in one block of k years} φ^|s−t| = k + 2 Σ_{d=1}^{k−1} (k − d) φ^d.
double block_sum(int k, double phi) {
  double s = k, p = 1;
  for (int d = 1; d < k; ++d) {
    p *= phi;
    s += 2.0 * (k - d) * p;
  }
  return s;
}

/// V = A R(φ) Aᵀ for consecutive blocks of k_i years, each row of A averaging its block:
/// V_ii = block_sum(k_i)/k_i², and for i < j, G(k_i) G(k_j) φ^(gap)/(k_i k_j) with gap the
/// years from the end of block i to the start of block j (1 for neighbours).
Eigen::MatrixXd aggregated_correlation(const std::vector<int>& k, double phi) {
  const auto n = static_cast<Eigen::Index>(k.size());
  Eigen::MatrixXd v(n, n);
  std::vector<double> g(k.size());
  for (std::size_t i = 0; i < k.size(); ++i) g[i] = geometric_sum(k[i], phi);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto ki = static_cast<double>(k[static_cast<std::size_t>(i)]);
    v(i, i) = block_sum(k[static_cast<std::size_t>(i)], phi) / (ki * ki);
    double lag = phi;  // φ^(start of block j − end of block i)
    for (Eigen::Index j = i + 1; j < n; ++j) {
      const auto kj = static_cast<double>(k[static_cast<std::size_t>(j)]);
      v(i, j) = v(j, i) =
          g[static_cast<std::size_t>(i)] * g[static_cast<std::size_t>(j)] * lag / (ki * kj);
      lag *= std::pow(phi, kj);
    }
  }
  return v;
}

/// The annual rate implied between two values k years apart, in the form's terms.
double average_rate(double v0, double v1, int k, const FitRequest& req) {
  switch (req.form) {
    case FitForm::simple:
      return std::pow(v1 / v0, 1.0 / k) - 1.0;
    case FitForm::log:
      return std::log(v1 / v0) / k;
    case FitForm::logistic: {
      auto logit = [&](double v) { return std::log(v) - std::log(req.cap - v); };
      return (logit(v1) - logit(v0)) / k;
    }
  }
  return kNaN;
}

void check_value(const HistoryPoint& p, const FitRequest& req) {
  const bool positive = p.value > 0 && std::isfinite(p.value);
  if (req.form == FitForm::logistic) {
    if (!(positive && p.value < req.cap)) {
      throw ScenarioError(p.loc, "value " + canonical_number(p.value) + " in " +
                                     std::to_string(p.year) + " is not in (0, " +
                                     canonical_number(req.cap) +
                                     "): a logistic fit needs every value strictly between 0 "
                                     "and the cap");
    }
  } else if (!positive) {
    throw ScenarioError(p.loc, "value " + canonical_number(p.value) + " in " +
                                   std::to_string(p.year) +
                                   " is not > 0: a growth fit needs positive values (growth "
                                   "rates are ratios of consecutive values)");
  }
}

}  // namespace

double fit_profile_loglik(const std::vector<double>& w, const std::vector<int>& k, double phi,
                          double* mean, double* sigma2, double* info_mean) {
  const auto n = static_cast<Eigen::Index>(w.size());
  const Eigen::MatrixXd v = aggregated_correlation(k, phi);
  const Eigen::LLT<Eigen::MatrixXd> llt(v);
  if (llt.info() != Eigen::Success) return -std::numeric_limits<double>::infinity();
  const Eigen::VectorXd ones = Eigen::VectorXd::Ones(n);
  const Eigen::VectorXd wv = Eigen::Map<const Eigen::VectorXd>(w.data(), n);
  const Eigen::VectorXd x = llt.solve(ones);
  const double info = ones.dot(x);  // 1ᵀ V⁻¹ 1
  const double mu = x.dot(wv) / info;
  const Eigen::VectorXd r = wv - mu * ones;
  const double rss = r.dot(llt.solve(r));
  const double s2 = rss / static_cast<double>(n);
  double logdet = 0;
  const Eigen::MatrixXd l = llt.matrixL();
  for (Eigen::Index i = 0; i < n; ++i) logdet += 2 * std::log(l(i, i));
  if (mean) *mean = mu;
  if (sigma2) *sigma2 = s2;
  if (info_mean) *info_mean = info;
  const double nd = static_cast<double>(n);
  return -0.5 * nd * (std::log(2 * M_PI) + std::log(s2) + 1) - 0.5 * logdet;
}

FitResult fit_growth(const std::vector<HistoryPoint>& series, const FitRequest& req) {
  if (static_cast<int>(series.size()) < kMinFitPoints) {
    throw ScenarioError(
        req.where, "too few values to fit " + req.name + ": " + std::to_string(series.size()) +
                       " (fit needs at least " + std::to_string(kMinFitPoints) + " values, i.e. " +
                       std::to_string(kMinFitPoints - 1) +
                       " growth rates between them, to estimate the trend mean, the noise "
                       "sd and the persistence)");
  }
  for (const HistoryPoint& p : series) check_value(p, req);
  FitResult out;
  out.request = req;
  out.first_year = series.front().year;
  out.last_year = series.back().year;
  out.last_value = series.back().value;
  out.n = static_cast<int>(series.size());
  std::vector<double> w;
  std::vector<int> k;
  for (std::size_t i = 1; i < series.size(); ++i) {
    const int gap = series[i].year - series[i - 1].year;
    k.push_back(gap);
    if (gap > 1) ++out.gaps;
    w.push_back(average_rate(series[i - 1].value, series[i].value, gap, req));
  }
  const double m = static_cast<double>(w.size());

  // A grid over [0, 0.99], then Brent's method in the bracket around the best grid point.
  auto negative = [&](double phi) { return -fit_profile_loglik(w, k, phi); };
  constexpr int kGrid = 99;
  int best = 0;
  double best_value = std::numeric_limits<double>::infinity();
  for (int i = 0; i <= kGrid; ++i) {
    const double value = negative(kMaxFitPersistence * i / kGrid);
    if (value < best_value) {
      best_value = value;
      best = i;
    }
  }
  const double lo = kMaxFitPersistence * std::max(0, best - 1) / kGrid;
  const double hi = kMaxFitPersistence * std::min(kGrid, best + 1) / kGrid;
  double phi = kMaxFitPersistence * best / kGrid;
  const auto [argmin, minimum] = boost::math::tools::brent_find_minima(negative, lo, hi, 40);
  if (minimum < best_value) phi = argmin;

  double mu = 0, s2 = 0, info = 0;
  out.log_likelihood = fit_profile_loglik(w, k, phi, &mu, &s2, &info);
  const double s2_unbiased = s2 * m / (m - 1);
  out.persistence = phi;
  out.trend_mean = mu;
  out.trend_sd = std::sqrt(s2_unbiased / info);
  out.noise_sd = std::sqrt(s2_unbiased);
  // σ² = σ_e²/(1 − φ²) with σ̂_e² and φ̂ asymptotically independent, Var ln σ̂_e² = 2/n and
  // Var φ̂ = (1 − φ²)/n: Var ln σ̂² = (2/n)(1 + φ²)/(1 − φ²) (the delta method), so
  // se(σ̂) = σ̂ sqrt((1 + φ²)/(2 n (1 − φ²))), with n − 1 for the estimated mean.
  out.noise_sd_se = out.noise_sd * std::sqrt((1 + phi * phi) / (2 * (m - 1) * (1 - phi * phi)));
  // φ's standard error from the profile likelihood's curvature (its observed information).
  const double h = 1e-3;
  out.persistence_se = kNaN;
  if (phi - h >= 0 && phi + h <= kMaxFitPersistence && s2 > 0) {
    const double d2 = (negative(phi + h) - 2 * negative(phi) + negative(phi - h)) / (h * h);
    if (d2 > 0) out.persistence_se = 1 / std::sqrt(d2);
  }
  return out;
}

}  // namespace plancast
