// The rate model's hoisted loops (rate_loops.h).
#include "models/rate_loops.h"

namespace plancast::rate_detail {

namespace {

/// g_j = μ_j + ε_j (+ s_j), the general loop of RateModel::rates with its tests hoisted:
/// the same operations in the same order, so the same bits.
template <bool Converge, bool Noise, bool Shock, bool RateParam>
void rates_loop(const Hoisted& h, std::size_t n, const double* __restrict anchor,
                double* __restrict mu_last, double* __restrict eps, double* __restrict g) {
  for (std::size_t j = 0; j < n; ++j) {
    const double r = RateParam ? h.rate_row[j] : h.rate_const;
    double mu = r;
    if constexpr (Converge) mu = r + (anchor[j] - r) * h.decay;
    mu_last[j] = mu;
    double rate = mu;
    if constexpr (Noise) {
      const double e = h.first_year ? h.sd * h.z[j] : h.phi * eps[j] + h.innov * h.z[j];
      eps[j] = e;
      rate += e;
    }
    if constexpr (Shock) rate = h.shocked[j] != 0 ? rate + h.shock[j] : rate;
    g[j] = rate;
  }
}

template <bool Converge, bool Noise, bool Shock>
void rates_loop(const Hoisted& h, std::size_t n, const double* anchor, double* mu_last, double* eps,
                double* g) {
  if (h.rate_row != nullptr) {
    rates_loop<Converge, Noise, Shock, true>(h, n, anchor, mu_last, eps, g);
  } else {
    rates_loop<Converge, Noise, Shock, false>(h, n, anchor, mu_last, eps, g);
  }
}

}  // namespace

void rates_hoisted(bool converge, bool noise, bool shock, const Hoisted& h, std::size_t n,
                   const double* anchor, double* mu_last, double* eps, double* g) {
  using Loop = void (*)(const Hoisted&, std::size_t, const double*, double*, double*, double*);
  static constexpr Loop loops[8] = {rates_loop<false, false, false>, rates_loop<false, false, true>,
                                    rates_loop<false, true, false>,  rates_loop<false, true, true>,
                                    rates_loop<true, false, false>,  rates_loop<true, false, true>,
                                    rates_loop<true, true, false>,   rates_loop<true, true, true>};
  loops[(converge ? 4 : 0) + (noise ? 2 : 0) + (shock ? 1 : 0)](h, n, anchor, mu_last, eps, g);
}

}  // namespace plancast::rate_detail
