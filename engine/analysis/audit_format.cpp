// `plancast audit`'s numbers as an economist writes them, and the assumptions a scenario
// states (see audit_internal.h).
#include <algorithm>
#include <cmath>

#include "engine/analysis/audit_internal.h"
#include "engine/config/scenario.h"

namespace plancast::audit_detail {

/// Concatenation built step by step (avoids g++ 12's false -Wrestrict on "lit" + string&&).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (std::string_view p : parts) s += p;
  return s;
}

/// 5,509.8; 9,000; 506.9; 87.03; 1.65; 0.875: at least 4 significant digits below 100,
/// one decimal from 100 up, trailing zeros dropped, thousands separated by commas.
std::string num(double x) {
  if (!std::isfinite(x)) return "n/a";
  const double a = std::fabs(x);
  int decimals = 1;
  if (a < 100 && a > 0) {
    decimals = std::clamp(3 - static_cast<int>(std::floor(std::log10(a))), 1, 6);
  }
  std::string s = fixed_text(x, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return group_thousands(s);
}

/// A rate as a percentage with `decimals` decimals: 0.17638 -> "17.64%".
std::string pct(double r, int decimals) {
  if (!std::isfinite(r)) return "n/a";
  std::string s = fixed_text(100 * r, decimals);
  s += "%";
  return s;
}

/// A stated rate as written (up to 4 decimals of a percent, zeros dropped): 0.176 -> "17.6%".
std::string pct_stated(double r) {
  std::string s = fixed_text(100 * r, 4);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  s += "%";
  return s;
}

/// A difference of rates in percentage points, signed: "+0.04", "-6.91".
std::string points(double d) {
  std::string s = d >= 0 ? "+" : "";
  s += fixed_text(100 * d, 2);
  return s;
}

std::string probability_is(double p) {
  if (!std::isfinite(p)) return "= n/a";
  if (p > 0 && p < 0.001) return "< 0.1%";
  if (p < 1 && p > 0.999) return "> 99.9%";
  return "= " + fixed_text(100 * p, 1) + "%";
}

std::string range_text(const std::string& lo, const std::string& hi) {
  // The longest shared prefix ending in a space and suffix starting with one; what is left
  // of each must be one word (the number).
  std::size_t pre = 0;
  for (std::size_t i = 0; i < lo.size() && i < hi.size() && lo[i] == hi[i]; ++i) {
    if (lo[i] == ' ') pre = i + 1;
  }
  std::size_t suf = 0;
  for (std::size_t i = 1; i <= lo.size() - pre && i <= hi.size() - pre; ++i) {
    if (lo[lo.size() - i] != hi[hi.size() - i]) break;
    if (lo[lo.size() - i] == ' ') suf = i;
  }
  const std::string a = lo.substr(pre, lo.size() - pre - suf);
  const std::string b = hi.substr(pre, hi.size() - pre - suf);
  if (suf == 0 || a.empty() || b.empty() || a.find(' ') != std::string::npos ||
      b.find(' ') != std::string::npos) {
    return lo + " to " + hi;
  }
  return lo.substr(0, pre) + a + " to " + b + lo.substr(lo.size() - suf);
}

std::string span(int from, int to) {
  std::string s = std::to_string(from);
  s += "-";
  s += std::to_string(to);
  return s;
}

std::string years_text(double n) {
  std::string s = num(n);
  s += (n == 1) ? " year" : " years";
  return s;
}

Assumption assumption_of(const std::optional<Value>& v, const Scenario& sc) {
  Assumption a;
  if (!v) return a;
  if (v->is_param()) {
    const ParameterSpec* p = sc.find_parameter(v->param);
    if (!p) return a;
    try {
      auto d = std::make_shared<const Distribution>(p->dist);
      a.param = p->name;
      a.mean = d->mean();
      a.p10 = d->quantile(0.1);
      a.p90 = d->quantile(0.9);
      a.dist = std::move(d);
      a.present = std::isfinite(a.mean) && std::isfinite(a.p10) && std::isfinite(a.p90);
    } catch (...) {
      a = Assumption{};
    }
    return a;
  }
  if (std::isfinite(v->number)) {
    a.present = true;
    a.mean = a.p10 = a.p90 = v->number;
  }
  return a;
}

double Context::mean(const Value& v, double fallback) const {
  const Assumption a = assumption_of(v, sc_);
  return a.present ? a.mean : fallback;
}

const IndicatorInfo* find_info(const std::vector<IndicatorInfo>& infos, const std::string& name) {
  for (const IndicatorInfo& i : infos) {
    if (i.spec->name == name) return &i;
  }
  return nullptr;
}

}  // namespace plancast::audit_detail
