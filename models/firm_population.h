// firm_population: counts of firms above revenue thresholds (SPEC §2.4).
//
// The firms above the lowest threshold T_1 follow a Pareto tail P(S > x) ∝ x^(−α). At the
// base year each band [T_k, T_k+1) holds n_k = N_k − N_k+1 firms, placed at the band's
// conditional Pareto quantiles q = (i + 0.5)/n_k, so every base-year count N_k is exact.
// Each year, for each firm f of a run:
//   ln S_f,t = ln S_f,t−1 + d_t + σ·z_f,t      z_f,t ~ N(0, 1) i.i.d.
//   d_t = ln(X_t / X_t−1)   with follows: X (same run; 0 while X_t−1 <= 0 < X_t, −∞ if X_t <= 0;
//                           X_t not finite: the run's counts are NaN from then on)
//   d_t = ln(1 + rate)      with rate
// then Poisson(entry) new firms enter at exactly T_1. Firms that fall below T_1 stay in the
// population (they can grow back). Output k counts the firms with S >= T_k.
//
// Parameters (number|parameter may instead name a parameter):
//   key      type                default  meaning
//   counts   map threshold→count -        firms above each threshold at the base year
//                                         (thresholds increasing, counts non-increasing)
//   follows  indicator           -        firms grow with this indicator's log growth
//   rate     number|parameter    -        or: constant annual growth (> −1); one of the two
//   sigma    number|parameter    0        sd of a firm's idiosyncratic log growth per year
//   entry    number|parameter    0        Poisson mean of new firms per year at T_1
//   alpha    number              fitted   Pareto index (> 0); default: least squares on
//                                         ln N_k = c − α ln T_k over counts > 0
//
// Outputs: NAME_over_T for each threshold T (integers without decimals; '.' becomes '_').
// At most kMaxFirmsPerRun firms per run (initial + entrants), else an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/process.h"

namespace plancast {

/// The most firms one run may hold (initial plus entrants over the horizon); a run that
/// would exceed it stops the simulation with a RunError. Each worker keeps one vector of
/// log sizes per run of its block, reserved once and reused from block to block.
inline constexpr std::size_t kMaxFirmsPerRun = 100000;

/// The Pareto index fitted to counts above thresholds: least squares of ln N_k on ln T_k
/// over the thresholds with N_k > 0 (for two, exactly ln(N_1/N_2)/ln(T_2/T_1)). nullopt
/// when fewer than two counts are positive or the fit is not > 0.
std::optional<double> fit_pareto_alpha(const std::vector<double>& thresholds,
                                       const std::vector<long>& counts);

/// The base-year firms' log sizes (increasing): n_k = N_k − N_k+1 firms in each band at
/// the band's conditional Pareto(α) quantiles (i + 0.5)/n_k; the top band is open. Each
/// lies in [ln T_k, ln T_k+1). thresholds increasing and > 0, counts non-increasing and
/// >= 0, alpha > 0.
std::vector<double> pareto_start_log_sizes(const std::vector<double>& thresholds,
                                           const std::vector<long>& counts, double alpha);

/// The number of x[i] >= t for i < n (a NaN counts as below): a run's firms at or above a
/// threshold, in log size.
std::size_t count_at_least(const double* x, std::size_t n, double t);

/// s[i] += d + sigma·z[i] for i < n, then counts[0] = count_at_least(s, n, t0) and counts[1]
/// = count_at_least(s, n, t1), in one pass (the firms' yearly noise, models/firm_draws.cpp).
void add_noise_counting(double* s, const double* z, std::size_t n, double d, double sigma,
                        double t0, double t1, std::uint32_t counts[2]);

/// The output-name suffix of a threshold: "10" for 10 or 10.0, "2_5" for 2.5.
std::string threshold_name(double threshold);

/// The registry entry for `firm_population`.
ProcessType firm_population_process_type();

}  // namespace plancast
