// count: N_t = N_{t−1} + Poisson(λ_t) − Binomial(N_{t−1}, q), exact draws (discrete.h).
#include "models/count.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/config/node_reader.h"
#include "engine/config/scenario.h"
#include "engine/core/format.h"
#include "engine/random/discrete.h"
#include "engine/random/stream.h"
#include "models/rate_model.h"

namespace plancast {

namespace {

class CountProcess;

class CountWorker final : public ProcessWorker {
 public:
  CountWorker(const CountProcess& p, std::size_t block)
      : p_(p),
        words_(4 * block),
        lambda_(block),
        exit_(block),
        arrivals_(block),
        exits_(block),
        shock_(block),
        rest_(block),
        shocked_(block) {}
  void init(BlockCtx& ctx) override;
  void step(BlockCtx& ctx) override;

 private:
  const CountProcess& p_;
  std::vector<std::uint64_t> words_;  ///< [lane][run]: this year's first words of each draw
  std::vector<double> lambda_, exit_, arrivals_, exits_, shock_;  ///< per run of the block
  std::vector<std::uint32_t> rest_;    ///< draws their first words did not decide
  std::vector<std::uint8_t> shocked_;  ///< 1 where a run has a shock this year
};

class CountProcess final : public Process {
 public:
  CountProcess(const Value& rate, const Value& rate_growth, const Value& exit,
               const ShockSpec& shock_spec, const CompileContext& ctx)
      : rate(ctx.resolve(rate)),
        growth(ctx.resolve(rate_growth)),
        exit(ctx.resolve(exit)),
        shocks(shock_spec, ctx),
        slot(ctx.output_slots().at(0)),
        base(ctx.base()),
        stream(ctx.stream_key(0)) {}
  std::unique_ptr<ProcessWorker> make_worker(std::size_t block) const override {
    return std::make_unique<CountWorker>(*this, block);
  }
  /// CountWorker's arrays: four words, five doubles, an index and a flag per run of the block.
  std::uint64_t worker_bytes(std::size_t block) const override {
    return block * (4 * sizeof(std::uint64_t) + 5 * sizeof(double) + sizeof(std::uint32_t) + 1);
  }
  /// A count's year reads its rate, rate_growth, exit and shocks (by year index), its stream
  /// and its last value: year-free unless its shocks are an event's or drawn.
  std::string year_free_key() const override {
    const std::string s = shocks.year_free_key();
    if (s.empty()) return {};
    std::string key = "count rate=";
    for (const auto& [name, v] : {std::pair<const char*, ValueRef>{"", rate},
                                  {" growth=", growth},
                                  {" exit=", exit},
                                  {" base=", ValueRef{base, -1}}}) {
      key += name;
      key += value_key(v);
    }
    key += " stream=";
    key += std::to_string(stream);
    key += " shocks=";
    key += s;
    return key;
  }
  ValueRef rate, growth, exit;
  Shocks shocks;  ///< on the arrival rate: λ (1 + size), floored at 0
  int slot;
  double base;
  StreamKey stream;
};

/// Counters of count's words in year t of run r (count.h): the first two words of each draw
/// from Philox (r, t, kCountDraw, 0) (arrivals lanes 0-1, exits lanes 2-3), further words
/// (rejections) from (r, t, k, kArrivalsMore) and (r, t, k, kExitsMore), k = 0, 1, ...;
/// draw 0's uniforms (r, t, 0, 0) belong to the shocks, lanes 2 and 3 as in the rate model.
constexpr std::uint32_t kCountDraw = 1;
constexpr std::uint64_t kArrivalsMore = 1;
constexpr std::uint64_t kExitsMore = 2;

void CountWorker::init(BlockCtx& ctx) {
  double* x = ctx.slot(p_.slot);
  for (std::size_t j = 0; j < ctx.n; ++j) x[j] = p_.base;
}

void CountWorker::step(BlockCtx& ctx) {
  const Stream stream(ctx.seed, p_.stream);
  const auto year_index = static_cast<std::uint32_t>(ctx.t);
  const double years = static_cast<double>(ctx.t - 1);
  // The worker's arrays hold the block it was made for (make_worker): their stride.
  const std::size_t n = ctx.n, stride = lambda_.size();
  if (n > stride) throw std::logic_error("count: a block larger than its worker's");
  double* x = ctx.slot(p_.slot);
  const double* prev = ctx.prev_slot(p_.slot);
  // The first words of every run's draws at once (SIMD lanes across runs, the same bits as
  // stream.words(run, year, kCountDraw, 0) run by run): arrivals lanes 0-1, exits 2-3.
  std::uint64_t* w = words_.data();
  stream.words_runs(ctx.first_run, n, year_index, kCountDraw, 0, w, stride);
  if (p_.shocks.any()) p_.shocks.draw_block(ctx, stream, shocked_.data(), shock_.data());
  // Each run's arrival rate and exit probability. A constant rate_growth: its factor
  // (1 + g)^(t − 1) once for the block, the same expression as per run, so the same bits.
  const double g_const = std::max(-1.0, p_.growth.number);
  const double factor_const = g_const == 0 ? 1.0 : std::pow(1.0 + g_const, years);
  for (std::size_t j = 0; j < n; ++j) {
    const double rate = std::clamp(value_at(p_.rate, ctx, j), 0.0, kMaxCountRate);
    double lambda = rate;
    if (p_.growth.is_param()) {
      const double g = std::max(-1.0, ctx.param(p_.growth.param, j));
      if (g != 0) lambda = rate * std::pow(1.0 + g, years);
    } else if (g_const != 0) {
      lambda = rate * factor_const;
    }
    if (p_.shocks.any() && shocked_[j] != 0) {
      lambda = std::min(lambda * std::max(0.0, 1.0 + shock_[j]), kMaxCountRate);
    }
    lambda_[j] = lambda;
    exit_[j] = std::clamp(value_at(p_.exit, ctx, j), 0.0, 1.0);
  }
  // The draws, the block at once (discrete.h); those their first words do not decide, run by
  // run with their further words.
  double* arrivals = arrivals_.data();
  double* exits = exits_.data();
  std::uint32_t* rest = rest_.data();
  const std::size_t k_arrivals = poisson_draws(lambda_.data(), w, w + stride, n, arrivals, rest);
  for (std::size_t i = 0; i < k_arrivals; ++i) {
    const std::size_t j = rest[i];
    DrawWords more(WordSequence(stream, ctx.first_run + j, year_index, kArrivalsMore));
    arrivals[j] = poisson_rest(lambda_[j], more);
  }
  const std::size_t k_exits = binomial_draws(prev, exit_.data(), w + 2 * stride, n, exits, rest);
  for (std::size_t i = 0; i < k_exits; ++i) {
    const std::size_t j = rest[i];
    DrawWords more(w[2 * stride + j], w[3 * stride + j],
                   WordSequence(stream, ctx.first_run + j, year_index, kExitsMore));
    exits[j] = binomial_draw(prev[j], exit_[j], more);
  }
  for (std::size_t j = 0; j < n; ++j) {
    const double last = prev[j];
    x[j] = std::isfinite(last) ? last + arrivals[j] - exits[j] : last;
  }
}

/// Reports a constant outside its range at the value (parameters are clamped per run).
bool check_range(NodeReader& at, const Value& v, const std::string& key, double lo, bool lo_open,
                 double hi, const std::string& why) {
  if (v.is_param()) return true;
  const bool bad = (lo_open ? !(v.number > lo) : !(v.number >= lo)) || v.number > hi;
  if (!bad) return true;
  std::string msg = key;
  msg += "=";
  msg += canonical_number(v.number);
  msg += " (";
  msg += why;
  msg += ")";
  at.diags().error(v.loc.line > 0 ? v.loc : at.loc(), msg);
  return false;
}

/// Audit's measure: a history's net change a year; a target's first-year arrival rate.
class ArrivalRate final : public GrowthMeasure {
 public:
  ArrivalRate(double rate_growth, double exit) : growth_(rate_growth), exit_(exit) {}
  double rate_between(double v0, double v1, double n) const override { return (v1 - v0) / n; }
  /// The first-year arrival rate λ whose expected path reaches v1 from v0 in n years, with
  /// rate_growth g and exit q (their means when parameters):
  /// E N_n = v0 (1-q)^n + λ Σ_{k<n} (1+g)^k (1-q)^(n-1-k).
  RequiredRate required(double v0, double v1, int n, const AuditContext& ctx) const override {
    double sum = 0;
    for (int k = 0; k < n; ++k) sum += std::pow(1 + growth_, k) * std::pow(1 - exit_, n - 1 - k);
    const double lambda = sum > 0 ? (v1 - v0 * std::pow(1 - exit_, n)) / sum
                                  : std::numeric_limits<double>::quiet_NaN();
    const double net = (v1 - v0) / n;
    RequiredRate r;
    r.rate = lambda;
    r.checkable = true;
    r.values.emplace_back("net_per_year", net);
    r.text = ctx.number(v0) + " -> " + ctx.number(v1) + " is " + ctx.number(v1 - v0) + " net in " +
             ctx.years(n) + " (" + ctx.number(net) + " a year)";
    if (growth_ != 0 || exit_ != 0) {
      r.text += "; with rate_growth ";
      r.text += ctx.percent(growth_, 1);
      r.text += " and exit ";
      r.text += ctx.percent(exit_, 1);
      r.text += ", expected first-year arrivals of ";
      r.text += ctx.number(lambda);
    }
    return r;
  }
  std::string rate_text(double r, const AuditContext& ctx) const override {
    return ctx.number(r) + " a year";
  }

 private:
  double growth_, exit_;
};

class CountSpec final : public ProcessSpec {
 public:
  Value rate;
  Value rate_growth = Value::of(0);
  Value exit = Value::of(0);
  ShockSpec shocks;
  std::vector<NameRef> references() const override {
    std::vector<NameRef> refs;
    for (const Value* v : {&rate, &rate_growth, &exit}) {
      if (v->is_param()) refs.push_back(NameRef{v->param, v->loc, true});
    }
    shocks.add_references(refs);
    return refs;
  }
  std::vector<NameRef> event_refs() const override { return shocks.event_refs(); }
  YearlyRandomness yearly_randomness() const override {
    YearlyRandomness y;
    y.on = "arrival rate";
    shocks.describe(y, "multiplies the arrival rate by 1 + size");
    return y;
  }
  void check(const Scenario&, const IndicatorSpec& self, DiagnosticList& diags) const override {
    const double b = self.base;
    if (self.has_base && !(b >= 0 && b <= kMaxCountBase && b == std::floor(b))) {
      std::string msg = "base=";
      msg += canonical_number(b);
      msg += " (a count starts from a whole number >= 0, e.g. base: 13)";
      diags.error(self.base_loc, msg);
    }
  }
  // Reachable values and assumed rates (issue 14, parts 6-7): arrivals never lower the
  // count and exits never raise it (rate and exit parameters are clamped to >= 0).
  std::optional<ValueRange> reachable(const IndicatorSpec& ind, std::size_t) const override {
    if (!ind.has_base) return std::nullopt;
    ValueRange r;
    const std::string base = canonical_number(ind.base);
    r.lo = 0;
    r.why_lo = "a count is never below 0";
    if (!exit.is_param() && exit.number == 0) {
      r.lo = ind.base;
      r.why_lo = "a count without exits (exit 0) never falls below its base " + base;
    }
    if (!rate.is_param() && rate.number == 0) {
      r.hi = ind.base;
      r.why_hi = "a count with rate 0 (no arrivals) never rises above its base " + base;
    }
    return r;
  }
  std::vector<GrowthRateUse> growth_rates() const override {
    return {{rate_growth, "rate_growth"}};
  }
  // History for a count is the net change a year; the assumption is the arrival rate.
  std::shared_ptr<const GrowthMeasure> growth_measure(const IndicatorSpec&,
                                                      const AuditContext& ctx) const override {
    auto m = std::make_shared<ArrivalRate>(ctx.mean(rate_growth, 0.0),
                                           std::clamp(ctx.mean(exit, 0.0), 0.0, 1.0));
    m->assumed = rate;
    return m;
  }
  std::unique_ptr<Process> compile(const CompileContext& ctx) const override {
    return std::make_unique<CountProcess>(rate, rate_growth, exit, shocks, ctx);
  }
};

std::shared_ptr<const ProcessSpec> parse_count(NodeReader& r) {
  if (!r.expect_map()) return nullptr;
  auto spec = std::make_shared<CountSpec>();
  bool ok = true;
  if (auto v = r.value_at("rate")) {
    spec->rate = *v;
    ok = check_range(r, *v, "rate", 0, false, HUGE_VAL,
                     "must be >= 0: expected arrivals in the first simulated year") &&
         check_range(r, *v, "rate", -HUGE_VAL, false, kMaxCountRate,
                     "at most 1e15 arrivals a year: a count is a whole number, which a double "
                     "holds exactly only up to 2^53, about 9e15") &&
         ok;
  } else {
    ok = false;
  }
  if (auto v = r.value_or("rate_growth", 0)) {
    spec->rate_growth = *v;
    ok = check_range(r, *v, "rate_growth", -1, true, HUGE_VAL,
                     "must be > -1: the arrival rate changes by this fraction each year") &&
         ok;
  } else {
    ok = false;
  }
  if (auto v = r.value_or("exit", 0)) {
    spec->exit = *v;
    ok = check_range(r, *v, "exit", 0, false, 1,
                     "must be in [0, 1]: the chance that each counted item leaves in a year") &&
         ok;
  } else {
    ok = false;
  }
  ok = parse_shocks(r, spec->shocks) && ok;
  r.finish();
  return ok ? spec : nullptr;
}

}  // namespace

ProcessType count_process_type() {
  ProcessType t;
  t.key = "count";
  t.summary = "cumulative count: Poisson arrivals at a growing rate minus binomial exits";
  t.base = BaseRule::required;
  t.keys = {
      {"rate", "number|parameter", "",
       "expected arrivals in the first simulated year (0 to 1e15); a gamma parameter gives "
       "negative-binomial totals"},
      {"rate_growth", "number|parameter", "0",
       "yearly growth of the arrival rate (> -1): rate (1+rate_growth)^(t-base_year-1)"},
      {"exit", "number|parameter", "0",
       "chance that each counted item leaves in a year, in [0, 1]"},
  };
  const std::vector<ProcessKeyDoc> shocks =
      shock_keys("relative change of the arrival rate in a shock year: rate (1+size), >= 0");
  t.keys.insert(t.keys.end(), shocks.begin(), shocks.end());
  t.parse = parse_count;
  return t;
}

}  // namespace plancast
