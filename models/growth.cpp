// growth: X_t = X_{t-1}·(1+g_t) or X_{t-1}·exp(g_t) with the shared rate model.
#include "models/growth.h"

#include <cmath>

#include "engine/config/node_reader.h"
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
      : model(spec, ctx), log_form(log_form), slot(ctx.output_slots().at(0)), base(ctx.base()) {}
  std::unique_ptr<ProcessWorker> make_worker(std::size_t block) const override {
    return std::make_unique<GrowthWorker>(*this, block);
  }
  RateModel model;
  bool log_form;
  int slot;
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
  for (std::size_t j = 0; j < ctx.n; ++j) {
    double g = g_[j];
    if (g < -1.0) {
      g = -1.0;
      ++floored;
    }
    x[j] = prev[j] * (1.0 + g);
  }
  if (floored != 0) ctx.counters->floored[static_cast<std::size_t>(p_.slot)] += floored;
}

class GrowthSpec final : public ProcessSpec {
 public:
  RateSpec rate;
  bool log_form = false;
  std::vector<NameRef> references() const override { return rate.references(); }
  void check(const Scenario& sc, DiagnosticList& diags) const override { rate.check(sc, diags); }
  std::unique_ptr<Process> compile(const CompileContext& ctx) const override {
    return std::make_unique<GrowthProcess>(rate, log_form, ctx);
  }
};

std::shared_ptr<const ProcessSpec> parse_growth(NodeReader& r) {
  if (!r.expect_map()) return nullptr;
  auto spec = std::make_shared<GrowthSpec>();
  bool ok = parse_rate_spec(r, spec->rate);
  if (auto f = r.optional("form")) {
    if (auto s = f->string()) {
      if (*s == "log") {
        spec->log_form = true;
      } else if (*s != "simple") {
        f->error("form '" + *s + "' is not known (use 'simple' or 'log')");
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  r.finish();
  return ok ? spec : nullptr;
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
