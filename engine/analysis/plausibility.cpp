// Plausibility warnings: see plausibility.h.
#include "engine/analysis/plausibility.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <exception>
#include <optional>

#include "engine/analysis/reach.h"
#include "engine/core/format.h"
#include "engine/random/distribution.h"

namespace plancast {

namespace {

/// A number as a planner writes it: up to 4 significant digits (whole numbers from 10,000
/// up to 10^15), no trailing zeros; printf's "-0", "inf" and "nan".
std::string num(double x) {
  return significant(x, kPlannerNumber);
}

/// A rate as a percentage: 5 -> "500%", -0.8 -> "-80%".
std::string pct(double r) {
  return num(100 * r) + "%";
}

bool implausible_rate(double median) {
  return median > kMaxPlausibleRate || median < kMinPlausibleRate;
}

/// "500% a year: did you mean 0.05 (5%)? ...": a rate in percent written where a fraction is
/// read.
std::string rate_advice(double median) {
  std::string s = pct(median);
  s += median > 0 ? " a year" : " a year, more than half lost every year";
  s += ": did you mean ";
  s += num(median / 100);
  s += " (";
  s += pct(median / 100);
  s += ")? Rates are fractions: 0.05 is 5% a year.";
  return s;
}

/// "core_va's growth `rate`", "hightech's count `rate_growth`".
std::string use_text(const IndicatorSpec& ind, const GrowthRateUse& u) {
  std::string s = ind.name;
  s += "'s ";
  s += ind.process;
  s += " `";
  s += u.key;
  s += "`";
  return s;
}

SourceLoc located(const SourceLoc& loc, const SourceLoc& fallback) {
  return loc.line > 0 ? loc : fallback;
}

/// The growth-rate findings: one per implausible constant, one per implausible parameter
/// (naming every use), in the order of first use.
void rate_findings(const Scenario& sc, std::vector<AuditFinding>& out) {
  struct ParamUses {
    std::string param;
    std::vector<std::string> uses;
  };
  std::vector<ParamUses> params;
  for (const IndicatorSpec& ind : sc.indicators) {
    if (!ind.spec) continue;
    for (const GrowthRateUse& u : ind.spec->growth_rates()) {
      if (u.value.is_param()) {
        auto it = std::find_if(params.begin(), params.end(),
                               [&](const ParamUses& p) { return p.param == u.value.param; });
        if (it == params.end()) {
          params.push_back({u.value.param, {}});
          it = params.end() - 1;
        }
        it->uses.push_back(use_text(ind, u));
        continue;
      }
      if (!implausible_rate(u.value.number)) continue;
      AuditFinding f;
      f.kind = "plausibility";
      f.subject = ind.name;
      f.grade = AuditGrade::warning;
      f.loc = located(u.value.loc, ind.loc);
      f.values.emplace_back("median_rate", u.value.number);
      f.values.emplace_back("probably_meant", u.value.number / 100);
      f.message =
          use_text(ind, u) + " " + num(u.value.number) + " is " + rate_advice(u.value.number);
      out.push_back(std::move(f));
    }
  }
  for (const ParamUses& p : params) {
    const ParameterSpec* spec = sc.find_parameter(p.param);
    if (!spec) continue;
    double median = 0;
    try {
      median = Distribution(spec->dist).quantile(0.5);
    } catch (const std::exception&) {
      continue;  // the loader has reported it
    }
    if (!std::isfinite(median) || !implausible_rate(median)) continue;
    AuditFinding f;
    f.kind = "plausibility";
    f.subject = p.param;
    f.grade = AuditGrade::warning;
    f.loc = spec->loc;
    f.values.emplace_back("median_rate", median);
    f.values.emplace_back("probably_meant", median / 100);
    f.message = "parameter " + p.param + " (";
    for (std::size_t i = 0; i < p.uses.size(); ++i) {
      if (i) f.message += i + 1 == p.uses.size() ? " and " : ", ";
      f.message += p.uses[i];
    }
    f.message += ") has median " + num(median) + ", i.e. " + rate_advice(median);
    out.push_back(std::move(f));
  }
}

/// The base of a % indicator: outside [0, 100], or a fraction next to a ceiling of 100.
void percent_base_findings(const Scenario& sc, std::vector<AuditFinding>& out) {
  for (const IndicatorSpec& ind : sc.indicators) {
    if (!ind.has_base || !is_percent_unit(ind.unit)) continue;
    const double b = ind.base;
    std::optional<ValueRange> range;
    if (ind.spec && !ind.outputs.empty()) range = ind.spec->reachable(ind, 0);
    const bool cap100 = range && range->hi == 100;
    std::string message;
    if (b < 0 || b > 100) {
      message = "base " + num(b) + " of a % indicator is outside [0, 100], where a share in " +
                "percent lies: did you mean the share in percent (0 to 100), or is the unit " +
                "not % (an index, a count, a change)? Then give it that unit.";
    } else if (b > 0 && b <= 1 && cap100) {
      message = "base " + num(b) + " next to a cap of 100 reads as " + num(b) +
                "%: did you mean base: " + num(100 * b) + " (" + num(100 * b) +
                "%, a share written as a fraction)?";
    } else {
      continue;
    }
    AuditFinding f;
    f.kind = "plausibility";
    f.subject = ind.name;
    f.grade = AuditGrade::warning;
    f.loc = located(ind.base_loc, ind.loc);
    f.values.emplace_back("base", b);
    f.message = ind.name + ": " + message;
    out.push_back(std::move(f));
  }
}

const IndicatorSpec* producer(const Scenario& sc, const std::string& output) {
  for (const IndicatorSpec& ind : sc.indicators) {
    if (std::find(ind.outputs.begin(), ind.outputs.end(), output) != ind.outputs.end()) {
      return &ind;
    }
  }
  return nullptr;
}

}  // namespace

bool is_percent_unit(const std::string& unit) {
  std::string u;
  for (char c : unit) u += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto first = u.find_first_not_of(" \t");
  if (first == std::string::npos) return false;
  u.erase(0, first);
  u.erase(u.find_last_not_of(" \t") + 1);
  auto starts = [&](const std::string& w) {
    return u == w || (u.size() > w.size() && u.compare(0, w.size(), w) == 0 && u[w.size()] == ' ');
  };
  return starts("%") || starts("percent") || starts("per cent");
}

std::vector<AuditFinding> plausibility_findings(const Scenario& sc) {
  std::vector<AuditFinding> out;
  rate_findings(sc, out);
  percent_base_findings(sc, out);
  return out;
}

std::vector<AuditFinding> plausibility_after_run(const Scenario& sc, const Results& results) {
  std::vector<AuditFinding> out;
  constexpr std::size_t kP01 = 0, kP50 = 4, kP99 = 8;
  static_assert(kQuantileLevels[kP01] == 0.01 && kQuantileLevels[kP50] == 0.5 &&
                kQuantileLevels[kP99] == 0.99);
  for (const IndicatorResult& r : results.indicators) {
    if (!is_percent_unit(r.unit)) continue;
    const IndicatorSpec* ind = producer(sc, r.name);
    for (const bool high : {true, false}) {
      const std::vector<double>& q = r.quantiles[high ? kP99 : kP01];
      std::size_t first = q.size(), worst = q.size();
      for (std::size_t i = 0; i < q.size() && i < results.years.size(); ++i) {
        if (results.years[i] <= sc.base_year || !std::isfinite(q[i])) continue;
        if (!(high ? q[i] > 100 : q[i] < 0)) continue;
        if (first == q.size()) first = i;
        if (worst == q.size() || (high ? q[i] > q[worst] : q[i] < q[worst])) worst = i;
      }
      if (first == q.size()) continue;
      // The median outside too: a slip in the inputs; only the tail: the inputs drift apart.
      bool median_outside = false;
      for (std::size_t i = 0; i < q.size() && i < results.years.size(); ++i) {
        const double m = r.quantiles[kP50][i];
        if (results.years[i] > sc.base_year && (high ? m > 100 : m < 0)) median_outside = true;
      }
      AuditFinding f;
      f.kind = "plausibility";
      f.subject = r.name;
      f.grade = AuditGrade::warning;
      if (ind) f.loc = ind->loc;
      f.values.emplace_back(high ? "p99" : "p01", q[first]);
      f.values.emplace_back("year", results.years[first]);
      f.message = r.name + ": its simulated " + (high ? "p99 " : "p01 ") + num(q[first]) + " in " +
                  std::to_string(results.years[first]);
      if (worst != first) {
        f.message += " (" + num(q[worst]) + " in " + std::to_string(results.years[worst]) + ")";
      }
      f.message += high ? " is above 100, but a share in percent cannot exceed 100%"
                        : " is below 0, but a share in percent cannot be negative";
      if (median_outside) {
        f.message +=
            ", and so is its median: probably a growth rate written in percent (5 for 0.05) "
            "or a base in other units among its inputs.";
      } else {
        f.message += std::string(": in the ") + (high ? "top" : "bottom") +
                     " 1% of runs its inputs drift that far apart (nothing in the model "
                     "holds a part below its whole); tie them more closely (correlate their "
                     "trends, converge them to one long-run rate) or model the share itself, "
                     "e.g. as a logistic with cap 100.";
      }
      out.push_back(std::move(f));
    }
  }
  return out;
}

std::string warning_message(const AuditFinding& f) {
  if (f.kind == "target") return "target '" + f.subject + "': " + f.message;
  return f.message;
}

std::string warning_line(const AuditFinding& f) {
  return Diagnostic{f.loc, warning_message(f)}.warning_str();
}

std::vector<AuditFinding> scenario_warning_findings(const Scenario& sc) {
  std::vector<AuditFinding> out;
  for (const TargetSpec& t : sc.targets) {
    if (auto f = unreachable_target(sc, t)) out.push_back(std::move(*f));
  }
  for (AuditFinding& f : plausibility_findings(sc)) out.push_back(std::move(f));
  return out;
}

std::vector<std::string> scenario_warnings(const Scenario& sc) {
  std::vector<std::string> out;
  for (const AuditFinding& f : scenario_warning_findings(sc)) out.push_back(warning_line(f));
  return out;
}

}  // namespace plancast
