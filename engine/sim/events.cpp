// The shared events' states per block and year (see events.h for the law and the draws).
#include "engine/sim/events.h"

#include <algorithm>

#include "engine/random/stream.h"

namespace plancast {

StreamKey event_stream_key(std::string_view name) {
  std::string key = "events.";
  key += name;
  return stream_id_for(key);
}

double event_stationary_share(double p, double pi) {
  const double d = 1.0 - pi + p;
  return d > 0 ? p / d : 0.0;
}

EventTable::EventTable(const Scenario& sc, const std::map<std::string, int>& params) {
  auto resolve = [&](const Value& v) {
    return v.is_param() ? ValueRef{0.0, params.at(v.param)} : ValueRef{v.number, -1};
  };
  for (const EventSpec& spec : sc.events) {
    CompiledEvent e;
    e.name = spec.name;
    e.stream = event_stream_key(spec.name);
    e.probability = resolve(spec.probability);
    e.has_persistence = spec.has_persistence;
    e.persistence = resolve(spec.persistence);
    e.first_t = spec.first - sc.base_year;
    e.last_t = spec.last - sc.base_year;
    e.seed = spec.seed.value_or(sc.simulation.seed);
    events_.push_back(std::move(e));
  }
}

int EventTable::index(const std::string& name) const {
  for (std::size_t e = 0; e < events_.size(); ++e) {
    if (events_[e].name == name) return static_cast<int>(e);
  }
  return -1;
}

namespace {

double chance(const ValueRef& v, const BlockCtx& ctx, std::size_t j) {
  const double x = v.is_param() ? ctx.param(v.param, j) : v.number;
  return std::clamp(x, 0.0, 1.0);  // NaN stays NaN and is never > u: off
}

}  // namespace

void EventTable::step(const BlockCtx& ctx, std::uint8_t* on, std::uint64_t* counts) const {
  for (std::size_t e = 0; e < events_.size(); ++e) {
    const CompiledEvent& ev = events_[e];
    std::uint8_t* state = on + e * ctx.stride;
    if (ctx.t < ev.first_t || ctx.t > ev.last_t) {
      std::fill_n(state, ctx.n, std::uint8_t{0});
      continue;
    }
    const Stream stream(ev.seed, ev.stream);
    const auto year = static_cast<std::uint32_t>(ctx.t);
    const bool first = ctx.t == ev.first_t;
    std::uint64_t hits = 0;
    // Run j's uniform is lane 0 of uniforms(run, year, 0): the words of 64 runs at a time
    // (SIMD lanes across runs, the same bits).
    constexpr std::size_t kRuns = 64;
    std::uint64_t w[4 * kRuns];
    for (std::size_t j0 = 0; j0 < ctx.n; j0 += kRuns) {
      const std::size_t m = std::min(kRuns, ctx.n - j0);
      stream.words_runs(ctx.first_run + j0, m, year, 0, 0, w, kRuns);
      for (std::size_t i = 0; i < m; ++i) {
        const std::size_t j = j0 + i;
        const double p = chance(ev.probability, ctx, j);
        double q = p;
        if (ev.has_persistence) {
          const double pi = chance(ev.persistence, ctx, j);
          q = first ? event_stationary_share(p, pi) : (state[j] != 0 ? pi : p);
        }
        state[j] = unit_from_word(w[i]) < q ? 1 : 0;
        hits += state[j];
      }
    }
    counts[e] += hits;
  }
}

}  // namespace plancast
