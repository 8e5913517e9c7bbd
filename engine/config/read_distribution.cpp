// The distribution grammar (SPEC §2.6): which keys each family takes, their ranges, the
// alternative mean/sd forms, and `truncate`. Checks report at the offending key and go on,
// so that every problem of a map is reported at once.
#include "engine/config/read_distribution.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/config/yaml_tree.h"
#include "engine/core/format.h"

namespace plancast {

namespace {

/// The advice on a zero spread.
constexpr const char* kUseFixed = "; use dist: fixed for a constant";

/// Reads one `dist:` map; `ok` turns false at the first problem of the family's keys.
class DistReader {
 public:
  explicit DistReader(NodeReader& r) : r_(r) {}

  std::optional<DistSpec> read();

 private:
  NodeReader& r_;
  DistSpec d_;
  std::string name_;
  bool ok_ = true;

  /// The number under key, which must be > lo (`why` is added to the range in messages).
  double above(const std::string& key, double lo, const std::string& why);
  double num(const std::string& key);
  double num_or(const std::string& key, double def);
  /// A non-empty list of numbers under key; false when it is not a list or is empty.
  bool list(const std::string& key, std::vector<double>& out);
  /// d_.min < d_.max, reported at hi_key.
  void range(const std::string& lo_key, const std::string& hi_key);
  /// For a family with a second form given by the mean and sd of the value (lognormal,
  /// gamma): true when that form is used, false for the native keys k1/k2; nullopt after
  /// reporting that both forms are given.
  std::optional<bool> value_form(const char* k1, const char* k2, const std::string& both);
  /// The mean and sd of the value, both > 0; nullopt after a problem.
  std::optional<std::pair<double, double>> value_moments(const std::string& family);

  /// On a bad `dist`: marks the keys of every family as known so that only 'dist' is
  /// reported, and gives up.
  std::optional<DistSpec> give_up();
  void read_family();
  void read_choice();
  void read_quantiles();
  void read_truncate();
};

double DistReader::above(const std::string& key, double lo, const std::string& why) {
  auto r = r_.required(key);
  if (!r) return ok_ = false, 0.0;
  auto x = r->number();
  if (!x) return ok_ = false, 0.0;
  if (!(*x > lo)) {
    r->error(key + "=" + r->node().Scalar() + " (must be > " + canonical_number(lo) + why + ")");
    ok_ = false;
  }
  return *x;
}

double DistReader::num(const std::string& key) {
  auto x = r_.number_at(key);
  if (!x) return ok_ = false, 0.0;
  return *x;
}

double DistReader::num_or(const std::string& key, double def) {
  auto x = r_.number_or(key, def);
  if (!x) return ok_ = false, def;
  return *x;
}

bool DistReader::list(const std::string& key, std::vector<double>& out) {
  auto r = r_.required(key);
  if (!r) return ok_ = false;
  if (!r->expect_sequence()) return ok_ = false;
  auto items = r->items();
  if (items.empty()) return ok_ = r->error(key + " is empty (give at least one number)");
  for (auto& it : items) {
    if (auto x = it.number()) {
      out.push_back(*x);
    } else {
      ok_ = false;
    }
  }
  return true;
}

void DistReader::range(const std::string& lo_key, const std::string& hi_key) {
  if (!ok_ || d_.min < d_.max) return;
  r_.required(hi_key)->error(hi_key + "=" + canonical_number(d_.max) + " (must be > " + lo_key +
                             "=" + canonical_number(d_.min) + ")");
  ok_ = false;
}

std::optional<bool> DistReader::value_form(const char* k1, const char* k2,
                                           const std::string& both) {
  const bool native = r_.has(k1) || r_.has(k2);
  const bool value = r_.has("mean") || r_.has("sd");
  if (native && value) {
    r_.error(both);
    ok_ = false;
    return std::nullopt;
  }
  return value;
}

std::optional<std::pair<double, double>> DistReader::value_moments(const std::string& family) {
  const double mean = above("mean", 0, "; a " + family + " value is positive");
  const double sd = above("sd", 0, kUseFixed);
  if (!ok_) return std::nullopt;
  return std::make_pair(mean, sd);
}

std::optional<DistSpec> DistReader::give_up() {
  for (const char* k :
       {"value", "mean",  "sd", "mu",  "sigma",  "min",     "max", "mode", "alpha", "beta",
        "shape", "scale", "df", "loc", "values", "weights", "p10", "p50",  "p90",   "truncate"}) {
    r_.allow(k);
  }
  r_.finish();
  return std::nullopt;
}

std::optional<DistSpec> DistReader::read() {
  if (!r_.expect_map()) return std::nullopt;
  d_.loc = r_.loc();
  const std::size_t errors_before = r_.diags().size();
  if (auto r = r_.required("dist")) {
    if (auto s = r->string()) name_ = *s;
  }
  if (name_.empty()) return give_up();
  const std::optional<DistFamily> family = dist_family_named(name_);
  if (!family) {
    std::vector<std::string> names;
    std::string known;
    for (const DistFamily f : kDistFamilies) {
      names.emplace_back(to_string(f));
      known += (known.empty() ? "" : ", ") + names.back();
    }
    const std::string near = nearest(name_, names);
    r_.optional("dist")->error("unknown distribution '" + name_ + "' (" +
                               (near.empty() ? "" : "did you mean '" + near + "'? ") +
                               "known: " + known + ")");
    return give_up();
  }
  d_.family = *family;
  read_family();
  read_truncate();
  r_.finish();
  if (!ok_ || r_.diags().size() != errors_before) return std::nullopt;
  return d_;
}

void DistReader::read_family() {
  switch (d_.family) {
    case DistFamily::fixed:
      d_.value = num("value");
      break;
    case DistFamily::normal:
      d_.mean = num("mean");
      d_.sd = above("sd", 0, kUseFixed);
      break;
    case DistFamily::lognormal: {
      const auto form = value_form(
          "mu", "sigma",
          "lognormal takes either mu/sigma (of the log) or mean/sd (of the value), not both");
      if (!form) break;
      if (*form) {
        if (const auto m = value_moments("lognormal")) {
          // Moments of the value → parameters of its log.
          const auto [mean, sd] = *m;
          const double s2 = std::log1p((sd * sd) / (mean * mean));
          d_.sigma = std::sqrt(s2);
          d_.mu = std::log(mean) - s2 / 2;
        }
      } else {
        d_.mu = num("mu");
        d_.sigma = above("sigma", 0, kUseFixed);
      }
      break;
    }
    case DistFamily::uniform:
      d_.min = num("min");
      d_.max = num("max");
      range("min", "max");
      break;
    case DistFamily::triangular:
    case DistFamily::pert:
      d_.min = num("min");
      d_.mode = num("mode");
      d_.max = num("max");
      range("min", "max");
      if (ok_ && (d_.mode < d_.min || d_.mode > d_.max)) {
        r_.required("mode")->error("mode=" + canonical_number(d_.mode) +
                                   " (must be in [min, max] = [" + canonical_number(d_.min) + ", " +
                                   canonical_number(d_.max) + "])");
        ok_ = false;
      }
      break;
    case DistFamily::beta:
      d_.alpha = above("alpha", 0, "");
      d_.beta = above("beta", 0, "");
      d_.min = num_or("min", 0);
      d_.max = num_or("max", 1);
      if (ok_ && !(d_.min < d_.max)) {
        r_.error("max=" + canonical_number(d_.max) + " (must be > min=" + canonical_number(d_.min) +
                 ")");
        ok_ = false;
      }
      break;
    case DistFamily::gamma: {
      const auto form =
          value_form("shape", "scale", "gamma takes either shape/scale or mean/sd, not both");
      if (!form) break;
      if (*form) {
        if (const auto m = value_moments("gamma")) {
          const auto [mean, sd] = *m;
          d_.shape = mean * mean / (sd * sd);
          d_.scale = sd * sd / mean;
        }
      } else {
        d_.shape = above("shape", 0, "");
        d_.scale = above("scale", 0, "");
      }
      break;
    }
    case DistFamily::student_t:
      d_.df = above("df", 0, "");
      d_.loc_ = num_or("loc", 0);
      d_.scale = 1;
      if (r_.has("scale")) d_.scale = above("scale", 0, "");
      break;
    case DistFamily::empirical:
      list("values", d_.values);
      break;
    case DistFamily::choice:
      read_choice();
      break;
    case DistFamily::quantiles:
      read_quantiles();
      break;
  }
}

void DistReader::read_choice() {
  list("values", d_.values);
  if (!r_.has("weights")) {
    if (ok_) d_.weights.assign(d_.values.size(), 1.0);  // equal weights when none are given
    return;
  }
  auto w = r_.required("weights");
  std::vector<double> ws;
  if (!list("weights", ws) || !ok_) return;
  double sum = 0;
  bool neg = false;
  for (double x : ws) {
    neg = neg || x < 0;
    sum += x;
  }
  if (ws.size() != d_.values.size()) {
    w->error("weights has " + std::to_string(ws.size()) + " entries but values has " +
             std::to_string(d_.values.size()) + " (give one weight per value)");
    ok_ = false;
  } else if (neg) {
    w->error("weights must be >= 0");
    ok_ = false;
  } else if (!(sum > 0) || !std::isfinite(sum)) {
    w->error("weights must have a positive, finite sum");
    ok_ = false;
  }
  d_.weights = ws;
}

void DistReader::read_quantiles() {
  // Expert judgement: three percentiles, fitted to a three-term metalog (Keelin 2016).
  d_.p10 = num("p10");
  d_.p50 = num("p50");
  d_.p90 = num("p90");
  if (!ok_) return;
  if (!(d_.p10 < d_.p50)) {
    r_.required("p50")->error("p50=" + canonical_number(d_.p50) + " (must be > p10=" +
                              canonical_number(d_.p10) + "; the percentiles must increase)");
    ok_ = false;
  }
  if (!(d_.p50 < d_.p90)) {
    r_.required("p90")->error("p90=" + canonical_number(d_.p90) + " (must be > p50=" +
                              canonical_number(d_.p50) + "; the percentiles must increase)");
    ok_ = false;
  }
  if (!ok_) return;
  const Metalog3 m = fit_metalog3(d_.p10, d_.p50, d_.p90);
  const double skew = metalog3_skew(m);
  if (!std::isfinite(m.a2) || !std::isfinite(m.a3) || !(m.a2 > 0)) {
    r_.error("quantiles p10=" + canonical_number(d_.p10) + ", p90=" + canonical_number(d_.p90) +
             " (the spread is too large or too small to fit; rescale the unit)");
    ok_ = false;
  } else if (!(skew < kMetalog3Bound)) {
    const double lower = d_.p50 - d_.p10, upper = d_.p90 - d_.p50;
    const double ratio = std::max(upper, lower) / std::min(upper, lower);
    std::string why = "quantiles p10=" + canonical_number(d_.p10);
    why += ", p50=" + canonical_number(d_.p50);
    why += ", p90=" + canonical_number(d_.p90);
    why += " are too skewed for a three-term metalog (";
    why += upper > lower ? "p90-p50 is " : "p50-p10 is ";
    why += canonical_number(std::round(100 * ratio) / 100);
    why += upper > lower ? " times p50-p10" : " times p90-p50";
    why += "; at most about 5, |a3|/a2=" + canonical_number(std::round(1e4 * skew) / 1e4);
    why += " must be < 1.66711): move p50 towards the middle, or use lognormal or gamma";
    r_.error(why);
    ok_ = false;
  }
}

void DistReader::read_truncate() {
  auto t = r_.optional("truncate");
  if (!t) return;
  if (!t->is_sequence() || t->items().size() != 2) {
    t->error("truncate must be a list [lo, hi], got " + t->describe());
    ok_ = false;
    return;
  }
  std::vector<double> lohi;
  for (auto& it : t->items()) {
    if (auto x = it.number()) lohi.push_back(*x);
  }
  if (lohi.size() != 2) {
    ok_ = false;
    return;
  }
  const std::string window =
      "truncate=[" + canonical_number(lohi[0]) + ", " + canonical_number(lohi[1]) + "]";
  if (!(lohi[0] < lohi[1])) {
    t->error(window + " (must have lo < hi)");
    ok_ = false;
    return;
  }
  if (!ok_) return;
  d_.truncate = std::array<double, 2>{lohi[0], lohi[1]};
  // Quick support checks where the support is known here; the Distribution checks the rest.
  bool empty = false;
  switch (d_.family) {
    case DistFamily::fixed:
      empty = d_.value < lohi[0] || d_.value > lohi[1];
      break;
    case DistFamily::uniform:
    case DistFamily::triangular:
    case DistFamily::pert:
    case DistFamily::beta:
      empty = !(lohi[1] > d_.min && lohi[0] < d_.max);
      break;
    case DistFamily::lognormal:
    case DistFamily::gamma:
      empty = !(lohi[1] > 0);
      break;
    case DistFamily::empirical:
    case DistFamily::choice:
      empty = std::none_of(d_.values.begin(), d_.values.end(),
                           [&](double v) { return v >= lohi[0] && v <= lohi[1]; });
      break;
    default:
      break;
  }
  if (empty) {
    t->error(window + " (the " + name_ + " distribution has no probability in that range)");
    ok_ = false;
  }
}

}  // namespace

std::optional<DistSpec> read_distribution(NodeReader& map) {
  std::optional<DistSpec> spec = DistReader(map).read();
  if (spec && !map.check_only()) spec->written = yaml_tree::flow_text(map.node());
  return spec;
}

}  // namespace plancast
