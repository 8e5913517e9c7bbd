// The rate model's loop over a block of runs with every constant hoisted
// (RateModel::rates, models/rate_model.cpp): the general loop's operations in the same order,
// specialised on whether the trend converges, has noise and has shocks, so the same bits.
#pragma once

#include <cstddef>
#include <cstdint>

namespace plancast::rate_detail {

/// The block's constants of RateModel::rates where the noise and the half-life are numbers.
struct Hoisted {
  const double* rate_row;  ///< the trend's parameter by run, or null: rate_const
  double rate_const, decay, sd, phi, innov;
  bool first_year;
  const double* z;
  const std::uint8_t* shocked;
  const double* shock;
};

/// For j < n: μ = r_j, or r_j + (anchor_j − r_j)·decay where the trend converges;
/// mu_last_j = μ; with noise ε_j = sd·z_j in the first year, else φ·ε_j + innov·z_j; g_j = μ
/// (+ ε_j) (+ shock_j where shocked_j).
void rates_hoisted(bool converge, bool noise, bool shock, const Hoisted& h, std::size_t n,
                   const double* anchor, double* mu_last, double* eps, double* g);

}  // namespace plancast::rate_detail
