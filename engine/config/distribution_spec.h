// Parsed form of a distribution (SPEC §2.6), shared by parameters and shock sizes.
// The parser converts alternative parametrisations (lognormal mean/sd, gamma mean/sd)
// into the canonical fields below, so samplers see one form per family.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/error.h"

namespace plancast {

enum class DistFamily {
  fixed,       ///< value
  normal,      ///< mean, sd
  lognormal,   ///< mu, sigma (of the log); parser also accepts mean/sd of the value
  uniform,     ///< min, max
  triangular,  ///< min, mode, max
  pert,        ///< min, mode, max (beta with shapes 1+4(mode-min)/(max-min), 1+4(max-mode)/(max-min))
  beta,        ///< alpha, beta shapes, scaled to [min, max] (default [0, 1])
  gamma,       ///< shape, scale; parser also accepts mean/sd
  student_t,   ///< df, loc (default 0), scale (default 1)
  empirical,   ///< values: bootstrap (each listed value equally likely)
  choice,      ///< values with weights (normalised)
};

/// Name used in YAML (`dist: normal`).
const char* to_string(DistFamily f);

struct DistSpec {
  DistFamily family = DistFamily::fixed;
  SourceLoc loc;
  double value = 0;                    // fixed
  double mean = 0, sd = 0;             // normal
  double mu = 0, sigma = 0;            // lognormal (log space)
  double min = 0, max = 1, mode = 0;   // uniform, triangular, pert, beta range
  double alpha = 0, beta = 0;          // beta shapes
  double shape = 0, scale = 1;         // gamma (scale also student_t scale)
  double df = 0, loc_ = 0;             // student_t degrees of freedom and location
  std::vector<double> values;          // empirical, choice
  std::vector<double> weights;         // choice (same length as values, sum > 0)
  std::optional<std::array<double, 2>> truncate;  ///< [lo, hi], lo < hi, must carry mass
};

}  // namespace plancast
