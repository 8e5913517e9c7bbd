// `plancast fit`: the growth process of a history series, estimated (issue 17, part 4;
// docs/analysis.md, "fit").
//
// The annual rates g_t (growth: X_t/X_{t−1} − 1 or ln(X_t/X_{t−1}); logistic: the change of
// logit(X_t/cap)) follow the engine's rate model without shocks: g_t = μ + ε_t, ε a
// stationary AR(1) with sd σ and persistence φ. A history with gaps observes, between two
// consecutive values k years apart, the average of the k annual rates (for the simple form,
// the geometric average (X_i/X_{i−1})^(1/k) − 1, its first-order match). The observed
// averages w = A g are Gaussian with mean μ·1 and covariance σ² A R(φ) Aᵀ, R_st = φ^|s−t|,
// so the likelihood is exact for any pattern of gaps (Hamilton 1994, Time Series Analysis,
// §5.2 and §5.6; temporal aggregation: Harvey 1989, Forecasting, Structural Time Series
// Models and the Kalman Filter, §6.3). For a given φ, μ and σ² have closed forms (GLS);
// φ maximises the profile likelihood on [0, 0.99] (a grid, then Boost.Math's Brent).
#pragma once

#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/core/error.h"

namespace plancast {

/// What is fitted: growth in the simple or log form, or a logistic share with a cap.
enum class FitForm { simple, log, logistic };

/// The fewest values a fit needs: 5, i.e. 4 growth rates between them, for three
/// estimates (the trend mean, the noise sd and the persistence).
inline constexpr int kMinFitPoints = 5;
/// The largest persistence searched (the engine needs φ < 1).
inline constexpr double kMaxFitPersistence = 0.99;

struct FitRequest {
  std::string name;  ///< the series (indicator or column), for the fragment and messages
  FitForm form = FitForm::simple;
  double cap = 0;      ///< logistic only (> every value)
  SourceLoc where;     ///< the series as a whole (too few points)
  std::string source;  ///< "scenario.yaml, indicator gdp" / "data.csv, column gdp"
};

struct FitResult {
  FitRequest request;
  double trend_mean = 0;   ///< μ̂, the GLS mean of the rates at φ̂
  double trend_sd = 0;     ///< its standard error at φ̂ (with the n−1 variance)
  double noise_sd = 0;     ///< σ̂ = sqrt(RSS/(n−1)), RSS the GLS residual sum of squares
  double persistence = 0;  ///< φ̂, the profile maximum-likelihood estimate in [0, 0.99]
  /// Asymptotic standard errors: σ̂ sqrt((1 + φ̂²) / (2(n−1)(1 − φ̂²))) (the delta method on
  /// σ² = σ_e²/(1 − φ²)); φ from the profile likelihood's curvature
  /// (NaN where φ̂ lies on a bound of the search, 0 or 0.99).
  double noise_sd_se = 0;
  double persistence_se = 0;
  double log_likelihood = 0;  ///< at the estimates (ML σ²)
  int first_year = 0, last_year = 0;
  int n = 0;              ///< values used
  int gaps = 0;           ///< intervals longer than one year
  double last_value = 0;  ///< the value of the last year
};

/// Where `plancast fit` reads a series: an indicator's `history:` in a scenario file, or a
/// column of a CSV file whose first column is the year.
struct FitInput {
  std::string path;    ///< the scenario or the CSV file
  bool csv = false;    ///< path is a CSV file (`--column`), not a scenario (`--indicator`)
  std::string series;  ///< the indicator or the column
  FitForm form = FitForm::simple;
  double cap = 0;  ///< logistic only
};

/// Fits the series (sorted by year, years unique). ScenarioError: fewer than kMinFitPoints
/// values (at request.where), a value the form cannot take (<= 0; logistic outside (0, cap))
/// at its own location.
FitResult fit_growth(const std::vector<HistoryPoint>& series, const FitRequest& request);

/// The profile log-likelihood of φ for the observed average rates `w` over intervals of
/// `k` years (exposed for tests); sets mean and sigma2 (ML) when given.
double fit_profile_loglik(const std::vector<double>& w, const std::vector<int>& k, double phi,
                          double* mean = nullptr, double* sigma2 = nullptr,
                          double* info_mean = nullptr);

}  // namespace plancast
