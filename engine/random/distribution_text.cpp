// The one-line text of a distribution for reports and messages ("normal(mean 0.176, sd
// 0.03) truncated to [0, 0.4]").
#include "engine/random/distribution_impl.h"

namespace plancast {

using namespace dist_detail;

std::string Distribution::safe_describe() const {
  try {
    return describe();
  } catch (const std::exception&) {
    return to_string(impl_->spec.family);
  }
}

namespace {

/// A derived coefficient to 4 significant digits.
std::string four_digits(double x) {
  return general_text(x, 4);
}

}  // namespace

std::string Distribution::describe(const NumberStyle& style) const {
  const DistSpec& s = impl_->spec;
  const auto num = style.value ? style.value : dist_detail::num;
  const auto g4 = style.coefficient ? style.coefficient : four_digits;
  std::string out = to_string(s.family);
  switch (s.family) {
    case DistFamily::fixed:
      out += '(';  // step by step: g++ 12 -O3 warns on "(" + string&& (PR105651)
      out += num(s.value);
      out += ')';
      break;
    case DistFamily::normal:
      out += "(mean " + num(s.mean) + ", sd " + num(s.sd) + ")";
      break;
    case DistFamily::lognormal:
      out += "(mu " + num(s.mu) + ", sigma " + num(s.sigma) + ")";
      break;
    case DistFamily::uniform:
      out += "(min " + num(s.min) + ", max " + num(s.max) + ")";
      break;
    case DistFamily::triangular:
    case DistFamily::pert:
      out += "(min " + num(s.min) + ", mode " + num(s.mode) + ", max " + num(s.max) + ")";
      break;
    case DistFamily::beta:
      out += "(alpha " + num(s.alpha) + ", beta " + num(s.beta) + " on [" + num(s.min) + ", " +
             num(s.max) + "])";
      break;
    case DistFamily::gamma:
      out += "(shape " + num(s.shape) + ", scale " + num(s.scale) + ")";
      break;
    case DistFamily::student_t:
      out += "(df " + num(s.df) + ", loc " + num(s.loc_) + ", scale " + num(s.scale) + ")";
      break;
    case DistFamily::empirical:
      out += '(';
      out += std::to_string(s.values.size());
      out += " values)";
      break;
    case DistFamily::choice:
      out += '(';
      out += std::to_string(s.values.size());
      out += " weighted values)";
      break;
    case DistFamily::quantiles: {
      const Metalog& d = std::get<Metalog>(impl_->base);
      out += "(p10 " + num(s.p10) + ", p50 " + num(s.p50) + ", p90 " + num(s.p90);
      out += ") -> metalog(a1 " + g4(d.a1) + ", a2 " + g4(d.a2) + ", a3 " + g4(d.a3) + ")";
      break;
    }
  }
  if (s.truncate && (impl_->truncated || is_discrete(s.family))) {
    out += " truncated to [" + num((*s.truncate)[0]) + ", " + num((*s.truncate)[1]) + "]";
  }
  return out;
}

}  // namespace plancast
