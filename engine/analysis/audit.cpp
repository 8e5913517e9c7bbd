// `plancast audit` as a library: the checks of a scenario's own numbers (see audit.h): the
// claims and base values against history, and the entry point. Targets and implied values:
// audit_targets.cpp; number formats: audit_format.cpp.
#include "engine/analysis/audit.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/analysis/audit_internal.h"
#include "engine/analysis/plausibility.h"
#include "engine/analysis/reach.h"

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

namespace audit_detail {

namespace {

const HistoryPoint* history_at(const IndicatorSpec& ind, int year) {
  for (const HistoryPoint& p : ind.history) {
    if (p.year == year) return &p;
  }
  return nullptr;
}

}  // namespace

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
    f.message += fixed_text(years_needed, 1);
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
  const int base_year = sc.first_year(ind);  // a later vintage: its own base year
  const HistoryPoint* h = history_at(ind, base_year);
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
    f.message += std::to_string(base_year);
    f.message += " (";
    f.message += num(h->value);
    f.message += ")";
    if (!agree && h->value != 0) {
      f.message += " by ";
      f.message += fixed_text(100 * diff / std::fabs(h->value), 1);
      f.message += "%: one of them is wrong, or the base is not for ";
      f.message += std::to_string(base_year);
    }
    f.message += ".";
    out.push_back(std::move(f));
  } else if (h && info.share) {
    // A share `100 * A / B` against its own history: the inputs' bases give its base value.
    const std::string& a = info.share->numerator;
    const std::string& b = info.share->denominator;
    const IndicatorInfo* ia = find_info(all, a);
    const IndicatorInfo* ib = find_info(all, b);
    if (ia && ib && sc.first_year(*ia->spec) == base_year &&
        sc.first_year(*ib->spec) == base_year && ia->spec->has_base && ib->spec->has_base &&
        ib->spec->base != 0) {
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
                   num(ib->spec->base) + " = " + fixed_text(share, 2);
      f.message += agree ? ", agrees with" : ", differs from";
      f.message += cat({" the history at ", std::to_string(base_year), " (", num(h->value), ")"});
      f.message += agree ? "." : ": the inputs' bases and the share do not fit together.";
      out.push_back(std::move(f));
    }
  }
  std::vector<const HistoryPoint*> after;
  for (const HistoryPoint& p : ind.history) {
    if (p.year > base_year) after.push_back(&p);
  }
  if (!after.empty()) {
    AuditFinding f;
    f.kind = "base";
    f.subject = ind.name;
    f.grade = AuditGrade::warning;
    f.message =
        cat({"the history has values after the base year ", std::to_string(base_year), " ("});
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

}  // namespace audit_detail

AuditReport audit_scenario(const Scenario& sc) {
  using namespace audit_detail;
  const Context ctx(sc);
  std::vector<IndicatorInfo> infos;
  infos.reserve(sc.indicators.size());
  for (const IndicatorSpec& ind : sc.indicators) {
    IndicatorInfo info;
    info.spec = &ind;
    if (ind.spec) {
      info.measure = ind.spec->growth_measure(ind, ctx);
      info.share = ind.spec->share_of();
      if (info.measure) info.rate = assumption_of(info.measure->assumed, sc);
    }
    infos.push_back(std::move(info));
  }

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
