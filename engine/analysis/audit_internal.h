// The pieces of `plancast audit` shared by its files (audit.cpp: claims, base values and
// the entry point; audit_targets.cpp: targets and implied values; audit_format.cpp: the
// numbers as an economist writes them). Not a public header.
#pragma once

#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis/audit.h"
#include "engine/core/format.h"
#include "engine/core/process.h"
#include "engine/random/distribution.h"

namespace plancast::audit_detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- formatting (ASCII; numbers as an economist writes them) ------------------------------

/// Concatenation built step by step (avoids g++ 12's false -Wrestrict on "lit" + string&&).
std::string cat(std::initializer_list<std::string_view> parts);
/// 5,509.8; 9,000; 506.9; 87.03; 1.65; 0.875: at least 4 significant digits below 100,
/// one decimal from 100 up, trailing zeros dropped, thousands separated by commas.
std::string num(double x);
/// A rate as a percentage with `decimals` decimals: 0.17638 -> "17.64%".
std::string pct(double r, int decimals = 2);
/// A stated rate as written (up to 4 decimals of a percent, zeros dropped): 0.176 -> "17.6%".
std::string pct_stated(double r);
/// A difference of rates in percentage points, signed: "+0.04", "-6.91".
std::string points(double d);
/// A probability after its relation sign: "= 3.2%", "< 0.1%" (not "= <0.1%"), "> 99.9%",
/// "= n/a".
std::string probability_is(double p);
/// Two rates as a range, their shared words once: "0.069 to 0.171 a year in logit",
/// "hazard 17.55% to 32.98% a year" (not "... a year to hazard ... a year"); "6.16%/yr to
/// 13.84%/yr" as it is.
std::string range_text(const std::string& lo, const std::string& hi);
/// "2015-2020".
std::string span(int from, int to);
/// "1 year", "5 years".
std::string years_text(double n);

/// The AuditContext lent to processes: the formats above and the parameters' means.
class Context final : public AuditContext {
 public:
  explicit Context(const Scenario& sc) : sc_(sc) {}
  std::string number(double x) const override { return num(x); }
  std::string percent(double r, int decimals) const override { return pct(r, decimals); }
  std::string fixed(double x, int decimals) const override { return fixed_text(x, decimals); }
  std::string years(double n) const override { return years_text(n); }
  double mean(const Value& v, double fallback) const override;

 private:
  const Scenario& sc_;
};

// ---- what the scenario assumes -------------------------------------------------------------

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

/// The assumption a Value states: its number, or its parameter's distribution.
Assumption assumption_of(const std::optional<Value>& v, const Scenario& sc);

/// One indicator as audit sees it: its process's growth measure (none: a formula, firms)
/// and the rate assumed.
struct IndicatorInfo {
  const IndicatorSpec* spec = nullptr;
  std::shared_ptr<const GrowthMeasure> measure;
  std::optional<ShareOf> share;  ///< a share `100 * A / B` (ProcessSpec::share_of)
  Assumption rate;
};

const IndicatorInfo* find_info(const std::vector<IndicatorInfo>& infos, const std::string& name);

// ---- the checks (file order within each kind) ----------------------------------------------

AuditFinding claim_finding(const IndicatorSpec& ind, const ClaimSpec& c);
void base_findings(const IndicatorInfo& info, const Scenario& sc,
                   const std::vector<IndicatorInfo>& all, std::vector<AuditFinding>& out);
AuditFinding target_finding(const TargetSpec& t, const IndicatorInfo* info, const Scenario& sc);
void implied_findings(const Scenario& sc, const std::vector<IndicatorInfo>& infos,
                      std::vector<AuditFinding>& out);

}  // namespace plancast::audit_detail
