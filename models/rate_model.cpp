// The annual-rate model shared by growth and logistic: parsing, compiling, stepping.
#include "models/rate_model.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/config/node_reader.h"
#include "engine/config/read_distribution.h"
#include "engine/config/scenario.h"
#include "engine/core/format.h"
#include "engine/random/stream.h"
#include "engine/random/ziggurat.h"
#include "models/rate_loops.h"

namespace plancast {

namespace {

void add_ref(std::vector<NameRef>& refs, const Value& v) {
  if (v.is_param()) refs.push_back(NameRef{v.param, v.loc, true});
}

/// A constant must lie in [lo, hi] (hi_open: strictly below hi); parameters are checked
/// per run (clamped, see docs/scenario-reference.md).
bool check_const(NodeReader& at, const Value& v, const std::string& what, double lo, double hi,
                 bool hi_open = false) {
  if (v.is_param()) return true;
  const bool bad = v.number < lo || (hi_open ? v.number >= hi : v.number > hi);
  if (!bad) return true;
  std::string range = "[";  // built step by step: g++ 12 -O3 warns on "[" + string&& (PR105651)
  range += canonical_number(lo);
  range += ", ";
  range += canonical_number(hi);
  range += hi_open ? ")" : "]";
  at.diags().error(v.loc.line > 0 ? v.loc : at.loc(),
                   what + "=" + canonical_number(v.number) + " (must be in " + range + ")");
  return false;
}

bool parse_segment(NodeReader seg, TrendSegment& out) {
  if (!seg.expect_map()) return false;
  bool ok = true;
  out.loc = seg.loc();
  if (auto u = seg.required("until")) {
    if (auto y = u->integer(-100000, 100000)) {
      out.until = static_cast<int>(*y);
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  const bool has_rate = seg.has("rate");
  const bool has_conv = seg.has("converge_to");
  seg.allow("half_life");
  if (has_rate == has_conv) {
    seg.error(
        "a trend segment needs exactly one of 'rate' or 'converge_to' (it sets the "
        "trend for the years up to 'until')");
    ok = false;
  } else if (has_rate) {
    if (auto v = seg.value_at("rate"))
      out.rate = *v;
    else
      ok = false;
    if (seg.has("half_life")) {
      seg.error("'half_life' goes with 'converge_to', not with 'rate'");
      ok = false;
    }
  } else {
    out.converge = true;
    if (auto v = seg.value_at("converge_to"))
      out.rate = *v;
    else
      ok = false;
    if (auto h = seg.value_at("half_life")) {
      out.half_life = *h;
      if (!h->is_param() && !(h->number > 0)) {
        seg.diags().error(h->loc.line > 0 ? h->loc : seg.loc(),
                          "half_life=" + std::to_string(h->number) + " (must be > 0 years)");
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  seg.finish();
  return ok;
}

}  // namespace

std::vector<ProcessKeyDoc> rate_model_keys(const std::string& rate_meaning) {
  std::vector<ProcessKeyDoc> keys = {
      {"trend", "list|number|parameter", "",
       "schedule of {until, rate} / {until, converge_to, half_life} segments, or one rate"},
      {"trend[].until", "year", "", "last year of the segment"},
      {"trend[].rate", "number|parameter", "(or converge_to)", rate_meaning},
      {"trend[].converge_to", "number|parameter", "(or rate)",
       "long-run rate r: mu_t = r + (mu_a - r) 2^(-(t-a)/h)"},
      {"trend[].half_life", "number|parameter", "(with converge_to)",
       "years h for half the gap to r to close (> 0)"},
      {"noise.sd", "number|parameter", "0", "stationary sd of the AR(1) noise on the rate"},
      {"noise.persistence", "number|parameter", "0", "AR(1) coefficient phi in [0, 1)"},
  };
  const std::vector<ProcessKeyDoc> shocks = shock_keys("shock added to the rate in a shock year");
  keys.insert(keys.end(), shocks.begin(), shocks.end());
  return keys;
}

std::vector<ProcessKeyDoc> shock_keys(const std::string& added) {
  return {
      {"shocks.probability", "number|parameter", "(or event)", "chance of a shock in each year"},
      {"shocks.event", "event name", "(or probability)",
       "the shock years are those of a shared event (events:)"},
      {"shocks.size", "distribution|number|parameter", "(if shocks)", added},
  };
}

void ShockSpec::add_references(std::vector<NameRef>& refs) const {
  if (!present) return;
  if (event.empty()) add_ref(refs, probability);
  if (!dist) add_ref(refs, value);
}

std::vector<NameRef> ShockSpec::event_refs() const {
  if (!present || event.empty()) return {};
  return {NameRef{event, event_loc, false}};
}

void ShockSpec::describe(YearlyRandomness& out, const std::string& effect) const {
  out.shocks = present;
  out.shock_event = event;
  out.shock_probability = probability;
  out.shock_size = value;
  if (dist) {
    out.shock_dist_written = dist->written;
    if (dist->family == DistFamily::fixed) out.shock_range = std::pair{dist->value, dist->value};
    if (dist->family == DistFamily::uniform && !dist->truncate) {
      out.shock_range = std::pair{dist->min, dist->max};
    }
  }
  out.shock_effect = effect;
}

bool parse_shocks(NodeReader& r, ShockSpec& out) {
  auto sh = r.optional("shocks");
  if (!sh) return true;
  if (!sh->expect_map()) return false;
  bool ok = true;
  out.present = true;
  const bool has_p = sh->has("probability");
  const bool has_e = sh->has("event");
  if (has_p && has_e) {
    sh->error(
        "shocks take either 'probability' (the process's own shock years) or 'event' (the "
        "years of a shared event), not both");
    ok = false;
  } else if (has_e) {
    auto e = sh->required("event");
    if (auto name = e->string()) {
      out.event = *name;
      out.event_loc = e->loc();
    } else {
      ok = false;
    }
  } else if (auto v = sh->value_at("probability")) {
    out.probability = *v;
    ok = check_const(*sh, *v, "probability", 0, 1) && ok;
  } else {
    ok = false;
  }
  if (auto sz = sh->required("size")) {
    if (sz->is_map()) {
      if (auto d = read_distribution(*sz))
        out.dist = *d;
      else
        ok = false;
    } else if (auto v = sz->value()) {
      out.value = *v;
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  sh->finish();
  return ok;
}

Shocks::Shocks(const ShockSpec& spec, const CompileContext& ctx) : present_(spec.present) {
  if (!present_) return;
  if (!spec.event.empty()) {
    event_ = ctx.event_index(spec.event);
    if (event_ < 0) throw ScenarioError(spec.event_loc, "unknown event '" + spec.event + "'");
  } else {
    p_ = ctx.resolve(spec.probability);
  }
  if (spec.dist) {
    dist_.emplace(*spec.dist);
  } else {
    value_ = ctx.resolve(spec.value);
  }
}

std::string Shocks::year_free_key() const {
  if (!present_) return "none";
  if (event_ >= 0 || dist_) return {};
  std::string key = "p=";
  key += value_key(p_);
  key += ",size=";
  key += value_key(value_);
  return key;
}

void Shocks::draw_block(const BlockCtx& ctx, const Stream& stream, std::uint8_t* on,
                        double* size) const {
  constexpr std::size_t kRuns = 64;
  std::uint64_t w[4 * kRuns];
  const auto year = static_cast<std::uint32_t>(ctx.t);
  if (event_ >= 0) {
    // An event's shock reads words only for a drawn size, and only for the runs where the
    // event is on (a few in a hundred): their words by a list of counters, the same words
    // as run by run (a pure function of the counter), so skipping the others moves nothing.
    std::uint64_t c0[kRuns + kListPad] = {}, c2[kRuns + kListPad] = {};
    std::uint32_t hit[kRuns];
    for (std::size_t j0 = 0; j0 < ctx.n; j0 += kRuns) {
      const std::size_t m = std::min(kRuns, ctx.n - j0);
      std::size_t k = 0;
      for (std::size_t i = 0; i < m; ++i) {
        const std::size_t j = j0 + i;
        const bool is_on = ctx.event_on(event_, j);
        on[j] = is_on ? 1 : 0;
        size[j] = is_on && !dist_ ? value_at(value_, ctx, j) : 0.0;
        if (is_on && dist_) {
          c0[k] = ctx.first_run + j;
          hit[k++] = static_cast<std::uint32_t>(j);
        }
      }
      if (k == 0) continue;
      stream.words_list(c0, year, c2, 0, k, w, kRuns);
      for (std::size_t q = 0; q < k; ++q)
        size[hit[q]] = dist_->quantile(unit_from_word(w[3 * kRuns + q]));
    }
    return;
  }
  for (std::size_t j0 = 0; j0 < ctx.n; j0 += kRuns) {
    const std::size_t m = std::min(kRuns, ctx.n - j0);
    stream.words_runs(ctx.first_run + j0, m, year, 0, 0, w, kRuns);
    for (std::size_t i = 0; i < m; ++i) {
      const std::size_t j = j0 + i;
      const bool hit = unit_from_word(w[2 * kRuns + i]) < value_at(p_, ctx, j);
      on[j] = hit ? 1 : 0;
      size[j] = !hit    ? 0.0
                : dist_ ? dist_->quantile(unit_from_word(w[3 * kRuns + i]))
                        : value_at(value_, ctx, j);
    }
  }
}

std::vector<NameRef> RateSpec::references() const {
  std::vector<NameRef> refs;
  for (const auto& s : trend) {
    add_ref(refs, s.rate);
    if (s.converge) add_ref(refs, s.half_life);
  }
  add_ref(refs, noise_sd);
  add_ref(refs, noise_persistence);
  shocks.add_references(refs);
  return refs;
}

void RateSpec::check(const Scenario& sc, DiagnosticList& diags) const {
  if (trend.empty()) return;
  int last = sc.base_year;
  for (const auto& seg : trend) {
    const int until = seg.until == INT_MAX ? sc.horizon : seg.until;
    if (until <= sc.base_year) {
      diags.error(seg.loc, "trend segment ends in " + std::to_string(until) +
                               ", not after the base year " + std::to_string(sc.base_year) +
                               " (it would cover no simulated year)");
      return;
    }
    last = until;
  }
  if (last < sc.horizon) {
    diags.error(trend.back().loc, "the trend schedule ends in " + std::to_string(last) +
                                      " but the horizon is " + std::to_string(sc.horizon) +
                                      " (add a segment {until: " + std::to_string(sc.horizon) +
                                      ", ...})");
  }
}

bool parse_trend(NodeReader& tr, std::vector<TrendSegment>& trend, const std::string& key) {
  bool ok = true;
  if (tr.is_sequence()) {
    int last = INT_MIN;
    auto items = tr.items();
    if (items.empty()) {
      tr.error("the " + key + " schedule is empty (give at least one {until, rate} segment)");
      ok = false;
    }
    for (auto& item : items) {
      TrendSegment seg;
      if (!parse_segment(item, seg)) {
        ok = false;
        continue;
      }
      if (seg.until <= last) {
        item.error("until=" + std::to_string(seg.until) +
                   " (segments must end in increasing years; the previous one ends in " +
                   std::to_string(last) + ")");
        ok = false;
      }
      if (trend.empty() && seg.converge) {
        item.error(
            "the first trend segment cannot use converge_to (there is no earlier "
            "trend to converge from; start with {until: YEAR, rate: R})");
        ok = false;
      }
      last = seg.until;
      trend.push_back(seg);
    }
  } else if (tr.is_scalar()) {
    if (auto v = tr.value()) {
      TrendSegment seg;
      seg.rate = *v;
      seg.loc = tr.loc();
      trend.push_back(seg);
    } else {
      ok = false;
    }
  } else {
    tr.error(key +
             " must be a rate (number or parameter) or a list of segments "
             "[{until: YEAR, rate: R}, {until: YEAR, converge_to: R, half_life: H}]");
    ok = false;
  }
  return ok;
}

bool parse_rate_spec(NodeReader& r, RateSpec& out) {
  bool ok = true;
  out.loc = r.loc();
  if (auto tr = r.required("trend")) {
    ok = parse_trend(*tr, out.trend, "trend") && ok;
  } else {
    ok = false;
  }

  if (auto nz = r.optional("noise")) {
    if (nz->expect_map()) {
      if (auto v = nz->value_or("sd", 0)) {
        out.noise_sd = *v;
        ok = check_const(*nz, *v, "sd", 0, HUGE_VAL) && ok;
      } else {
        ok = false;
      }
      if (auto v = nz->value_or("persistence", 0)) {
        out.noise_persistence = *v;
        ok = check_const(*nz, *v, "persistence", 0, 1, true) && ok;
      } else {
        ok = false;
      }
      nz->finish();
    } else {
      ok = false;
    }
  }

  ok = parse_shocks(r, out.shocks) && ok;
  return ok;
}

RateModel::RateModel(const RateSpec& spec, const CompileContext& ctx) : stream_(ctx.stream_key(0)) {
  const Scenario& sc = ctx.scenario();
  const int T = sc.horizon - sc.base_year;
  segment_of_t_.assign(static_cast<std::size_t>(T) + 1, -1);
  DiagnosticList schedule;  // the schedule's one check, as the loader made it
  spec.check(sc, schedule);
  schedule.throw_if_any();
  int prev_until = sc.base_year;
  for (const auto& seg : spec.trend) {
    const int until = seg.until == INT_MAX ? sc.horizon : seg.until;
    Segment s;
    s.converge = seg.converge;
    s.rate = ctx.resolve(seg.rate);
    if (seg.converge) s.half_life = ctx.resolve(seg.half_life);
    s.first_t = prev_until - sc.base_year + 1;
    const int idx = static_cast<int>(segments_.size());
    for (int y = prev_until + 1; y <= std::min(until, sc.horizon); ++y) {
      segment_of_t_[static_cast<std::size_t>(y - sc.base_year)] = idx;
    }
    segments_.push_back(s);
    prev_until = until;
    if (until >= sc.horizon) break;
  }
  sd_ = ctx.resolve(spec.noise_sd);
  phi_ = ctx.resolve(spec.noise_persistence);
  has_noise_ = sd_.is_param() || sd_.number != 0;
  shocks_ = Shocks(spec.shocks, ctx);
}

namespace {

/// Counter purposes (last Philox counter word) of a rate model's stream.
constexpr std::uint64_t kNoiseQuad = 1;   ///< (run, quad, 0, 1): four years' normals
constexpr std::uint64_t kNoiseExtra = 2;  ///< (run, year, k, 2): the ziggurat's extra words

/// Fills z[l * stride + j] with the noise normals of years 4q+1 ... 4q+4 for the block:
/// the Philox words of 64 runs at a time, then the ziggurat's fast path over them (both
/// SIMD across runs, philox_lanes.h), then the rare words outside their rectangle one by one.
void fill_noise(const Stream& stream, const BlockCtx& ctx, std::uint64_t q, double* z) {
  constexpr std::size_t kRuns = 64;
  std::uint64_t w[4 * kRuns];
  std::uint32_t slow[kRuns];
  const std::size_t stride = ctx.stride;
  for (std::size_t j0 = 0; j0 < ctx.n; j0 += kRuns) {
    const std::size_t m = std::min(kRuns, ctx.n - j0);
    stream.words_runs(ctx.first_run + j0, m, q, 0, kNoiseQuad, w, kRuns);
    for (std::size_t l = 0; l < 4; ++l) {
      double* zl = z + l * stride + j0;
      const std::size_t k = ziggurat_normals_lanes(w + l * kRuns, m, zl, slow);
      for (std::size_t i = 0; i < k; ++i) {
        const std::size_t j = slow[i];
        zl[j] = ziggurat_normal_slow(w[l * kRuns + j], WordSequence(stream, ctx.first_run + j0 + j,
                                                                    4 * q + l + 1, kNoiseExtra));
      }
    }
  }
}

}  // namespace

void RateModel::init(State& s, const BlockCtx& ctx) const {
  std::fill_n(s.eps.begin(), ctx.n, 0.0);
  std::fill_n(s.mu_last.begin(), ctx.n, 0.0);
  std::fill_n(s.mu_anchor.begin(), ctx.n, 0.0);
}

const double* RateModel::noise_normals(State& s, const BlockCtx& ctx, const Stream& stream) const {
  const auto lane = static_cast<std::size_t>((ctx.t - 1) % 4);
  if (lane == 0) fill_noise(stream, ctx, static_cast<std::uint64_t>((ctx.t - 1) / 4), s.z.data());
  return s.z.data() + lane * ctx.stride;
}

void RateModel::rates(State& s, const BlockCtx& ctx, double* g) const {
  const Segment& seg = segments_[static_cast<std::size_t>(segment_of_t_[ctx.t])];
  const Stream stream(ctx.seed, stream_);
  const bool first_year_of_segment = ctx.t == seg.first_t;
  const double* z = has_noise_ ? noise_normals(s, ctx, stream) : nullptr;
  if (shocks_.any()) shocks_.draw_block(ctx, stream, s.shocked.data(), s.shock.data());
  // Convergence: the weight 2^(−k/h) left on the anchor after k years of the segment; for a
  // constant half-life once for the block (the same expression, so the same bits).
  const double k = static_cast<double>(ctx.t - seg.first_t + 1);
  auto decay = [k](double h) {
    if (!(h > 1e-9)) h = 1e-9;  // a parameter-valued half-life is clamped to > 0
    return std::exp2(-k / h);
  };
  const double decay_const =
      seg.converge && !seg.half_life.is_param() ? decay(seg.half_life.number) : 0.0;
  // Constant noise: its innovation scale sd·sqrt(1 − φ²) once for the block.
  const bool noise_const = !sd_.is_param() && !phi_.is_param();
  const double sd_const = std::max(0.0, sd_.number);
  const double phi_const = std::clamp(phi_.number, 0.0, 0.999999);
  const double innov_const = sd_const * std::sqrt(1.0 - phi_const * phi_const);
  if (first_year_of_segment && seg.converge) {
    for (std::size_t j = 0; j < ctx.n; ++j) s.mu_anchor[j] = s.mu_last[j];
  }
  if (noise_const && !(seg.converge && seg.half_life.is_param())) {
    // The common case (docs/performance.md): every constant hoisted, the loop below in the
    // same operations and order, specialised so that it has no branch and no reload.
    const rate_detail::Hoisted hoisted{
        seg.rate.param >= 0 ? ctx.param_row(seg.rate.param) : nullptr,
        seg.rate.number,
        decay_const,
        sd_const,
        phi_const,
        innov_const,
        ctx.t == 1,
        z,
        s.shocked.data(),
        s.shock.data()};
    rate_detail::rates_hoisted(seg.converge, has_noise_, shocks_.any(), hoisted, ctx.n,
                               s.mu_anchor.data(), s.mu_last.data(), s.eps.data(), g);
    return;
  }
  for (std::size_t j = 0; j < ctx.n; ++j) {
    // Trend μ_t.
    double mu;
    const double r = value_at(seg.rate, ctx, j);
    if (!seg.converge) {
      mu = r;
    } else {
      const double w =
          seg.half_life.is_param() ? decay(ctx.param(seg.half_life.param, j)) : decay_const;
      mu = r + (s.mu_anchor[j] - r) * w;
    }
    s.mu_last[j] = mu;
    double rate = mu;
    if (has_noise_) {
      double sd = sd_const, phi = phi_const, innov = innov_const;
      if (!noise_const) {
        sd = std::max(0.0, value_at(sd_, ctx, j));
        phi = std::clamp(value_at(phi_, ctx, j), 0.0, 0.999999);
        innov = sd * std::sqrt(1.0 - phi * phi);
      }
      const double zj = z[j];
      const double eps = ctx.t == 1 ? sd * zj : phi * s.eps[j] + innov * zj;
      s.eps[j] = eps;
      rate += eps;
    }
    if (shocks_.any() && s.shocked[j] != 0) rate += s.shock[j];
    g[j] = rate;
  }
}

}  // namespace plancast
