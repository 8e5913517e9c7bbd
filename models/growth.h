// growth: an indicator that compounds an uncertain annual rate (SPEC §2.1).
//
//   g_t = μ_t + ε_t + s_t
//   X_t = X_{t-1}·(1 + g_t)      form: simple (default; g_t floored at -1, counted)
//   X_t = X_{t-1}·exp(g_t)       form: log
//
// Parameters (any number may instead name a parameter):
//   key                  type              default  meaning
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
//   form                 simple | log      simple   how the rate compounds
#pragma once

#include "engine/core/process.h"

namespace plancast {

/// The registry entry for `growth` (also used by `logistic`, which shares the rate model).
ProcessType growth_process_type();

}  // namespace plancast
