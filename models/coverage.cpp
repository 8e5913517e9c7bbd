// coverage: C_t = C_{t−1} + Binomial(U − C_{t−1}, h_t), X_t = 100 C_t / U.
#include "models/coverage.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "engine/config/node_reader.h"
#include "engine/config/scenario.h"
#include "engine/core/format.h"
#include "engine/random/discrete.h"
#include "models/count.h"  // kMaxCountBase: the largest whole count held exactly
#include "models/rate_model.h"

namespace plancast {

double draw_newly_covered(const Stream& stream, std::uint64_t run, std::uint32_t year,
                          double uncovered, double h) {
  // Counters (coverage.h): words 0-1 of (run, year, 1, 0) start the draw; a rejection's
  // further words come from (run, year, k, 3), k = 0, 1, ...
  constexpr std::uint64_t kCoverageDraw = 1, kCoverageMore = 3;
  const Words4 w = stream.words(run, year, kCoverageDraw, 0);
  DrawWords words(w.w[0], w.w[1], WordSequence(stream, run, year, kCoverageMore));
  return binomial_draw(uncovered, h, words);
}

double covered_at_base(double units, double base) {
  return std::clamp(std::round(units * base / 100.0), 0.0, units);
}

namespace {

/// The share of `units` that `covered` is, in %: exactly 100 when every unit is covered.
double percent_covered(double covered, double units) {
  return covered >= units ? 100.0 : 100.0 * covered / units;
}

class CoverageProcess;

class CoverageWorker final : public ProcessWorker {
 public:
  CoverageWorker(const CoverageProcess& p, std::size_t block)
      : p_(p), state_(block), h_(block), covered_(block) {}
  void init(BlockCtx& ctx) override;
  void step(BlockCtx& ctx) override;

 private:
  const CoverageProcess& p_;
  RateModel::State state_;
  std::vector<double> h_;        ///< this year's hazard of each run
  std::vector<double> covered_;  ///< C_{t−1} of each run: a whole number of units
};

class CoverageProcess final : public Process {
 public:
  CoverageProcess(const RateSpec& hazard, double units, const CompileContext& ctx)
      : hazard(hazard, ctx),
        slot(ctx.output_slots().at(0)),
        units(units),
        covered0(covered_at_base(units, ctx.base())),
        stream(ctx.stream_key(0)) {}
  std::unique_ptr<ProcessWorker> make_worker(std::size_t block) const override {
    return std::make_unique<CoverageWorker>(*this, block);
  }
  /// The rate model's per-run state, the block's hazards and covered counts.
  std::uint64_t worker_bytes(std::size_t block) const override {
    return sizeof(double) * (RateModel::State(block).size() + 2 * block);
  }
  RateModel hazard;  ///< the hazard schedule: a rate model without noise or shocks
  int slot;
  double units;
  double covered0;
  StreamKey stream;
};

void CoverageWorker::init(BlockCtx& ctx) {
  p_.hazard.init(state_, ctx);
  double* x = ctx.slot(p_.slot);
  const double x0 = percent_covered(p_.covered0, p_.units);
  for (std::size_t j = 0; j < ctx.n; ++j) {
    covered_[j] = p_.covered0;
    x[j] = x0;
  }
}

void CoverageWorker::step(BlockCtx& ctx) {
  p_.hazard.rates(state_, ctx, h_.data());
  const Stream stream(ctx.seed, p_.stream);
  const auto year = static_cast<std::uint32_t>(ctx.t);
  double* x = ctx.slot(p_.slot);
  for (std::size_t j = 0; j < ctx.n; ++j) {
    const double h = std::clamp(h_[j], 0.0, 1.0);  // NaN stays NaN: no unit is drawn
    const double uncovered = p_.units - covered_[j];
    if (uncovered > 0 && h > 0) {
      covered_[j] += draw_newly_covered(stream, ctx.first_run + j, year, uncovered, h);
    }
    x[j] = percent_covered(covered_[j], p_.units);
  }
}

/// Audit's measure: the constant hazard h that takes the expected share from v0 to v1,
/// E(100 − X_n) = (100 − X_0)(1 − h)^n; for a full-coverage target, the hazard that gives
/// an even chance of every unit being covered by the target year.
class HazardRate final : public GrowthMeasure {
 public:
  explicit HazardRate(double units) : units_(units) {}
  double rate_between(double v0, double v1, double n) const override {
    if (!(v0 >= 0 && v0 < 100 && v1 >= v0 && v1 <= 100)) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return 1 - std::pow((100 - v1) / (100 - v0), 1 / n);
  }
  RequiredRate required(double v0, double v1, int n, const AuditContext& ctx) const override {
    RequiredRate r;
    const double uncovered = units_ - covered_at_base(units_, v0);
    if (v1 < 100 || uncovered <= 0) {
      r.rate = uncovered <= 0 || v1 <= v0 ? 0.0 : rate(v0, v1, n);
      r.checkable = std::isfinite(r.rate);
      return r;
    }
    // (1 − (1 − h)^n)^U₀ = 1/2  ⇔  h = 1 − (1 − 2^(−1/U₀))^(1/n).
    // Each unit must be covered by the target year with chance 2^(−1/U₀), i.e. still be
    // uncovered with chance (1 − h)^n = 1 − 2^(−1/U₀).
    const double missed = -std::expm1(-std::log(2.0) / uncovered);
    r.rate = -std::expm1(std::log(missed) / n);
    r.checkable = std::isfinite(r.rate);
    r.values.emplace_back("uncovered_units", uncovered);
    r.text = ctx.number(v0) + " -> full coverage: all " + ctx.number(uncovered) +
             " units not yet covered are reached within " + ctx.years(n) +
             " with an even chance at " + rate_text(r.rate, ctx);
    return r;
  }
  std::string rate_text(double r, const AuditContext& ctx) const override {
    return "hazard " + ctx.percent(r, 2) + " a year";
  }

 private:
  double units_;
};

class CoverageSpec final : public ProcessSpec {
 public:
  double units = 0;
  RateSpec hazard;  ///< only its trend: the hazard schedule
  std::vector<NameRef> references() const override { return hazard.references(); }
  void check(const Scenario& sc, const IndicatorSpec& self, DiagnosticList& diags) const override {
    hazard.check(sc, diags);
    if (self.has_base && !(self.base >= 0 && self.base <= 100)) {
      std::string msg = "base=";
      msg += canonical_number(self.base);
      msg += " (must be in [0, 100]: the share of the units covered in the base year, in %)";
      diags.error(self.base_loc, msg);
    }
  }
  // Coverage never falls (units once covered stay covered) and is at most 100.
  std::optional<ValueRange> reachable(const IndicatorSpec& ind, std::size_t) const override {
    ValueRange r;
    r.lo = ind.has_base ? percent_covered(covered_at_base(units, ind.base), units) : 0.0;
    r.hi = 100;
    r.why_lo = "a coverage never falls below its base " + canonical_number(r.lo);
    r.why_hi = "a coverage is at most 100 (every unit covered)";
    return r;
  }
  std::shared_ptr<const GrowthMeasure> growth_measure(const IndicatorSpec&,
                                                      const AuditContext&) const override {
    auto m = std::make_shared<HazardRate>(units);
    m->assumed = hazard.first_rate();
    return m;
  }
  std::unique_ptr<Process> compile(const CompileContext& ctx) const override {
    return std::make_unique<CoverageProcess>(hazard, units, ctx);
  }
};

/// A constant hazard (or segment rate) must be a probability.
bool check_hazard(NodeReader& r, const Value& v) {
  if (v.is_param() || (v.number >= 0 && v.number <= 1)) return true;
  r.diags().error(v.loc.line > 0 ? v.loc : r.loc(),
                  "hazard=" + canonical_number(v.number) +
                      " (must be in [0, 1]: the chance that a unit not yet covered is reached "
                      "in a year)");
  return false;
}

std::shared_ptr<const ProcessSpec> parse_coverage(NodeReader& r) {
  if (!r.expect_map()) return nullptr;
  auto spec = std::make_shared<CoverageSpec>();
  bool ok = true;
  if (auto u = r.required("units")) {
    const auto x = u->number();
    if (!x) {
      ok = false;
    } else if (!(*x >= 1 && *x <= kMaxCountBase && *x == std::floor(*x))) {
      u->error("units=" + canonical_number(*x) +
               " (must be a whole number from 1 to 2^52: how many households, firms or "
               "villages there are)");
      ok = false;
    } else {
      spec->units = *x;
    }
  } else {
    ok = false;
  }
  spec->hazard.loc = r.loc();
  if (auto h = r.required("hazard")) {
    if (parse_trend(*h, spec->hazard.trend, "hazard")) {
      for (const TrendSegment& seg : spec->hazard.trend) ok = check_hazard(*h, seg.rate) && ok;
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  r.finish();
  return ok ? spec : nullptr;
}

}  // namespace

ProcessType coverage_process_type() {
  ProcessType t;
  t.key = "coverage";
  t.summary =
      "share (%) of a finite number of units reached; each uncovered unit is reached "
      "with a yearly hazard, and 100 can be reached";
  t.base = BaseRule::required;
  t.keys = {
      {"units", "number", "", "how many units (households, firms, villages): a whole number >= 1"},
      {"hazard", "number|parameter|list", "",
       "chance in [0, 1] that a unit not yet covered is reached in a year; or a schedule of "
       "{until, rate} / {until, converge_to, half_life} segments, as growth's trend"},
      {"hazard[].until", "year", "", "last year of the segment"},
      {"hazard[].rate", "number|parameter", "(or converge_to)", "constant hazard over the segment"},
      {"hazard[].converge_to", "number|parameter", "(or rate)",
       "long-run hazard h: h_t = h + (h_a - h) 2^(-(t-a)/half_life)"},
      {"hazard[].half_life", "number|parameter", "(with converge_to)",
       "years for half the gap to the long-run hazard to close (> 0)"},
  };
  t.parse = parse_coverage;
  return t;
}

}  // namespace plancast
