// firm_population: firms on a Pareto tail, each growing with an indicator plus noise.
#include "models/firm_population.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "engine/config/node_reader.h"
#include "engine/config/scenario.h"
#include "engine/core/format.h"
#include "engine/random/distribution.h"
#include "engine/random/stream.h"
#include "engine/sim/block.h"
#include "models/firm_draws.h"
#include "models/rate_model.h"

namespace plancast {

namespace {

using namespace firm_detail;

class FirmProcess;

class FirmWorker final : public ProcessWorker {
 public:
  FirmWorker(const FirmProcess& p, std::size_t block);
  void init(BlockCtx& ctx) override;
  void step(BlockCtx& ctx) override;

 private:
  void write_counts(BlockCtx& ctx, std::size_t j) const;
  const FirmProcess& p_;
  /// Log sizes of run j's firms. Each run's vector is reserved once (initial firms plus a
  /// generous bound on entrants) and keeps its capacity from block to block, so memory is
  /// what the runs need, not block size × the cap, and steps do not allocate.
  std::vector<std::vector<double>> firms_;
  /// Per run of the block: 1 once the followed indicator's value (or the growth from it)
  /// was not finite. The firms' sizes are then undefined, and so are the run's counts: NaN
  /// from that year on, counted as non-finite (docs/reliability.md, "Non-finite values"),
  /// never a silent 0.
  std::vector<std::uint8_t> undefined_;
  std::vector<double> entry_;            ///< per run of the block: this year's entry rate
  std::vector<std::uint64_t> entrants_;  ///< per run of the block: this year's entrants
  /// Per run of the block: its counts at or above each threshold after this year's noise
  /// (one per threshold, from the noise batch's pass), and whether they were counted there (1) or
  /// are still to be counted on the firms (0: no noise, or undefined).
  std::vector<std::uint32_t> counts_;
  std::vector<std::uint8_t> counted_;
  EntrantDraws entrant_draws_;
  NoiseBatch noise_batch_;
};

class FirmProcess final : public Process {
 public:
  std::unique_ptr<ProcessWorker> make_worker(std::size_t block) const override {
    return std::make_unique<FirmWorker>(*this, block);
  }
  /// Per run of the block, its vector and 8 bytes per firm held by the horizon: initial and
  /// expected entrants (a parameter entry at its 99th percentile; untouched reserve is free).
  std::uint64_t worker_bytes(std::size_t block) const override {
    const double firms = std::min(static_cast<double>(start.size()) + entry_high * years,
                                  static_cast<double>(kMaxFirmsPerRun));
    return block * (sizeof(std::vector<double>) + 2 * sizeof(double) +
                    sizeof(double) * static_cast<std::uint64_t>(std::ceil(firms))) +
           EntrantDraws::bytes(block) + NoiseBatch::bytes();
  }
  std::string name;
  std::vector<double> log_t;  ///< ln T_k, increasing
  std::vector<int> slots;     ///< output slot per threshold
  std::vector<double> start;  ///< base-year log sizes
  int follow_slot = -1;       ///< -1: drift from rate
  ValueRef rate, sigma, entry;
  bool has_noise = false, has_entry = false;
  int years = 0;  ///< simulated years (horizon − base year)
  StreamKey noise_stream = 0, entry_stream = 0;
  std::size_t initial_cap = 1;
  double entry_high = 0;  ///< entrants per year at most, for worker_bytes
};

FirmWorker::FirmWorker(const FirmProcess& p, std::size_t block)
    : p_(p),
      firms_(block),
      undefined_(block, 0),
      entry_(block),
      entrants_(block),
      counts_(block * p.log_t.size()),
      counted_(block, 0),
      entrant_draws_(block),
      noise_batch_(p.log_t.data(), p.log_t.size()) {
  for (auto& f : firms_) f.reserve(p.initial_cap);
}

void FirmWorker::write_counts(BlockCtx& ctx, std::size_t j) const {
  const std::vector<double>& s = firms_[j];
  const std::size_t K = p_.log_t.size();
  if (undefined_[j]) {
    for (std::size_t k = 0; k < K; ++k) {
      ctx.slot(p_.slots[k])[j] = std::numeric_limits<double>::quiet_NaN();
    }
    return;
  }
  for (std::size_t k = 0; k < K; ++k) {
    ctx.slot(p_.slots[k])[j] = static_cast<double>(count_at_least(s.data(), s.size(), p_.log_t[k]));
  }
}

void FirmWorker::init(BlockCtx& ctx) {
  const double* x = p_.follow_slot >= 0 ? ctx.slot(p_.follow_slot) : nullptr;
  for (std::size_t j = 0; j < ctx.n; ++j) {
    undefined_[j] = x != nullptr && !std::isfinite(x[j]) ? 1 : 0;
    if (p_.has_entry && p_.entry.is_param()) {
      // A parameter-valued entry rate is known per run only now: make room once.
      firms_[j].reserve(capacity_for(p_.start.size(), value_at(p_.entry, ctx, j) * p_.years));
    }
    firms_[j].assign(p_.start.begin(), p_.start.end());
    write_counts(ctx, j);
  }
}

void FirmWorker::step(BlockCtx& ctx) {
  const Stream noise(ctx.seed, p_.noise_stream);
  const Stream entry(ctx.seed, p_.entry_stream);
  const auto year_index = static_cast<std::uint32_t>(ctx.t);
  const double* x = p_.follow_slot >= 0 ? ctx.slot(p_.follow_slot) : nullptr;
  const double* xp = p_.follow_slot >= 0 ? ctx.prev_slot(p_.follow_slot) : nullptr;
  const std::size_t K = p_.log_t.size();
  if (p_.has_entry) {
    // The block's entrants at once (a mean above the cap: kMaxFirmsPerRun + 1, no draw).
    for (std::size_t j = 0; j < ctx.n; ++j) entry_[j] = value_at(p_.entry, ctx, j);
    entrant_draws_.draw(entry_.data(), ctx.n, entry, ctx.first_run, year_index, entrants_.data());
  }
  // 1. Each run's drift and noise; the noise of many runs drawn at once (NoiseBatch), or
  // read where a scenario simulated together with this one drew it (ctx.normals).
  noise_batch_.share(ctx.normals == nullptr ? nullptr
                                            : ctx.normals->table(ctx.seed, p_.noise_stream,
                                                                 ctx.first_run, year_index, ctx.n));
  for (std::size_t j = 0; j < ctx.n; ++j) {
    counted_[j] = 0;
    if (undefined_[j]) continue;
    double d;
    if (x != nullptr) {
      if (!std::isfinite(x[j])) {
        d = std::numeric_limits<double>::quiet_NaN();  // growth of an undefined value
      } else if (!(x[j] > 0)) {
        d = -HUGE_VAL;  // the followed indicator vanished: so do its firms
      } else if (!(xp[j] > 0)) {
        d = 0;  // nothing to scale from: sizes stay
      } else {
        d = std::log(x[j] / xp[j]);
      }
    } else {
      const double r = value_at(p_.rate, ctx, j);
      d = std::isnan(r) ? r : r > -1 ? std::log1p(r) : -HUGE_VAL;
    }
    if (std::isnan(d)) {
      undefined_[j] = 1;
      continue;
    }
    std::vector<double>& f = firms_[j];
    double* s = f.data();
    const std::size_t n = f.size();
    const double sigma = p_.has_noise ? std::max(0.0, value_at(p_.sigma, ctx, j)) : 0.0;
    if (sigma > 0) {
      if (!noise_batch_.fits(n)) noise_batch_.flush(noise, year_index);
      noise_batch_.queue(s, n, d, sigma, ctx.first_run + j, counts_.data() + j * K);
      counted_[j] = 1;
    } else {
      for (std::size_t i = 0; i < n; ++i) s[i] += d;
    }
  }
  noise_batch_.flush(noise, year_index);
  // 2. Entrants (after the noise: they enter at the lowest threshold), then the counts.
  for (std::size_t j = 0; j < ctx.n; ++j) {
    if (!undefined_[j] && p_.has_entry) {
      std::vector<double>& f = firms_[j];
      const std::size_t n = f.size();
      const std::uint64_t k = entrants_[j];
      if (k > 0) {
        if (k > kMaxFirmsPerRun - n) {
          std::string m = "indicator '";
          m += p_.name;
          m += "': run ";
          m += std::to_string(ctx.first_run + j);
          m += " would hold ";
          m += std::to_string(n + k);
          m += " firms in ";
          m += std::to_string(ctx.year);
          m += ", more than the cap of ";
          m += std::to_string(kMaxFirmsPerRun);
          m += " per run (lower 'entry', or raise the lowest threshold)";
          throw RunError(m);
        }
        f.insert(f.end(), static_cast<std::size_t>(k), p_.log_t.front());
        if (counted_[j]) {
          // The entrants, at the lowest threshold, count where it is at or above one.
          for (std::size_t t = 0; t < K; ++t) {
            if (p_.log_t.front() >= p_.log_t[t])
              counts_[j * K + t] += static_cast<std::uint32_t>(k);
          }
        }
      }
    }
    if (counted_[j]) {  // set only for runs that stayed defined
      for (std::size_t t = 0; t < K; ++t) {
        ctx.slot(p_.slots[t])[j] = static_cast<double>(counts_[j * K + t]);
      }
    } else {
      write_counts(ctx, j);
    }
  }
}

class FirmSpec final : public ProcessSpec {
 public:
  std::vector<double> thresholds;
  std::vector<std::string> names;  ///< threshold_name of each
  std::vector<long> counts;
  SourceLoc counts_loc;
  std::string follows;  ///< empty: rate
  SourceLoc follows_loc;
  Value rate, sigma, entry;
  double alpha = 0;

  std::vector<std::string> outputs(const std::string& indicator) const override {
    std::vector<std::string> out;
    for (const auto& n : names) {
      std::string o = indicator;
      o += "_over_";
      o += n;
      out.push_back(o);
    }
    return out;
  }

  std::vector<NameRef> references() const override {
    std::vector<NameRef> refs;
    if (!follows.empty()) refs.push_back(NameRef{follows, follows_loc, false});
    for (const Value* v : {&rate, &sigma, &entry}) {
      if (v->is_param()) refs.push_back(NameRef{v->param, v->loc, true});
    }
    return refs;
  }

  /// Sub-stream 0: the firms' noise; 1: the entrants.
  std::uint32_t stream_count() const override { return 2; }
  void check(const Scenario& sc, const IndicatorSpec&, DiagnosticList& diags) const override {
    if (!follows.empty() && sc.find_parameter(follows) != nullptr) {
      diags.error(follows_loc, "follows: '" + follows +
                                   "' is a parameter; 'follows' names an indicator whose "
                                   "growth the firms share (for a drift drawn per run use "
                                   "'rate: " +
                                   follows + "')");
    }
    if (!entry.is_param() && entry.number > 0) {
      const double years = sc.horizon - sc.base_year;
      const double expected = static_cast<double>(counts.front()) + entry.number * years;
      if (expected > static_cast<double>(kMaxFirmsPerRun)) {
        diags.error(entry.loc,
                    "entry=" + canonical_number(entry.number) + " over " + canonical_number(years) +
                        " years gives about " + canonical_number(std::round(expected)) +
                        " firms per run, more than the cap of " + std::to_string(kMaxFirmsPerRun) +
                        " (raise the lowest threshold or lower entry)");
      }
    }
  }

  // Reachable values and assumed rates (issue 14, parts 6-7): firms that shrink stay in
  // the population, so without entry no threshold ever counts more than the base-year
  // firms above the lowest one.
  std::optional<ValueRange> reachable(const IndicatorSpec&, std::size_t) const override {
    ValueRange r;
    r.lo = 0;
    r.why_lo = "a count of firms is never below 0";
    if (!entry.is_param() && entry.number == 0 && !counts.empty()) {
      r.hi = static_cast<double>(counts.front());
      r.why_hi = "without entry (entry 0) no threshold counts more than the " +
                 std::to_string(counts.front()) +
                 " firms above the lowest threshold at the base year";
    }
    return r;
  }
  std::vector<GrowthRateUse> growth_rates() const override {
    if (!follows.empty()) return {};
    return {{rate, "rate"}};
  }
  std::unique_ptr<Process> compile(const CompileContext& ctx) const override {
    auto p = std::make_unique<FirmProcess>();
    const Scenario& sc = ctx.scenario();
    p->name = ctx.indicator_name();
    for (double t : thresholds) p->log_t.push_back(std::log(t));
    p->slots = ctx.output_slots();
    p->start = pareto_start_log_sizes(thresholds, counts, alpha);
    if (!follows.empty()) {
      p->follow_slot = ctx.slot_index(follows);
      if (p->follow_slot < 0) {
        throw ScenarioError(follows_loc, "follows: '" + follows + "' is not an indicator");
      }
    } else {
      p->rate = ctx.resolve(rate);
    }
    p->sigma = ctx.resolve(sigma);
    p->entry = ctx.resolve(entry);
    p->has_noise = p->sigma.is_param() || p->sigma.number > 0;
    p->has_entry = p->entry.is_param() || p->entry.number > 0;
    p->years = sc.horizon - sc.base_year;
    p->noise_stream = ctx.stream_key(0);
    p->entry_stream = ctx.stream_key(1);
    const double lambda = p->entry.is_param() ? 0.0 : p->entry.number;
    p->initial_cap = capacity_for(p->start.size(), lambda * p->years);
    const ParameterSpec* ep = p->entry.is_param() ? sc.find_parameter(entry.param) : nullptr;
    p->entry_high = ep ? std::max(0.0, Distribution(ep->dist).quantile(0.99)) : lambda;
    return p;
  }
};

/// A constant must be >= lo (or > lo when strict); parameters are clamped per run.
bool check_min(NodeReader& r, const Value& v, const std::string& key, double lo, bool strict) {
  if (v.is_param()) return true;
  if (strict ? v.number > lo : v.number >= lo) return true;
  std::string m = key;
  m += "=";
  m += canonical_number(v.number);
  m += strict ? " (must be > " : " (must be >= ";
  m += canonical_number(lo);
  m += ")";
  r.diags().error(v.loc.line > 0 ? v.loc : r.loc(), m);
  return false;
}

bool parse_counts(NodeReader& c, FirmSpec& spec) {
  if (!c.expect_map()) return false;
  spec.counts_loc = c.loc();
  bool ok = true;
  auto entries = c.entries();  // reports duplicate thresholds
  if (entries.empty()) {
    c.error(
        "counts is empty (give the number of firms above each threshold, e.g. {10: 30, "
        "100: 4})");
    return false;
  }
  // entries() has reported duplicates and non-scalar keys; walk the pairs again, with
  // located keys, to read each threshold from its key node.
  for (auto& [key, val] : c.key_value_entries()) {
    auto t = key.number();
    auto n = val.integer(0, static_cast<std::int64_t>(kMaxFirmsPerRun));
    if (!t || !n) {
      ok = false;
      continue;
    }
    if (!(*t > 0)) {
      key.error("threshold " + key.scalar_text() + " (must be > 0)");
      ok = false;
      continue;
    }
    if (!spec.thresholds.empty()) {
      if (!(*t > spec.thresholds.back())) {
        key.error("threshold " + key.scalar_text() + " after " +
                  canonical_number(spec.thresholds.back()) +
                  " (thresholds must increase; list them from the lowest)");
        ok = false;
        continue;
      }
      if (*n > spec.counts.back()) {
        val.error(std::to_string(*n) + " firms above " + key.scalar_text() + " but " +
                  std::to_string(spec.counts.back()) + " above " +
                  canonical_number(spec.thresholds.back()) +
                  " (a firm above a higher threshold is above every lower one: counts must "
                  "not increase)");
        ok = false;
        continue;
      }
    }
    spec.thresholds.push_back(*t);
    spec.counts.push_back(static_cast<long>(*n));
    spec.names.push_back(threshold_name(*t));
  }
  return ok && !spec.thresholds.empty();
}

std::shared_ptr<const ProcessSpec> parse_firm_population(NodeReader& r) {
  if (!r.expect_map()) return nullptr;
  auto spec = std::make_shared<FirmSpec>();
  bool ok = true;
  if (auto c = r.required("counts")) {
    ok = parse_counts(*c, *spec) && ok;
  } else {
    ok = false;
  }
  const bool has_follows = r.has("follows");
  const bool has_rate = r.has("rate");
  if (has_follows == has_rate) {
    r.diags().error(has_follows ? r.key_loc("rate") : r.loc(),
                    has_follows
                        ? "give one of 'follows' or 'rate', not both (firms grow either with an "
                          "indicator or at a rate)"
                        : "missing 'follows' (an indicator the firms grow with) or 'rate' (their "
                          "annual growth)");
    ok = false;
  } else if (has_follows) {
    auto f = r.optional("follows");
    auto s = f->string();
    if (s && is_identifier(*s)) {
      spec->follows = *s;
      spec->follows_loc = f->loc();
    } else {
      if (s) f->error("follows: '" + *s + "' is not an indicator name");
      ok = false;
    }
  } else if (auto v = r.value_at("rate")) {
    spec->rate = *v;
    ok = check_min(r, *v, "rate", -1, true) && ok;
  } else {
    ok = false;
  }
  if (auto v = r.value_or("sigma", 0)) {
    spec->sigma = *v;
    ok = check_min(r, *v, "sigma", 0, false) && ok;
  } else {
    ok = false;
  }
  if (auto v = r.value_or("entry", 0)) {
    spec->entry = *v;
    ok = check_min(r, *v, "entry", 0, false) && ok;
  } else {
    ok = false;
  }
  if (r.has("alpha")) {
    if (auto a = r.number_at("alpha")) {
      if (*a > 0) {
        spec->alpha = *a;
      } else {
        r.optional("alpha")->error("alpha=" + canonical_number(*a) + " (must be > 0)");
        ok = false;
      }
    } else {
      ok = false;
    }
  } else if (ok) {
    if (auto a = fit_pareto_alpha(spec->thresholds, spec->counts)) {
      spec->alpha = *a;
    } else {
      r.diags().error(spec->counts_loc,
                      "cannot fit the Pareto index from these counts (it needs two "
                      "thresholds with decreasing counts > 0); give 'alpha'");
      ok = false;
    }
  }
  r.finish();
  return ok ? spec : nullptr;
}

}  // namespace

ProcessType firm_population_process_type() {
  ProcessType t;
  t.key = "firm_population";
  t.summary =
      "counts of firms above revenue thresholds: a Pareto tail of firms growing with an "
      "indicator plus noise, with Poisson entry";
  t.base = BaseRule::forbidden;
  t.keys = {
      {"counts", "map threshold->count", "",
       "firms above each threshold at the base year (thresholds increasing, counts not)"},
      {"follows", "indicator", "(or rate)",
       "firms grow with this indicator's log growth ln(X_t/X_{t-1}), same run"},
      {"rate", "number|parameter", "(or follows)", "annual growth instead: drift ln(1+rate)"},
      {"sigma", "number|parameter", "0", "sd of a firm's idiosyncratic log growth per year"},
      {"entry", "number|parameter", "0",
       "Poisson mean of new firms per year, entering at the lowest threshold"},
      {"alpha", "number", "fitted",
       "Pareto index of the tail (> 0); default: least squares on log counts"},
  };
  t.parse = parse_firm_population;
  return t;
}

}  // namespace plancast
