// The run report's first page (see report_first.h): one answer per target.
#include <fmt/format.h>

#include <cmath>

#include "engine/analysis/audit.h"
#include "engine/io/labels.h"
#include "engine/io/report_first.h"
#include "engine/io/report_sections.h"

namespace plancast::report {

namespace {

/// The audit's target finding of `id`, without the condition it starts with ("core_va >=
/// 1,350 in 2025: "), which the answer's heading already shows; empty when there is none.
std::string growth_needed(const AuditReport& audit, const std::string& id) {
  for (const AuditFinding& f : audit.findings) {
    if (f.kind != "target" || f.subject != id) continue;
    const std::size_t colon = f.message.find(": ");
    std::string s = colon == std::string::npos ? f.message : f.message.substr(colon + 2);
    const std::string unchecked = "ok (not checkable): ";
    if (s.rfind(unchecked, 0) == 0) s = "not checkable: " + s.substr(unchecked.size());
    return s;
  }
  return "";
}

/// A rank correlation, signed, two decimals ("+0.81", "-0.12"; "0.00" rather than "-0.00").
std::string rho_text(double rho) {
  return std::fabs(rho) < 0.005 ? std::string("0.00") : fmt::format("{:+.2f}", rho);
}

/// "core_trend: rank correlation +0.81 with core_va in 2025 over the first 2,048 runs; higher
/// values make the target more likely. Next: a (+0.21), b (−0.12)."
std::string moves_most(const TargetDrivers& d, const DriverRanking& all, const TargetResult& t,
                       const Scenario* sc) {
  auto name = [&](std::size_t p) {
    return sc != nullptr ? parameter_label(*sc, all.parameters[p]) : all.parameters[p];
  };
  if (d.ranked.empty()) return "";
  const Driver& top = d.ranked.front();
  const bool helps = (top.rho > 0) == (t.op == ">=");
  std::string s = "<b>" + esc(name(top.parameter)) + "</b>: rank correlation " +
                  esc(rho_text(top.rho)) + " with " + esc(t.indicator) + " in " +
                  std::to_string(t.year) + " over the first " + esc(count_text(d.runs)) +
                  " runs; higher values make the target " + (helps ? "more" : "less") + " likely.";
  std::string next;
  for (std::size_t i = 1; i < d.ranked.size() && i < 3; ++i) {
    next += (i > 1 ? ", " : " Next: ") + esc(name(d.ranked[i].parameter)) + " (" +
            esc(rho_text(d.ranked[i].rho)) + ")";
  }
  return s + (next.empty() ? "" : next + ".");
}

/// "core_trend ≤ 0.1649 and gdp_trend ≥ 0.05: 99% of the runs in this box miss the target,
/// and they are 81% of all the runs that miss it (PRIM over the first 2048 runs)."
std::string mostly_missed(const DiscoverResult& d, const Scenario* sc) {
  if (d.chosen_parameters.empty()) {
    return esc(
        "no range of the parameters stands out: no box of runs misses it more often than "
        "the whole sample does (PRIM over the first " +
        count_text(d.runs) + " runs).");
  }
  std::string s;
  for (const BoxParameter& bp : d.chosen_parameters) {
    const auto& range = d.range[bp.index];
    const bool lo = bp.lo > range[0], hi = bp.hi < range[1];
    std::string limit = lo && hi ? " between " + value_text(bp.lo) + " and " + value_text(bp.hi)
                        : hi     ? " \xE2\x89\xA4 " + value_text(bp.hi)
                                 : " \xE2\x89\xA5 " + value_text(bp.lo);
    s +=
        (s.empty() ? "<b>" : " and <b>") +
        esc(sc != nullptr ? parameter_label(*sc, d.parameters[bp.index]) : d.parameters[bp.index]) +
        "</b>" + esc(limit);
  }
  const PrimBox& box = d.boxes[d.chosen];
  return s + esc(": " + percent(box.density) + " of the runs in this box miss the target, and " +
                 "they are " + percent(box.coverage) + " of all the runs that miss it (PRIM over " +
                 "the first " + count_text(d.runs) + " runs).");
}

}  // namespace

std::string probability_numbers(const Proportion& p) {
  // Step by step: g++ 12 -O3 warns on "(" + string&& (PR105651).
  std::string s = "(";
  s += percent(p.probability);
  s += ", 95% interval ";
  s += percent(p.ci95[0]);
  s += "\xE2\x80\x93";
  s += percent(p.ci95[1]);
  s += ")";
  return s;
}

std::string probability_phrase(const Proportion& p) {
  return std::string(likelihood_words(p.probability)) + " " + probability_numbers(p);
}

std::string first_page_section(const Scenario* sc, const Results& r, const DriverRanking* drivers) {
  if (r.targets.empty()) return "";
  const AuditReport audit = sc != nullptr ? audit_scenario(*sc) : AuditReport{};
  std::string s =
      "<h2>The answer</h2>\n<p class=\"sub\">For each target: how likely it is, in "
      "the share of the " +
      esc(count_text(r.runs)) + " runs that meet it";
  if (sc != nullptr) s += "; the growth it needs against history and the assumption (audit)";
  if (drivers != nullptr) s += "; the assumption that moves it most (rank correlation)";
  s += ".</p>\n<p class=\"sub scale\">Words: virtually certain \xE2\x89\xA5 99%, very likely "
       "\xE2\x89\xA5 90%, likely \xE2\x89\xA5 66%, about as likely as not 33\xE2\x80\x93"
       "66%, unlikely 10\xE2\x80\x93"
       "33%, very unlikely 1\xE2\x80\x93"
       "10%, exceptionally unlikely \xE2\x89\xA4 1%.</p>\n<div class=\"answers\">\n";
  for (const TargetResult& t : r.targets) {
    s += "<div class=\"answer\" id=\"answer-" + esc(t.id) + "\"><h3>" + esc(t.id) + ": " +
         esc(target_condition(t, r)) + "</h3>\n<p class=\"verdict\"><b>" +
         esc(likelihood_words(t.p.probability)) + "</b> " + esc(probability_numbers(t.p)) +
         "</p>\n";
    const std::string growth = sc != nullptr ? growth_needed(audit, t.id) : "";
    if (!growth.empty()) {
      s += "<p><span class=\"k\">Growth needed</span> " + esc(growth) + "</p>\n";
    }
    const TargetDrivers* d = drivers != nullptr ? drivers->find(t.id) : nullptr;
    const std::string most = d != nullptr ? moves_most(*d, *drivers, t, sc) : "";
    if (!most.empty()) s += "<p><span class=\"k\">Moves it most</span> " + most + "</p>\n";
    const std::string missed = d != nullptr && d->missed ? mostly_missed(*d->missed, sc) : "";
    if (!missed.empty()) s += "<p><span class=\"k\">Mostly missed when</span> " + missed + "</p>\n";
    s += "</div>\n";
  }
  return s + "</div>\n";
}

}  // namespace plancast::report
