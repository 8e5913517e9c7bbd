// Wichura (1988), algorithm AS 241, PPND16; coefficients as published (and as in R's
// nmath/qnorm.c), highest power first.
#include "engine/random/normal_quantile.h"

#include <cmath>
#include <limits>

namespace plancast {

namespace {

/// (((c[0] r + c[1]) r + c[2]) ... ) r + c[7]: Horner's rule, highest power first.
inline double poly7(const double (&c)[8], double r) noexcept {
  double v = c[0];
  for (int i = 1; i < 8; ++i) v = v * r + c[i];
  return v;
}

// |p - 1/2| <= 0.425: z = q A(r) / B(r), r = 0.180625 - q^2.
constexpr double kA[8] = {2509.0809287301226727, 33430.575583588128105, 67265.770927008700853,
                          45921.953931549871457, 13731.693765509461125, 1971.5909503065514427,
                          133.14166789178437745, 3.387132872796366608};
constexpr double kB[8] = {
    5226.495278852854561,  28729.085735721942674, 39307.89580009271061,  21213.794301586595867,
    5394.1960214247511077, 687.1870074920579083,  42.313330701600911252, 1.0};
// r = sqrt(-log(min(p, 1-p))) <= 5: z = C(r - 1.6) / D(r - 1.6).
constexpr double kC[8] = {7.7454501427834140764e-4, 0.0227238449892691845833,
                          0.24178072517745061177,   1.27045825245236838258,
                          3.64784832476320460504,   5.7694972214606914055,
                          4.6303378461565452959,    1.42343711074968357734};
constexpr double kD[8] = {1.05075007164441684324e-9, 5.475938084995344946e-4,
                          0.0151986665636164571966,  0.14810397642748007459,
                          0.68976733498510000455,    1.6763848301838038494,
                          2.05319162663775882187,    1.0};
// r > 5: z = E(r - 5) / F(r - 5).
constexpr double kE[8] = {2.01033439929228813265e-7, 2.71155556874348757815e-5,
                          0.0012426609473880784386,  0.026532189526576123093,
                          0.29656057182850489123,    1.7848265399172913358,
                          5.4637849111641143699,     6.6579046435011037772};
constexpr double kF[8] = {2.04426310338993978564e-15, 1.4215117583164458887e-7,
                          1.8463183175100546818e-5,   7.868691311456132591e-4,
                          0.0148753612908506148525,   0.13692988092273580531,
                          0.59983220655588793769,     1.0};

}  // namespace

double normal_quantile(double p) noexcept {
  if (!(p > 0.0 && p < 1.0)) {
    if (p == 0.0) return -std::numeric_limits<double>::infinity();
    if (p == 1.0) return std::numeric_limits<double>::infinity();
    return std::numeric_limits<double>::quiet_NaN();
  }
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q * poly7(kA, r) / poly7(kB, r);
  }
  double r = std::sqrt(-std::log(q < 0 ? p : 1.0 - p));  // 1 - p is exact for p >= 1/2
  double z;
  if (r <= 5.0) {
    r -= 1.6;
    z = poly7(kC, r) / poly7(kD, r);
  } else {
    r -= 5.0;
    z = poly7(kE, r) / poly7(kF, r);
  }
  return q < 0.0 ? -z : z;
}

}  // namespace plancast
