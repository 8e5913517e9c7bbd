// logistic: X_t = cap·σ(L_t), L_t = L_{t−1} + r_t, with the shared rate model for r_t.
#include "models/logistic.h"

#include <cmath>
#include <limits>
#include <string>

#include "engine/config/node_reader.h"
#include "engine/config/scenario.h"
#include "engine/core/format.h"
#include "models/rate_model.h"

namespace plancast {

double logistic_from_logit(double cap, double logit) noexcept {
  // σ(L) = 1/(1+e^(−L)) for L >= 0 (e^(−L) <= 1), e^L/(1+e^L) for L < 0 (e^L < 1): neither
  // exponential can overflow, and the small side keeps its relative precision.
  double x;
  if (logit >= 0) {
    x = cap / (1.0 + std::exp(-logit));
  } else {
    const double e = std::exp(logit);
    x = cap * (e / (1.0 + e));
  }
  if (!(x > 0)) x = std::numeric_limits<double>::denorm_min();  // underflow (or NaN)
  if (!(x < cap)) x = std::nextafter(cap, 0.0);
  return x;
}

namespace {

class LogisticProcess;

class LogisticWorker final : public ProcessWorker {
 public:
  LogisticWorker(const LogisticProcess& p, std::size_t block)
      : p_(p), state_(block), r_(block), logit_(block) {}
  void init(BlockCtx& ctx) override;
  void step(BlockCtx& ctx) override;

 private:
  const LogisticProcess& p_;
  RateModel::State state_;
  std::vector<double> r_;
  std::vector<double> logit_;  ///< L_{t−1} of each run: carried exactly, not re-derived from X
};

class LogisticProcess final : public Process {
 public:
  LogisticProcess(const RateSpec& spec, double cap, const CompileContext& ctx)
      : model(spec, ctx), slot(ctx.output_slots().at(0)), cap(cap), base(ctx.base()) {
    if (!(base > 0 && base < cap)) {
      throw ScenarioError(SourceLoc{ctx.scenario().file, 0, 0},
                          "indicator '" + ctx.indicator_name() +
                              "': logistic needs 0 < base < cap (base=" + canonical_number(base) +
                              ", cap=" + canonical_number(cap) + ")");
    }
    logit0 = std::log(base) - std::log(cap - base);
  }
  std::unique_ptr<ProcessWorker> make_worker(std::size_t block) const override {
    return std::make_unique<LogisticWorker>(*this, block);
  }
  /// The rate model's per-run state, the block's rates and logits (8 bytes per run each).
  std::uint64_t worker_bytes(std::size_t block) const override {
    return sizeof(double) * (RateModel::State(block).size() + 2 * block);
  }
  RateModel model;
  int slot;
  double cap;
  double base;
  double logit0 = 0;
};

void LogisticWorker::init(BlockCtx& ctx) {
  p_.model.init(state_, ctx);
  double* x = ctx.slot(p_.slot);
  for (std::size_t j = 0; j < ctx.n; ++j) {
    x[j] = p_.base;
    logit_[j] = p_.logit0;
  }
}

void LogisticWorker::step(BlockCtx& ctx) {
  p_.model.rates(state_, ctx, r_.data());
  double* x = ctx.slot(p_.slot);
  for (std::size_t j = 0; j < ctx.n; ++j) {
    logit_[j] += r_[j];
    x[j] = logistic_from_logit(p_.cap, logit_[j]);
  }
}

/// Audit's measure: the change of logit(v / cap) a year.
class LogitRate final : public GrowthMeasure {
 public:
  explicit LogitRate(double cap) : cap_(cap) {}
  double rate_between(double v0, double v1, double n) const override {
    if (!(v0 > 0 && v1 > 0 && v0 < cap_ && v1 < cap_)) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return (logit(v1 / cap_) - logit(v0 / cap_)) / n;
  }
  std::string rate_text(double r, const AuditContext& ctx) const override {
    return ctx.fixed(r, 3) + " a year in logit";
  }

 private:
  static double logit(double p) { return std::log(p / (1 - p)); }
  double cap_;
};

class LogisticSpec final : public RateProcessSpec {
 public:
  double cap = 0;
  void check(const Scenario& sc, const IndicatorSpec& self, DiagnosticList& diags) const override {
    RateProcessSpec::check(sc, self, diags);
    if (self.has_base && !(self.base > 0 && self.base < cap)) {
      std::string msg = "base=";
      msg += canonical_number(self.base);
      msg += " (must be in (0, ";
      msg += canonical_number(cap);
      msg += "): logistic stays strictly between 0 and cap=";
      msg += canonical_number(cap);
      msg += ")";
      diags.error(self.base_loc, msg);
    }
  }
  // Reachable values (issue 14, part 6): logistic_from_logit keeps every value strictly
  // inside (0, cap), whatever the rates.
  std::optional<ValueRange> reachable(const IndicatorSpec&, std::size_t) const override {
    ValueRange r;
    r.lo = 0;
    r.hi = cap;
    r.lo_open = r.hi_open = true;
    r.why_lo = "a logistic indicator stays strictly above 0";
    r.why_hi = "a logistic indicator stays strictly below its cap " + canonical_number(cap);
    return r;
  }
  std::shared_ptr<GrowthMeasure> measure() const override {
    return std::make_shared<LogitRate>(cap);
  }
  std::unique_ptr<Process> compile(const CompileContext& ctx) const override {
    return std::make_unique<LogisticProcess>(rate, cap, ctx);
  }
};

/// `cap: NUMBER` (required, > 0).
bool parse_cap(NodeReader& r, LogisticSpec& spec) {
  auto c = r.required("cap");
  if (!c) return false;
  const auto x = c->number();
  if (!x) return false;
  spec.cap = *x;
  if (!(*x > 0)) {
    c->error("cap=" + canonical_number(*x) + " (must be > 0: the ceiling the value approaches)");
    return false;
  }
  return true;
}

std::shared_ptr<const ProcessSpec> parse_logistic(NodeReader& r) {
  return parse_rate_process<LogisticSpec>(r, parse_cap);
}

}  // namespace

ProcessType logistic_process_type() {
  ProcessType t;
  t.key = "logistic";
  t.summary = "bounded value in (0, cap): its logit moves by an uncertain annual rate (S-curve)";
  t.base = BaseRule::required;
  t.keys = {{"cap", "number", "", "ceiling the value approaches but never reaches (> base > 0)"}};
  const auto rate_keys = rate_model_keys("constant trend of the logit rate over the segment");
  t.keys.insert(t.keys.end(), rate_keys.begin(), rate_keys.end());
  t.parse = parse_logistic;
  return t;
}

}  // namespace plancast
