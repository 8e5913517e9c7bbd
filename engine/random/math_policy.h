// The Boost.Math error policy of every distribution plancast computes, and the open unit
// interval its probabilities are kept in.
#pragma once

#include <limits>

#include <boost/math/policies/policy.hpp>

namespace plancast {

/// Tails never throw (overflow gives ±inf, then the result is clamped); no promotion to long
/// double, so the arithmetic is plain IEEE double on every platform. Domain errors (a NaN
/// input, a programming error) still throw std::domain_error.
using MathPolicy = boost::math::policies::policy<
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::underflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::denorm_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
    boost::math::policies::promote_double<false>, boost::math::policies::promote_float<false>>;

/// Probabilities are kept inside [kUMin, kUMax] before a quantile: the smallest normal
/// double and the largest double below 1, so that quantiles stay finite and deterministic.
inline constexpr double kUMin = std::numeric_limits<double>::min();
inline constexpr double kUMax = 1.0 - 0x1p-53;

}  // namespace plancast
