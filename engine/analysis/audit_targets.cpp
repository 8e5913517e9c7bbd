// `plancast audit`: the growth each target needs against history and assumption, and what
// value and share targets imply together (see audit_internal.h). The numbers come from each
// process's GrowthMeasure (engine/core/process.h), never from its name.
#include <cmath>
#include <string>

#include "engine/analysis/audit_internal.h"
#include "engine/config/scenario.h"

namespace plancast::audit_detail {

namespace {

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
  h.rate = info.measure->rate(first->value, last->value, last->year - first->year);
  h.present = std::isfinite(h.rate);
  h.from = first->year;
  h.to = last->year;
  return h;
}

/// What a required rate means against history and assumption: appends to f.message, sets
/// f.grade and f.values. `at_least`: the target needs at least `required`.
void compare_rate(const IndicatorInfo& info, const Scenario& sc, double required, bool at_least,
                  AuditFinding& f) {
  const Context ctx(sc);
  auto rate_text = [&](double r) { return info.measure->rate_text(r, ctx); };
  f.values.emplace_back("required_rate", required);
  std::vector<std::string> beyond;
  const HistoryRate h = history_rate(info, sc.first_year(*info.spec));
  if (h.present) {
    f.values.emplace_back("history_rate", h.rate);
    f.message += "; history ";
    f.message += rate_text(h.rate);
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
      f.message += rate_text(a.mean);
      f.message += ", p10-p90 ";
      f.message += range_text(rate_text(a.p10), rate_text(a.p90));
      f.message += at_least ? ", P(rate >= required) " : ", P(rate <= required) ";
      f.message += probability_is(p);
    } else {
      f.message += " ";
      f.message += rate_text(a.mean);
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

}  // namespace

AuditFinding target_finding(const TargetSpec& t, const IndicatorInfo* info, const Scenario& sc) {
  AuditFinding f;
  f.kind = "target";
  f.subject = t.id;
  f.grade = AuditGrade::ok;
  const bool at_least = t.op == TargetOp::at_least;
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
  const int base_year = sc.first_year(ind);  // a later vintage: its own base year
  const int n = t.year - base_year;
  if (n <= 0) {
    f.message = goal + ": ok (not checkable): the target year is not after the base year " +
                std::to_string(base_year) + ".";
    return f;
  }
  if (!ind.has_base || !info->measure) {
    f.message = goal + ": ok (not checkable): ";
    f.message += ind.spec ? ind.spec->unmeasured_reason() : ProcessSpec::kUnmeasured;
    return f;
  }
  f.values.emplace_back("years", n);
  f.message = goal + ": ";
  const Context ctx(sc);
  const RequiredRate req = info->measure->required(ind.base, t.value, n, ctx);
  if (!req.checkable) {
    f.message += cat({"ok (not checkable): no rate of this process takes ", num(ind.base), " to ",
                      num(t.value), "."});
    return f;
  }
  f.values.insert(f.values.end(), req.values.begin(), req.values.end());
  if (req.text.empty()) {
    f.message += num(ind.base) + " (" + std::to_string(base_year) + ") -> " + num(t.value) +
                 " needs " + info->measure->rate_text(req.rate, ctx) + " over " + years_text(n);
  } else {
    f.message += req.text;
  }
  compare_rate(*info, sc, req.rate, at_least, f);
  return f;
}

namespace {

/// A share target's own finding ("not checkable": it has no rate of its own) names the
/// value targets it is checked with, and where; only when there are such findings.
void point_to_implied(std::vector<AuditFinding>& out, const std::string& share_id,
                      const std::string& value_ids) {
  for (AuditFinding& f : out) {
    if (f.kind != "target" || f.subject != share_id) continue;
    if (f.message.find("(not checkable)") == std::string::npos || f.message.back() != '.') continue;
    f.message.pop_back();
    f.message += cat({"; checked with ", value_ids, " under \"What the targets imply together\"."});
  }
}

}  // namespace

void implied_findings(const Scenario& sc, const std::vector<IndicatorInfo>& infos,
                      std::vector<AuditFinding>& out) {
  for (const TargetSpec& share : sc.targets) {
    const IndicatorInfo* fi = find_info(infos, share.indicator);
    if (!fi || !fi->share || share.by || !(share.value > 0)) continue;
    std::string value_ids;  // the value targets this share is checked with
    const std::string& a = fi->share->numerator;
    const std::string& b = fi->share->denominator;
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
      value_ids += value_ids.empty() ? value.id : " and " + value.id;
      AuditFinding f;
      f.kind = "implied";
      f.subject = implied_name;
      f.grade = AuditGrade::ok;
      f.values.emplace_back("implied_value", implied);
      f.message = value.id + " (" + value.indicator + " " + num(value.value) + ") and " + share.id +
                  " (" + share.indicator + " " + num(share.value) + ") imply " + implied_name +
                  " = " + num(implied) + " in " + std::to_string(share.year);
      const IndicatorInfo* ii = find_info(infos, implied_name);
      const int n = ii ? share.year - sc.first_year(*ii->spec) : 0;
      if (!ii || !ii->spec->has_base || n <= 0 || !ii->measure || !ii->measure->projects()) {
        f.message += "; its growth is not checkable.";
        out.push_back(std::move(f));
        continue;
      }
      const double required = ii->measure->rate(ii->spec->base, implied, n);
      f.message += cat({": ", ii->measure->rate_text(required, Context(sc)), " over ",
                        years_text(n), " from ", num(ii->spec->base)});
      f.values.emplace_back("years", n);
      compare_rate(*ii, sc, required, true, f);
      if (ii->rate.present) {
        // What the two targets mean together at the assumed growth.
        const double at_mean = ii->measure->value_after(ii->spec->base, ii->rate.mean, n);
        const double s = numerator ? 100 * value.value / at_mean : 100 * at_mean / value.value;
        f.values.emplace_back("value_at_assumption_mean", at_mean);
        f.values.emplace_back("share_at_assumption_mean", s);
        f.message += cat({" At the assumption's mean ", implied_name, " would be ", num(at_mean),
                          " and ", value.indicator, " ", num(value.value), " a share of ",
                          fixed_text(s, 1), "% (target ", num(share.value), "%)."});
      }
      out.push_back(std::move(f));
    }
    if (!value_ids.empty()) point_to_implied(out, share.id, value_ids);
  }
}

}  // namespace plancast::audit_detail
