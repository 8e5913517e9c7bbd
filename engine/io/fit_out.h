// The text and JSON of `plancast fit` (engine/analysis/fit.h).
#pragma once

#include <string>

#include "engine/analysis/fit.h"

namespace plancast {

/// A YAML fragment ready to paste into a scenario: comments with the estimates and their
/// standard errors, `parameters:` with NAME_trend as a normal parameter (mean μ̂, sd its
/// standard error; left out, with the trend a number, when the
/// rates have no noise) and `indicators:` with NAME's base (the last value) and its growth or
/// logistic process (trend NAME_trend, noise {sd, persistence}).
std::string fit_text(const FitResult& fit);
/// {"trend": {"mean", "sd"}, "noise": {"sd", "persistence"}, "years": [first, last], "n",
///  then "series", "source", "form", "cap" (logistic only), "rates", "gaps",
///  "standard_errors": {"noise_sd", "persistence" (null where φ̂ is on a bound)},
///  "log_likelihood"}, with a final newline.
std::string fit_json(const FitResult& fit);
/// The parameter name of the fitted trend: NAME_trend, NAME made an identifier where it is
/// not one (lowercase; characters other than letters, digits and '_' become '_'; "x" before
/// a leading digit).
std::string fit_parameter_name(const std::string& series);

}  // namespace plancast
