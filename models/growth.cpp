// growth: X_t = X_{t-1}·(1+g_t) or X_{t-1}·exp(g_t) with the shared rate model.
#include "models/growth.h"

#include <climits>
#include <cmath>
#include <limits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/config/node_reader.h"
#include "engine/config/scenario.h"
#include "engine/core/format.h"
#include "models/rate_model.h"

namespace plancast {

namespace {

class GrowthProcess;

class GrowthWorker final : public ProcessWorker {
 public:
  GrowthWorker(const GrowthProcess& p, std::size_t block) : p_(p), state_(block), g_(block) {}
  void init(BlockCtx& ctx) override;
  void step(BlockCtx& ctx) override;

 private:
  const GrowthProcess& p_;
  RateModel::State state_;
  std::vector<double> g_;
};

class GrowthProcess final : public Process {
 public:
  GrowthProcess(const RateSpec& spec, bool log_form, const CompileContext& ctx)
      : model(spec, ctx),
        log_form(log_form),
        slot(ctx.output_slots().at(0)),
        floored(ctx.counter_index(0)),
        base(ctx.base()) {}
  std::unique_ptr<ProcessWorker> make_worker(std::size_t block) const override {
    return std::make_unique<GrowthWorker>(*this, block);
  }
  /// The rate model's per-run state and the block's growth rates (8 bytes per run each).
  std::uint64_t worker_bytes(std::size_t block) const override {
    return sizeof(double) * (RateModel::State(block).size() + block);
  }
  RateModel model;
  bool log_form;
  int slot;
  std::size_t floored;  ///< BlockCounters::counts index of "floored"
  double base;
};

void GrowthWorker::init(BlockCtx& ctx) {
  p_.model.init(state_, ctx);
  double* x = ctx.slot(p_.slot);
  for (std::size_t j = 0; j < ctx.n; ++j) x[j] = p_.base;
}

void GrowthWorker::step(BlockCtx& ctx) {
  p_.model.rates(state_, ctx, g_.data());
  double* x = ctx.slot(p_.slot);
  const double* prev = ctx.prev_slot(p_.slot);
  if (p_.log_form) {
    for (std::size_t j = 0; j < ctx.n; ++j) x[j] = prev[j] * std::exp(g_[j]);
    return;
  }
  std::uint64_t floored = 0;
  const double* g = g_.data();
  const std::size_t n = ctx.n;
  std::size_t j = 0;
#if defined(__SSE2__)
  // Two runs at a time (g++ 12 leaves the scalar loop alone): max(-1, g) is g < -1 ? -1 : g
  // exactly as below (a NaN rate stays NaN), and each floored lane counts one.
  {
    const __m128d minus1 = _mm_set1_pd(-1.0), one = _mm_set1_pd(1.0);
    __m128i count = _mm_setzero_si128();
    for (; j + 2 <= n; j += 2) {
      const __m128d gv = _mm_loadu_pd(g + j);
      count = _mm_sub_epi64(count, _mm_castpd_si128(_mm_cmplt_pd(gv, minus1)));
      const __m128d r = _mm_max_pd(minus1, gv);
      _mm_storeu_pd(x + j, _mm_mul_pd(_mm_loadu_pd(prev + j), _mm_add_pd(one, r)));
    }
    std::uint64_t lanes[2];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(lanes), count);
    floored = lanes[0] + lanes[1];
  }
#endif
  for (; j < n; ++j) {
    const double gj = g[j];
    floored += static_cast<std::uint64_t>(gj < -1.0);
    x[j] = prev[j] * (1.0 + (gj < -1.0 ? -1.0 : gj));
  }
  if (floored != 0) ctx.counters->counts[p_.floored] += floored;
}

/// Audit's measure: the CAGR (v1/v0)^(1/n) - 1, or ln(v1/v0)/n in log form.
class GrowthRate final : public GrowthMeasure {
 public:
  explicit GrowthRate(bool log_form) : log_form_(log_form) {}
  double rate_between(double v0, double v1, double n) const override {
    if (log_form_) return v0 > 0 && v1 > 0 ? std::log(v1 / v0) / n : kNaN;
    return v0 > 0 && v1 >= 0 ? std::pow(v1 / v0, 1 / n) - 1 : kNaN;
  }
  bool projects() const override { return true; }
  double value_after(double v0, double r, int n) const override {
    return log_form_ ? v0 * std::exp(r * n) : v0 * std::pow(1 + r, n);
  }
  std::string rate_text(double r, const AuditContext& ctx) const override {
    return ctx.percent(r, 2) + "/yr";
  }

 private:
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  bool log_form_;
};

class GrowthSpec final : public RateProcessSpec {
 public:
  bool log_form = false;
  // Reachable values and assumed rates (issue 14, parts 6-7). X_t keeps the sign of the
  // base: the simple form floors the rate at -1, so it can reach 0; exp(g) never does.
  std::optional<ValueRange> reachable(const IndicatorSpec& ind, std::size_t) const override {
    if (!ind.has_base) return std::nullopt;
    ValueRange r;
    std::string from = log_form ? "growth in log form from base " : "growth from base ";
    from += canonical_number(ind.base);
    if (ind.base > 0) {
      r.lo = 0;
      r.lo_open = log_form;
      r.why_lo = from + (log_form ? " stays strictly above 0"
                                  : " never falls below 0 (its rate is floored at -1)");
    } else if (ind.base < 0) {
      r.hi = 0;
      r.hi_open = log_form;
      r.why_hi = from + (log_form ? " stays strictly below 0"
                                  : " never rises above 0 (its rate is floored at -1)");
    } else {
      r.lo = r.hi = 0;
      r.why_lo = r.why_hi = "growth from base 0 stays at 0";
    }
    return r;
  }
  std::vector<GrowthRateUse> growth_rates() const override {
    std::vector<GrowthRateUse> out;
    for (const TrendSegment& s : rate.trend) {
      // A segment to INT_MAX is the `trend: RATE` shorthand.
      out.push_back({s.rate, s.converge ? "converge_to" : s.until == INT_MAX ? "trend" : "rate"});
    }
    return out;
  }
  std::shared_ptr<GrowthMeasure> measure() const override {
    return std::make_shared<GrowthRate>(log_form);
  }
  /// Simple-form steps whose rate was floored at -1: at most one per run and year.
  std::vector<CounterDecl> counters() const override {
    return {CounterDecl{"floored", "growth steps floored at -100% over all runs and years",
                        "yearly falls floored at -100% (over all runs and years)", 1}};
  }
  std::unique_ptr<Process> compile(const CompileContext& ctx) const override {
    return std::make_unique<GrowthProcess>(rate, log_form, ctx);
  }
};

/// `form: simple|log` (default simple).
bool parse_form(NodeReader& r, GrowthSpec& spec) {
  auto f = r.optional("form");
  if (!f) return true;
  const auto s = f->string();
  if (!s) return false;
  if (*s == "log") {
    spec.log_form = true;
  } else if (*s != "simple") {
    f->error("form '" + *s + "' is not known (use 'simple' or 'log')");
    return false;
  }
  return true;
}

std::shared_ptr<const ProcessSpec> parse_growth(NodeReader& r) {
  return parse_rate_process<GrowthSpec>(r, parse_form);
}

}  // namespace

ProcessType growth_process_type() {
  ProcessType t;
  t.key = "growth";
  t.summary = "compounds an uncertain annual rate: trend schedule + AR(1) noise + shocks";
  t.base = BaseRule::required;
  t.keys = rate_model_keys("constant trend over the segment");
  t.keys.push_back({"form", "simple|log", "simple",
                    "X_t = X_{t-1}(1+g_t) (rate floored at -1) or X_{t-1} exp(g_t)"});
  t.parse = parse_growth;
  return t;
}

}  // namespace plancast
