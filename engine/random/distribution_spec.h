// Parsed form of a distribution (SPEC §2.6), shared by parameters and shock sizes.
// The parser converts alternative parametrisations (lognormal mean/sd, gamma mean/sd)
// into the canonical fields below, so samplers see one form per family.
#pragma once

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/error.h"

namespace plancast {

enum class DistFamily {
  fixed,       ///< value
  normal,      ///< mean, sd
  lognormal,   ///< mu, sigma (of the log); parser also accepts mean/sd of the value
  uniform,     ///< min, max
  triangular,  ///< min, mode, max
  pert,   ///< min, mode, max (beta with shapes 1+4(mode-min)/(max-min), 1+4(max-mode)/(max-min))
  beta,   ///< alpha, beta shapes, scaled to [min, max] (default [0, 1])
  gamma,  ///< shape, scale; parser also accepts mean/sd
  student_t,  ///< df, loc (default 0), scale (default 1)
  empirical,  ///< values: bootstrap (each listed value equally likely)
  choice,     ///< values with weights (normalised)
  quantiles,  ///< p10, p50, p90 (expert judgement), fitted to a three-term metalog
};

/// Name used in YAML (`dist: normal`).
/// (Inline so that both the config and the random library use the one list.)
inline const char* to_string(DistFamily f) {
  switch (f) {
    case DistFamily::fixed:
      return "fixed";
    case DistFamily::normal:
      return "normal";
    case DistFamily::lognormal:
      return "lognormal";
    case DistFamily::uniform:
      return "uniform";
    case DistFamily::triangular:
      return "triangular";
    case DistFamily::pert:
      return "pert";
    case DistFamily::beta:
      return "beta";
    case DistFamily::gamma:
      return "gamma";
    case DistFamily::student_t:
      return "student_t";
    case DistFamily::empirical:
      return "empirical";
    case DistFamily::choice:
      return "choice";
    case DistFamily::quantiles:
      return "quantiles";
  }
  return "?";
}

/// Every family, in the order of the scenario reference (and of "known: ..." messages).
inline constexpr std::array<DistFamily, 12> kDistFamilies = {
    DistFamily::fixed,      DistFamily::normal,    DistFamily::lognormal, DistFamily::uniform,
    DistFamily::triangular, DistFamily::pert,      DistFamily::beta,      DistFamily::gamma,
    DistFamily::student_t,  DistFamily::empirical, DistFamily::choice,    DistFamily::quantiles};

/// The family written `name` in YAML, if there is one.
inline std::optional<DistFamily> dist_family_named(std::string_view name) {
  for (const DistFamily f : kDistFamilies) {
    if (name == to_string(f)) return f;
  }
  return std::nullopt;
}

struct DistSpec {
  DistFamily family = DistFamily::fixed;
  SourceLoc loc;
  double value = 0;                               // fixed
  double mean = 0, sd = 0;                        // normal
  double mu = 0, sigma = 0;                       // lognormal (log space)
  double min = 0, max = 1, mode = 0;              // uniform, triangular, pert, beta range
  double alpha = 0, beta = 0;                     // beta shapes
  double shape = 0, scale = 1;                    // gamma (scale also student_t scale)
  double df = 0, loc_ = 0;                        // student_t degrees of freedom and location
  std::vector<double> values;                     // empirical, choice
  std::vector<double> weights;                    // choice (same length as values, sum > 0)
  double p10 = 0, p50 = 0, p90 = 0;               // quantiles (p10 < p50 < p90)
  std::optional<std::array<double, 2>> truncate;  ///< [lo, hi], lo < hi, must carry mass
  /// The distribution as the file writes it, in YAML flow style ("{dist: gamma, mean: 35,
  /// sd: 12}"): what the reports and workbooks show beside the fitted form.
  std::string written;
};

/// Three-term metalog (Keelin 2016, "The Metalog Distributions", Decision Analysis 13(4)):
/// Q(y) = a1 + a2 L + a3 (y - 1/2) L with L = ln(y / (1 - y)), fitted exactly to the
/// 10th, 50th and 90th percentiles. With L(0.9) = -L(0.1) = ln 9 and L(0.5) = 0:
/// a1 = p50, a2 = (p90 - p10) / (2 ln 9), a3 = (p10 + p90 - 2 p50) / (0.8 ln 9).
struct Metalog3 {
  double a1 = 0, a2 = 0, a3 = 0;
};

/// Keelin's feasibility bound: Q is increasing on (0, 1) iff a2 > 0 and |a3| / a2 < 1.66711
/// (1 / max|y(1-y)L + y - 1/2|, ≈ 1.667113; the rounded-down value keeps a margin).
constexpr double kMetalog3Bound = 1.66711;

inline Metalog3 fit_metalog3(double p10, double p50, double p90) {
  const double l9 = std::log(9.0);
  return Metalog3{p50, (p90 - p10) / (2 * l9), (p10 + p90 - 2 * p50) / (0.8 * l9)};
}

/// |a3| / a2 of the fit; a value >= kMetalog3Bound (or NaN) means the quantiles are too
/// skewed for a three-term metalog. Equals 2.5 |p10 + p90 - 2 p50| / (p90 - p10), so the
/// longer side (p90 - p50 or p50 - p10) may be up to about 5.0 times the shorter.
inline double metalog3_skew(const Metalog3& m) {
  return std::abs(m.a3) / m.a2;
}

}  // namespace plancast
