// logistic: a bounded indicator (a percentage with a ceiling) whose logit moves by an
// uncertain annual rate (SPEC §2.2).
//
//   r_t = μ_t + ε_t + s_t                          (the growth rate model, SPEC §2.1)
//   X_t = cap / (1 + ((cap − X_{t−1}) / X_{t−1})·e^(−r_t))
//
// Equivalently the logit L_t = ln(X_t / (cap − X_t)) moves by L_t = L_{t−1} + r_t; the
// worker keeps L and computes X = cap·σ(L) in a form that cannot overflow, so that
// 0 < X_t < cap holds strictly for any draw (values that round onto 0 or cap are moved to
// the nearest double inside the interval). Requires 0 < base < cap.
//
// Parameters (any number except cap may instead name a parameter):
//   key                  type              default  meaning
//   cap                  number            -        ceiling (> 0, > base), e.g. 100 for %
//   trend                list | number     -        schedule of segments, or one constant rate
//   trend[].until        year              -        last year of the segment (increasing)
//   trend[].rate         number|parameter  -        constant trend μ over the segment
//   trend[].converge_to  number|parameter  -        μ_t = r + (μ_a − r)·2^(−(t−a)/h)
//   trend[].half_life    number|parameter  -        h in years (> 0), with converge_to
//   noise.sd             number|parameter  0        stationary sd σ of the AR(1) noise ε
//   noise.persistence    number|parameter  0        φ in [0, 1): ε_t = φ ε_{t−1} + σ√(1−φ²) z_t
//   shocks.probability   number|parameter  (or event) chance p of a shock in each year
//   shocks.event         event name        (or probability) the shock years of a shared event
//   shocks.size          distribution|number|parameter - size s_t added to the rate
#pragma once

#include "engine/core/process.h"

namespace plancast {

/// The registry entry for `logistic`.
ProcessType logistic_process_type();

/// cap·σ(L) = cap / (1 + e^(−L)), computed without overflow and kept strictly inside
/// (0, cap) for any L (±inf included; NaN gives the value just above 0). cap > 0.
double logistic_from_logit(double cap, double logit) noexcept;

}  // namespace plancast
