// The annual-rate model shared by growth and logistic (SPEC §2.1): a trend schedule,
// stationary AR(1) noise and random shocks, g_t = μ_t + ε_t + s_t.
#pragma once

#include <climits>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/node_reader.h"
#include "engine/core/process.h"
#include "engine/random/distribution.h"
#include "engine/random/distribution_spec.h"
#include "engine/random/stream.h"
#include "engine/sim/block.h"

namespace plancast {

/// v for run j: the constant, or parameter p's draw.
inline double value_at(const ValueRef& v, const BlockCtx& ctx, std::size_t j) {
  return v.param >= 0 ? ctx.param(v.param, j) : v.number;
}

struct TrendSegment {
  int until = INT_MAX;  ///< INT_MAX: to the horizon (the `trend: RATE` shorthand)
  bool converge = false;
  Value rate;  ///< rate, or converge_to target
  Value half_life;
  SourceLoc loc;
};

/// `shocks:` of a process: in a shock year a size is drawn (a distribution, a number or a
/// parameter). The shock years are the process's own, each year with chance `probability`,
/// or those of a shared event (`event: NAME`, engine/sim/events.h), the same runs and years
/// for every process naming it.
struct ShockSpec {
  bool present = false;
  std::string event;  ///< non-empty: the years are this event's
  SourceLoc event_loc;
  Value probability = Value::of(0);
  std::optional<DistSpec> dist;  ///< size as a distribution
  Value value;                   ///< size as a number or parameter (no dist)
  /// Parameter names it uses (probability, size).
  void add_references(std::vector<NameRef>& refs) const;
  /// The event it names, if any.
  std::vector<NameRef> event_refs() const;
  /// Fills the shock fields of `out` (ProcessSpec::yearly_randomness), with `effect`.
  void describe(YearlyRandomness& out, const std::string& effect) const;
};

/// Reads the optional `shocks` of a process map: {probability: P, size: S} or {event: NAME,
/// size: S}, never both `probability` and `event`. False after reporting.
bool parse_shocks(NodeReader& r, ShockSpec& out);

/// The parameter-table rows of `shocks` (`added` says what the size does in a shock year).
std::vector<ProcessKeyDoc> shock_keys(const std::string& added);

/// Compiled shocks. Draws: lanes 2 (occurrence, own shocks only) and 3 (size) of the
/// process's stream at (run, year, 0, 0); an event's occurrence is the event's.
class Shocks {
 public:
  Shocks() = default;
  Shocks(const ShockSpec& spec, const CompileContext& ctx);
  bool any() const { return present_; }
  /// For every run j of the block in year ctx.t: on[j] = 1 where it has a shock, and then
  /// size[j] its size (0 elsewhere). Run j's words are uniforms(run, t, 0), lanes 2 (the
  /// chance) and 3 (the size's quantile), drawn for 64 runs at a time (SIMD lanes).
  void draw_block(const BlockCtx& ctx, const Stream& stream, std::uint8_t* on, double* size) const;
  /// For Process::year_free_key: "none", or the probability and size of shocks of its own
  /// with a size that is a number or parameter; empty (not year-free) for an event's shocks
  /// (an event may be limited to some calendar years) or a size drawn from a distribution.
  std::string year_free_key() const;

 private:
  bool present_ = false;
  int event_ = -1;
  ValueRef p_;
  std::optional<Distribution> dist_;
  ValueRef value_;
};

struct RateSpec {
  std::vector<TrendSegment> trend;
  Value noise_sd = Value::of(0);
  Value noise_persistence = Value::of(0);
  ShockSpec shocks;
  SourceLoc loc;

  /// Parameter names this spec uses (each may only be a parameter).
  std::vector<NameRef> references() const;
  /// The schedule against the scenario's years: every segment ends after the base year
  /// and the last reaches the horizon.
  void check(const Scenario& scenario, DiagnosticList& diags) const;
  /// The first trend segment's `rate` (audit's assumption), or nullopt (none, or the
  /// schedule starts by converging).
  std::optional<Value> first_rate() const {
    if (trend.empty() || trend.front().converge) return std::nullopt;
    return trend.front().rate;
  }
};

/// The parameter-table rows of the rate model's keys (trend, noise, shocks), for the
/// registry entries of the processes that use it. `rate_meaning` describes trend[].rate.
std::vector<ProcessKeyDoc> rate_model_keys(const std::string& rate_meaning);

/// Reads a trend schedule (the node under `key`: one rate, or a list of {until, rate} /
/// {until, converge_to, half_life} segments) into `trend`; false after reporting. Growth's
/// `trend` and coverage's `hazard` use it.
bool parse_trend(NodeReader& tr, std::vector<TrendSegment>& trend, const std::string& key);

/// Reads `trend`, `noise` and `shocks` from a process map (the caller reads its own keys
/// and calls finish()). Returns false after reporting when the spec cannot be used.
bool parse_rate_spec(NodeReader& r, RateSpec& out);

/// The spec of a process whose value is driven by one rate model (growth, logistic): the
/// names its rates use, the schedule's check, and audit's measure with the first trend
/// segment's rate as the assumption.
class RateProcessSpec : public ProcessSpec {
 public:
  RateSpec rate;
  std::vector<NameRef> references() const override { return rate.references(); }
  std::vector<NameRef> event_refs() const override { return rate.shocks.event_refs(); }
  YearlyRandomness yearly_randomness() const override {
    YearlyRandomness y;
    y.on = "yearly rate";
    y.noise = rate.noise_sd.is_param() || rate.noise_sd.number != 0;
    y.noise_sd = rate.noise_sd;
    y.noise_persistence = rate.noise_persistence;
    rate.shocks.describe(y, "added to the yearly rate");
    return y;
  }
  void check(const Scenario& sc, const IndicatorSpec&, DiagnosticList& diags) const override {
    rate.check(sc, diags);
  }
  std::shared_ptr<const GrowthMeasure> growth_measure(const IndicatorSpec&,
                                                      const AuditContext&) const final {
    std::shared_ptr<GrowthMeasure> m = measure();
    m->assumed = rate.first_rate();
    return m;
  }

 protected:
  /// How audit measures growth of this process's values (the rate each target needs).
  virtual std::shared_ptr<GrowthMeasure> measure() const = 0;
};

/// Parses the map of a process driven by the rate model: its `trend`, `noise` and `shocks`
/// (parse_rate_spec), then `own(r, spec)` reads the process's own keys (false after
/// reporting a problem), then finish(). Null when anything was reported.
template <class Spec, class Own>
std::shared_ptr<const ProcessSpec> parse_rate_process(NodeReader& r, Own own) {
  if (!r.expect_map()) return nullptr;
  auto spec = std::make_shared<Spec>();
  bool ok = parse_rate_spec(r, spec->rate);
  ok = own(r, *spec) && ok;
  r.finish();
  return ok ? spec : nullptr;
}

/// The compiled rate model: immutable, shared by threads.
class RateModel {
 public:
  /// Checks the schedule against the scenario's years (ScenarioError at the segment).
  RateModel(const RateSpec& spec, const CompileContext& ctx);

  /// Per-worker run state (block-sized arrays).
  struct State {
    std::vector<double> eps;        ///< AR(1) noise of last year
    std::vector<double> mu_last;    ///< trend of last year
    std::vector<double> mu_anchor;  ///< trend at the start of the current converge segment
    /// The noise's standard normals of four consecutive years (z[lane * block + j]),
    /// drawn together from one Philox call per run (see rates()).
    std::vector<double> z;
    std::vector<double> shock;          ///< this year's shock sizes (Shocks::draw_block)
    std::vector<std::uint8_t> shocked;  ///< 1 where a run has a shock this year
    explicit State(std::size_t block = 0)
        : eps(block),
          mu_last(block),
          mu_anchor(block),
          z(4 * block),
          shock(block),
          shocked(block) {}
    /// Numbers held, 8 bytes each (for Process::worker_bytes).
    std::size_t size() const {
      return eps.size() + mu_last.size() + mu_anchor.size() + z.size() + shock.size() +
             (shocked.size() + 7) / 8;
    }
  };

  void init(State& s, const BlockCtx& ctx) const;
  /// g[j] = μ_t + ε_t + s_t for every run of the block, year ctx.t (>= 1). Draws from
  /// this indicator's stream: the noise's normal z_t of run r is lane (t-1) mod 4 of the
  /// Philox counter (r, (t-1) div 4, 0, 1), by the ziggurat (the rare extra words it needs
  /// come from counters (r, t, k, 2), k = 0, 1, ...), so z_t is a pure function of (seed,
  /// indicator, run, year); shocks use lanes 2 (event) and 3 (size) of (r, t, 0, 0).
  void rates(State& s, const BlockCtx& ctx, double* g) const;

 private:
  struct Segment {
    bool converge = false;
    ValueRef rate, half_life;
    int first_t = 0;  ///< year index of the segment's first simulated year
  };
  /// This year's noise normals for the block (drawing four years' worth every fourth year).
  const double* noise_normals(State& s, const BlockCtx& ctx, const Stream& stream) const;
  std::vector<int> segment_of_t_;  ///< [t] → segment index, t = 1..T
  std::vector<Segment> segments_;
  ValueRef sd_, phi_;
  bool has_noise_ = false;
  Shocks shocks_;
  StreamKey stream_ = 0;
};

}  // namespace plancast
