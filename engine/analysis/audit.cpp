// `plancast audit` as a library: the checks of a scenario's own numbers (see audit.h).
#include "engine/analysis/audit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <regex>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "engine/analysis/plausibility.h"
#include "engine/analysis/reach.h"
#include "engine/random/distribution.h"

namespace plancast {

const char* to_string(AuditGrade g) {
  switch (g) {
    case AuditGrade::ok:
      return "ok";
    case AuditGrade::warning:
      return "warning";
    case AuditGrade::inconsistent:
      return "inconsistent";
  }
  return "?";
}

double AuditFinding::value(const std::string& name) const {
  for (const auto& [k, v] : values) {
    if (k == name) return v;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

std::size_t AuditReport::count(AuditGrade g) const {
  return static_cast<std::size_t>(std::count_if(
      findings.begin(), findings.end(), [g](const AuditFinding& f) { return f.grade == g; }));
}

std::pair<std::string, std::string> parse_share_formula(const std::string& formula) {
  static const std::regex front(
      R"(^\s*100(?:\.0*)?\s*\*\s*([A-Za-z_][A-Za-z0-9_]*)\s*/\s*([A-Za-z_][A-Za-z0-9_]*)\s*$)");
  static const std::regex back(
      R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*/\s*([A-Za-z_][A-Za-z0-9_]*)\s*\*\s*100(?:\.0*)?\s*$)");
  std::smatch m;
  if (std::regex_match(formula, m, front) || std::regex_match(formula, m, back)) {
    return {m[1].str(), m[2].str()};
  }
  return {};
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Concatenation built step by step (avoids g++ 12's false -Wrestrict on "lit" + string&&).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (std::string_view p : parts) s += p;
  return s;
}

// ---- formatting (ASCII; numbers as an economist writes them) ------------------------------

std::string fixed(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
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
  std::string s = fixed(x, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  // Thousands separators, copied into a new string (no in-place insert).
  const std::size_t sign = (s[0] == '-') ? 1 : 0;
  std::size_t end = s.find('.');
  if (end == std::string::npos) end = s.size();
  std::string out(s, 0, sign);
  for (std::size_t i = sign; i < end; ++i) {
    if (i > sign && (end - i) % 3 == 0) out += ',';
    out += s[i];
  }
  out.append(s, end, std::string::npos);
  return out;
}

/// A rate as a percentage with `decimals` decimals: 0.17638 -> "17.64%".
std::string pct(double r, int decimals = 2) {
  if (!std::isfinite(r)) return "n/a";
  std::string s = fixed(100 * r, decimals);
  s += "%";
  return s;
}

/// A stated rate as written (up to 4 decimals of a percent, zeros dropped): 0.176 -> "17.6%".
std::string pct_stated(double r) {
  std::string s = fixed(100 * r, 4);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  s += "%";
  return s;
}

/// A difference of rates in percentage points, signed: "+0.04", "-6.91".
std::string points(double d) {
  std::string s = d >= 0 ? "+" : "";
  s += fixed(100 * d, 2);
  return s;
}

std::string probability(double p) {
  if (!std::isfinite(p)) return "n/a";
  if (p > 0 && p < 0.001) return "<0.1%";
  if (p < 1 && p > 0.999) return ">99.9%";
  return fixed(100 * p, 1) + "%";
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

// ---- what the scenario assumes, read from its canonical text -------------------------------

/// A number, or a parameter's distribution, as the scenario writes a rate.
struct Assumption {
  bool present = false;
  std::string param;  ///< empty: a constant
  double mean = kNaN, p10 = kNaN, p90 = kNaN;
  std::shared_ptr<const Distribution> dist;

  /// P(rate >= r): from the distribution, or 0/1 for a constant.
  double prob_at_least(double r) const {
    if (dist) return 1 - dist->cdf(r);
    return mean >= r ? 1.0 : 0.0;
  }
  double prob_at_most(double r) const {
    if (dist) return dist->cdf(r);
    return mean <= r ? 1.0 : 0.0;
  }
  std::string name() const { return param.empty() ? std::string("constant") : param; }
};

Assumption assumption_of(const YAML::Node& n, const Scenario& sc) {
  Assumption a;
  if (!n || !n.IsScalar()) return a;
  const std::string text = n.Scalar();
  if (const ParameterSpec* p = sc.find_parameter(text)) {
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
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (end && *end == '\0' && !text.empty() && std::isfinite(x)) {
    a.present = true;
    a.mean = a.p10 = a.p90 = x;
  }
  return a;
}

/// How an indicator's growth is measured, by process.
enum class Metric {
  none,        ///< formula, firm_population, unknown: no rate of its own
  cagr,        ///< growth, form simple: (v1/v0)^(1/n) - 1
  log_rate,    ///< growth, form log: ln(v1/v0)/n
  logit_rate,  ///< logistic: (logit(v1/cap) - logit(v0/cap))/n
  arrivals,    ///< count: arrivals a year
};

struct IndicatorInfo {
  const IndicatorSpec* spec = nullptr;
  Metric metric = Metric::none;
  Assumption rate;              ///< first trend segment's rate, or count's rate
  double cap = kNaN;            ///< logistic
  double rate_growth = 0;       ///< count (mean when a parameter)
  double exit = 0;              ///< count (mean when a parameter)
  bool count_adjusted = false;  ///< count with rate_growth or exit other than 0
  std::string formula;          ///< formula text
};

YAML::Node child(const YAML::Node& n, const char* key) {
  if (!n || !n.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node c = n[key];
  return c;
}

double mean_of(const YAML::Node& n, const Scenario& sc, double def) {
  if (!n) return def;
  const Assumption a = assumption_of(n, sc);
  return a.present ? a.mean : def;
}

IndicatorInfo info_of(const IndicatorSpec& ind, const YAML::Node& indicators, const Scenario& sc) {
  IndicatorInfo info;
  info.spec = &ind;
  try {
    const YAML::Node node = child(indicators, ind.name.c_str());
    const YAML::Node proc = child(node, ind.process.c_str());
    if (ind.process == "growth" || ind.process == "logistic") {
      const YAML::Node trend = child(proc, "trend");
      YAML::Node rate;
      if (trend && trend.IsScalar()) {
        rate = trend;
      } else if (trend && trend.IsSequence() && trend.size() > 0) {
        rate = child(trend[0], "rate");
      }
      info.rate = assumption_of(rate, sc);
      if (ind.process == "growth") {
        const YAML::Node form = child(proc, "form");
        info.metric =
            (form && form.IsScalar() && form.Scalar() == "log") ? Metric::log_rate : Metric::cagr;
      } else {
        info.cap = mean_of(child(proc, "cap"), sc, kNaN);
        info.metric = std::isfinite(info.cap) && info.cap > 0 ? Metric::logit_rate : Metric::none;
      }
    } else if (ind.process == "count") {
      info.metric = Metric::arrivals;
      info.rate = assumption_of(child(proc, "rate"), sc);
      info.rate_growth = mean_of(child(proc, "rate_growth"), sc, 0.0);
      info.exit = std::clamp(mean_of(child(proc, "exit"), sc, 0.0), 0.0, 1.0);
      info.count_adjusted = info.rate_growth != 0 || info.exit != 0;
    } else if (ind.process == "formula") {
      if (proc && proc.IsScalar()) info.formula = proc.Scalar();
    }
  } catch (const YAML::Exception&) {
    // An unexpected shape: audit what can be audited without it.
  }
  return info;
}

// ---- rates -------------------------------------------------------------------------------

double logit(double p) {
  return std::log(p / (1 - p));
}

/// The rate, in the indicator's metric, that takes v0 to v1 in n years (NaN if none does).
/// For a count: the net change a year (history), see required_arrivals() for targets.
double rate_between(const IndicatorInfo& info, double v0, double v1, double n) {
  if (!(n > 0) || !std::isfinite(v0) || !std::isfinite(v1)) return kNaN;
  switch (info.metric) {
    case Metric::cagr:
      if (v0 > 0 && v1 >= 0) return std::pow(v1 / v0, 1 / n) - 1;
      return kNaN;
    case Metric::log_rate:
      if (v0 > 0 && v1 > 0) return std::log(v1 / v0) / n;
      return kNaN;
    case Metric::logit_rate:
      if (v0 > 0 && v1 > 0 && v0 < info.cap && v1 < info.cap) {
        return (logit(v1 / info.cap) - logit(v0 / info.cap)) / n;
      }
      return kNaN;
    case Metric::arrivals:
      return (v1 - v0) / n;
    case Metric::none:
      break;
  }
  return kNaN;
}

/// Count: the first-year arrival rate λ whose expected path reaches v1 from v0 in n years,
/// with the scenario's rate_growth g and exit q (their means when parameters):
/// E N_n = v0 (1-q)^n + λ Σ_{k<n} (1+g)^k (1-q)^(n-1-k).
double required_arrivals(const IndicatorInfo& info, double v0, double v1, int n) {
  double sum = 0;
  for (int k = 0; k < n; ++k) {
    sum += std::pow(1 + info.rate_growth, k) * std::pow(1 - info.exit, n - 1 - k);
  }
  if (!(sum > 0)) return kNaN;
  return (v1 - v0 * std::pow(1 - info.exit, n)) / sum;
}

/// The value reached from v0 after n years at rate r, in the indicator's metric.
double value_after(const IndicatorInfo& info, double v0, double r, int n) {
  switch (info.metric) {
    case Metric::cagr:
      return v0 * std::pow(1 + r, n);
    case Metric::log_rate:
      return v0 * std::exp(r * n);
    default:
      return kNaN;
  }
}

std::string rate_text(const IndicatorInfo& info, double r) {
  switch (info.metric) {
    case Metric::cagr:
    case Metric::log_rate:
      return pct(r) + "/yr";
    case Metric::logit_rate: {
      std::string s = fixed(r, 3);
      s += " a year in logit";
      return s;
    }
    case Metric::arrivals: {
      std::string s = num(r);
      s += " a year";
      return s;
    }
    case Metric::none:
      break;
  }
  return num(r);
}

/// Rate of the history up to the base year: first and last point at or before base_year.
struct HistoryRate {
  bool present = false;
  int from = 0, to = 0;
  double rate = kNaN;
};

HistoryRate history_rate(const IndicatorInfo& info, int base_year) {
  HistoryRate h;
  const HistoryPoint* first = nullptr;
  const HistoryPoint* last = nullptr;
  for (const HistoryPoint& p : info.spec->history) {
    if (p.year > base_year) continue;
    if (!first) first = &p;
    last = &p;
  }
  if (!first || first == last) return h;
  h.rate = rate_between(info, first->value, last->value, last->year - first->year);
  h.present = std::isfinite(h.rate);
  h.from = first->year;
  h.to = last->year;
  return h;
}

const HistoryPoint* history_at(const IndicatorSpec& ind, int year) {
  for (const HistoryPoint& p : ind.history) {
    if (p.year == year) return &p;
  }
  return nullptr;
}

// ---- the checks --------------------------------------------------------------------------

AuditFinding claim_finding(const IndicatorSpec& ind, const ClaimSpec& c) {
  AuditFinding f;
  f.kind = "claim";
  f.subject = ind.name;
  const int n = c.to - c.from;
  std::string stated = "stated ";
  stated += pct_stated(c.cagr);
  stated += "/yr over ";
  stated += span(c.from, c.to);
  stated += " (";
  stated += years_text(n);
  stated += ")";
  f.values.emplace_back("stated_cagr", c.cagr);
  f.values.emplace_back("years", n);
  const HistoryPoint* a = history_at(ind, c.from);
  const HistoryPoint* b = history_at(ind, c.to);
  if (!a || !b || !(a->value > 0) || !(b->value > 0)) {
    f.grade = AuditGrade::warning;
    f.message = stated;
    f.message += "; cannot check: the history has no positive value at ";
    if (!a || !(a->value > 0)) {
      f.message += std::to_string(c.from);
      if (!b || !(b->value > 0)) f.message += cat({" or ", std::to_string(c.to)});
    } else {
      f.message += std::to_string(c.to);
    }
    f.message += ".";
    return f;
  }
  const double ratio = b->value / a->value;
  const double implied = std::pow(ratio, 1.0 / n) - 1;
  f.values.emplace_back("implied_cagr", implied);
  std::string history = "history ";
  history += num(a->value);
  history += cat({" (", std::to_string(c.from), ") to "});
  history += num(b->value);
  history += cat({" (", std::to_string(c.to), ") implies "});
  history += pct(implied);
  history += "/yr";
  if (c.real) {
    f.grade = AuditGrade::warning;
    f.message = stated;
    f.message += " at constant prices (basis: real); not comparable with the nominal history, ";
    f.message += "which implies ";
    f.message += pct(implied);
    f.message += "/yr: not checked.";
    return f;
  }
  const double diff = implied - c.cagr;
  f.values.emplace_back("difference", diff);
  const double years_needed =
      (c.cagr > 0 || c.cagr < 0) ? std::log(ratio) / std::log1p(c.cagr) : kNaN;
  f.values.emplace_back("years_needed", years_needed);
  f.message = stated;
  f.message += "; ";
  f.message += history;
  f.message += " (";
  f.message += points(diff);
  f.message += " points)";
  if (std::fabs(diff) <= kClaimTolerance) {
    f.grade = AuditGrade::ok;
    f.message += ": consistent.";
    return f;
  }
  f.grade = AuditGrade::inconsistent;
  f.message += ": the numbers contradict each other. ";
  if (std::isfinite(years_needed) && years_needed > 0) {
    f.message += "At ";
    f.message += pct_stated(c.cagr);
    f.message += "/yr the rise from ";
    f.message += num(a->value);
    f.message += " to ";
    f.message += num(b->value);
    f.message += " takes ";
    f.message += fixed(years_needed, 1);
    f.message += " years, i.e. ";
    const int end = c.from + static_cast<int>(std::lround(years_needed));
    f.message += span(c.from, end);
    f.message += ", not ";
    f.message += span(c.from, c.to);
    f.message += ".";
  } else {
    f.message +=
        "No span reconciles them (the history and the claim move in opposite "
        "directions).";
  }
  return f;
}

void base_findings(const IndicatorInfo& info, const Scenario& sc,
                   const std::vector<IndicatorInfo>& all, std::vector<AuditFinding>& out) {
  const IndicatorSpec& ind = *info.spec;
  const HistoryPoint* h = history_at(ind, sc.base_year);
  auto find_info = [&](const std::string& name) -> const IndicatorInfo* {
    for (const IndicatorInfo& i : all) {
      if (i.spec->name == name) return &i;
    }
    return nullptr;
  };
  if (h && ind.has_base) {
    AuditFinding f;
    f.kind = "base";
    f.subject = ind.name;
    const double diff = ind.base - h->value;
    f.values.emplace_back("base", ind.base);
    f.values.emplace_back("history", h->value);
    const bool agree = std::fabs(diff) <= kBaseTolerance * std::fabs(h->value);
    f.grade = agree ? AuditGrade::ok : AuditGrade::inconsistent;
    f.message = "base ";
    f.message += num(ind.base);
    f.message += agree ? " agrees with" : " differs from";
    f.message += " the history at the base year ";
    f.message += std::to_string(sc.base_year);
    f.message += " (";
    f.message += num(h->value);
    f.message += ")";
    if (!agree && h->value != 0) {
      f.message += " by ";
      f.message += fixed(100 * diff / std::fabs(h->value), 1);
      f.message += "%: one of them is wrong, or the base is not for ";
      f.message += std::to_string(sc.base_year);
    }
    f.message += ".";
    out.push_back(std::move(f));
  } else if (h && ind.process == "formula") {
    // A share `100 * A / B` against its own history: the inputs' bases give its base value.
    const auto [a, b] = parse_share_formula(info.formula);
    const IndicatorInfo* ia = a.empty() ? nullptr : find_info(a);
    const IndicatorInfo* ib = b.empty() ? nullptr : find_info(b);
    if (ia && ib && ia->spec->has_base && ib->spec->has_base && ib->spec->base != 0) {
      const double share = 100 * ia->spec->base / ib->spec->base;
      const double tol = std::max(kBaseTolerance * std::fabs(h->value), kShareRounding);
      const bool agree = std::fabs(share - h->value) <= tol;
      AuditFinding f;
      f.kind = "base";
      f.subject = ind.name;
      f.grade = agree ? AuditGrade::ok : AuditGrade::inconsistent;
      f.values.emplace_back("base", share);
      f.values.emplace_back("history", h->value);
      f.message = "100 * ";
      f.message += a + " / " + b + " at the base year = 100 * " + num(ia->spec->base) + " / " +
                   num(ib->spec->base) + " = " + fixed(share, 2);
      f.message += agree ? ", agrees with" : ", differs from";
      f.message +=
          cat({" the history at ", std::to_string(sc.base_year), " (", num(h->value), ")"});
      f.message += agree ? "." : ": the inputs' bases and the share do not fit together.";
      out.push_back(std::move(f));
    }
  }
  std::vector<const HistoryPoint*> after;
  for (const HistoryPoint& p : ind.history) {
    if (p.year > sc.base_year) after.push_back(&p);
  }
  if (!after.empty()) {
    AuditFinding f;
    f.kind = "base";
    f.subject = ind.name;
    f.grade = AuditGrade::warning;
    f.message =
        cat({"the history has values after the base year ", std::to_string(sc.base_year), " ("});
    for (std::size_t i = 0; i < after.size(); ++i) {
      if (i) f.message += ", ";
      f.message += std::to_string(after[i]->year) + ": " + num(after[i]->value);
    }
    f.message +=
        "), but the simulation starts from the base year: check the base year and the "
        "base value.";
    f.values.emplace_back("first_year_after_base", after.front()->year);
    out.push_back(std::move(f));
  }
}

/// What a required rate means against history and assumption: appends to f.message, sets
/// f.grade and f.values. `at_least`: the target needs at least `required`.
void compare_rate(const IndicatorInfo& info, const Scenario& sc, double required, bool at_least,
                  AuditFinding& f) {
  f.values.emplace_back("required_rate", required);
  std::vector<std::string> beyond;
  const HistoryRate h = history_rate(info, sc.base_year);
  if (h.present) {
    f.values.emplace_back("history_rate", h.rate);
    f.message += "; history ";
    f.message += rate_text(info, h.rate);
    f.message += cat({" (", span(h.from, h.to), ")"});
    if (at_least ? required > h.rate : required < h.rate) {
      beyond.push_back(at_least ? "more than history" : "less than history");
    }
  }
  const Assumption& a = info.rate;
  if (a.present) {
    f.values.emplace_back("assumption_mean", a.mean);
    f.values.emplace_back("assumption_p10", a.p10);
    f.values.emplace_back("assumption_p90", a.p90);
    const double p = at_least ? a.prob_at_least(required) : a.prob_at_most(required);
    f.values.emplace_back("assumption_probability", p);
    f.message += "; assumption ";
    f.message += a.name();
    if (a.dist) {
      f.message += " mean ";
      f.message += rate_text(info, a.mean);
      f.message += ", p10-p90 ";
      f.message += rate_text(info, a.p10);
      f.message += " to ";
      f.message += rate_text(info, a.p90);
      f.message += at_least ? ", P(rate >= required) = " : ", P(rate <= required) = ";
      f.message += probability(p);
    } else {
      f.message += " ";
      f.message += rate_text(info, a.mean);
    }
    if (at_least ? required > a.p90 : required < a.p10) {
      beyond.push_back(at_least ? "more than the assumption's p90" : "less than its p10");
    }
  }
  if (!h.present && !a.present) {
    f.grade = AuditGrade::ok;
    f.message += "; no history or assumption to compare with.";
    return;
  }
  if (beyond.empty()) {
    f.grade = AuditGrade::ok;
    f.message += ": within ";
    if (h.present) f.message += a.present ? "history and the assumption's range." : "history.";
    if (!h.present) f.message += "the assumption's range.";
    return;
  }
  f.grade = AuditGrade::warning;
  f.message += ": needs ";
  for (std::size_t i = 0; i < beyond.size(); ++i) {
    if (i) f.message += " and ";
    f.message += beyond[i];
  }
  f.message += ".";
}

AuditFinding target_finding(const TargetSpec& t, const IndicatorInfo* info, const Scenario& sc) {
  AuditFinding f;
  f.kind = "target";
  f.subject = t.id;
  f.grade = AuditGrade::ok;
  const bool at_least = t.op == TargetOp::at_least;
  const int n = t.year - sc.base_year;
  std::string goal = t.indicator;
  goal += at_least ? " >= " : " <= ";
  goal += num(t.value);
  goal += t.by ? " by " : " in ";
  goal += std::to_string(t.year);
  if (!info) {
    f.message = goal + ": ok (not checkable): an output of a process without a growth rate.";
    return f;
  }
  const IndicatorSpec& ind = *info->spec;
  if (n <= 0) {
    f.message = goal + ": ok (not checkable): the target year is not after the base year " +
                std::to_string(sc.base_year) + ".";
    return f;
  }
  if (!ind.has_base || info->metric == Metric::none) {
    f.message = goal + ": ok (not checkable): ";
    if (ind.process != "formula") {
      f.message += "its process has no growth rate to compare.";
    } else if (!parse_share_formula(info->formula).first.empty()) {
      f.message += "a share of other indicators (see the implied findings).";
    } else {
      f.message += "a formula of other indicators.";
    }
    return f;
  }
  f.values.emplace_back("years", n);
  f.message = goal + ": ";
  if (info->metric == Metric::arrivals) {
    const double net = (t.value - ind.base) / n;
    const double lambda = required_arrivals(*info, ind.base, t.value, n);
    f.values.emplace_back("net_per_year", net);
    f.message += num(ind.base) + " -> " + num(t.value) + " is " + num(t.value - ind.base) +
                 " net in " + years_text(n) + " (" + num(net) + " a year)";
    if (info->count_adjusted) {
      f.message += cat({"; with rate_growth ", pct(info->rate_growth, 1), " and exit ",
                        pct(info->exit, 1), ", expected first-year arrivals of ", num(lambda)});
    }
    // History for a count is the net change a year; the assumption is the arrival rate.
    AuditFinding g;
    g.message = "";
    compare_rate(*info, sc, lambda, at_least, g);
    f.message += g.message;
    f.grade = g.grade;
    f.values.insert(f.values.end(), g.values.begin(), g.values.end());
    return f;
  }
  const double required = rate_between(*info, ind.base, t.value, n);
  if (!std::isfinite(required)) {
    f.message += cat({"ok (not checkable): no rate of this process takes ", num(ind.base), " to ",
                      num(t.value), "."});
    return f;
  }
  f.message += num(ind.base) + " (" + std::to_string(sc.base_year) + ") -> " + num(t.value) +
               " needs " + rate_text(*info, required) + " over " + years_text(n);
  compare_rate(*info, sc, required, at_least, f);
  return f;
}

void implied_findings(const Scenario& sc, const std::vector<IndicatorInfo>& infos,
                      std::vector<AuditFinding>& out) {
  auto find_info = [&](const std::string& name) -> const IndicatorInfo* {
    for (const IndicatorInfo& i : infos) {
      if (i.spec->name == name) return &i;
    }
    return nullptr;
  };
  for (const TargetSpec& share : sc.targets) {
    const IndicatorInfo* fi = find_info(share.indicator);
    if (!fi || fi->spec->process != "formula" || share.by) continue;
    const auto [a, b] = parse_share_formula(fi->formula);
    if (a.empty() || !(share.value > 0)) continue;
    for (const TargetSpec& value : sc.targets) {
      if (&value == &share || value.by || value.year != share.year || value.op != share.op) {
        continue;
      }
      const bool numerator = value.indicator == a;
      if (!numerator && value.indicator != b) continue;
      // 100 * A / B = s: a target on A implies B = 100 A / s; one on B implies A = s B / 100.
      const std::string implied_name = numerator ? b : a;
      const double implied =
          numerator ? 100 * value.value / share.value : share.value * value.value / 100;
      AuditFinding f;
      f.kind = "implied";
      f.subject = implied_name;
      f.grade = AuditGrade::ok;
      f.values.emplace_back("implied_value", implied);
      f.message = value.id + " (" + value.indicator + " " + num(value.value) + ") and " + share.id +
                  " (" + share.indicator + " " + num(share.value) + ") imply " + implied_name +
                  " = " + num(implied) + " in " + std::to_string(share.year);
      const IndicatorInfo* ii = find_info(implied_name);
      const int n = share.year - sc.base_year;
      if (!ii || !ii->spec->has_base || n <= 0 ||
          (ii->metric != Metric::cagr && ii->metric != Metric::log_rate)) {
        f.message += "; its growth is not checkable.";
        out.push_back(std::move(f));
        continue;
      }
      const double required = rate_between(*ii, ii->spec->base, implied, n);
      f.message += cat(
          {": ", rate_text(*ii, required), " over ", years_text(n), " from ", num(ii->spec->base)});
      f.values.emplace_back("years", n);
      compare_rate(*ii, sc, required, true, f);
      if (ii->rate.present) {
        // What the two targets mean together at the assumed growth.
        const double at_mean = value_after(*ii, ii->spec->base, ii->rate.mean, n);
        const double s = numerator ? 100 * value.value / at_mean : 100 * at_mean / value.value;
        f.values.emplace_back("value_at_assumption_mean", at_mean);
        f.values.emplace_back("share_at_assumption_mean", s);
        f.message += cat({" At the assumption's mean ", implied_name, " would be ", num(at_mean),
                          " and ", value.indicator, " ", num(value.value), " a share of ",
                          fixed(s, 1), "% (target ", num(share.value), "%)."});
      }
      out.push_back(std::move(f));
    }
  }
}

}  // namespace

AuditReport audit_scenario(const Scenario& sc) {
  YAML::Node indicators;
  try {
    const YAML::Node root = YAML::Load(sc.canonical_text);
    indicators = child(root, "indicators");
  } catch (const YAML::Exception&) {
    indicators = YAML::Node();
  }
  std::vector<IndicatorInfo> infos;
  infos.reserve(sc.indicators.size());
  for (const IndicatorSpec& ind : sc.indicators) infos.push_back(info_of(ind, indicators, sc));

  AuditReport r;
  for (const IndicatorSpec& ind : sc.indicators) {
    for (const ClaimSpec& c : ind.claims) r.findings.push_back(claim_finding(ind, c));
  }
  for (const IndicatorInfo& info : infos) base_findings(info, sc, infos, r.findings);
  for (const TargetSpec& t : sc.targets) {
    // A target its process cannot reach at all: inconsistent, whatever the rates say.
    if (auto unreachable = unreachable_target(sc, t)) {
      r.findings.push_back(std::move(*unreachable));
      continue;
    }
    const IndicatorInfo* info = nullptr;
    for (const IndicatorInfo& i : infos) {
      if (i.spec->name == t.indicator) info = &i;
    }
    r.findings.push_back(target_finding(t, info, sc));
  }
  implied_findings(sc, infos, r.findings);
  for (AuditFinding& f : plausibility_findings(sc)) r.findings.push_back(std::move(f));
  return r;
}

}  // namespace plancast
