// Shared events (issue 17, part 1; engine/sim/events.h): one occurrence per run and year
// for every process naming the event, the Markov law with persistence, windows, parameter
// probabilities, the shares in the results, and the same bytes for any thread split.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/analysis/sensitivity.h"
#include "engine/config/scenario.h"
#include "engine/io/csv.h"
#include "engine/io/json.h"
#include "engine/sim/block.h"
#include "engine/sim/events.h"
#include "models/register_builtin.h"
#include "tests/support/run.h"

using namespace plancast;
using namespace plancast::test;

namespace {

/// k within 5 binomial standard errors of n·p.
void check_binomial(std::uint64_t k, std::uint64_t n, double p) {
  const double mean = static_cast<double>(n) * p;
  const double se = std::sqrt(static_cast<double>(n) * p * (1 - p));
  INFO("k = " << k << " of n = " << n << ", p = " << p);
  CHECK(std::abs(static_cast<double>(k) - mean) <= 5 * se);
}

std::string header(int runs, const std::string& events) {
  return "plancast: 1\nname: ev\nbase_year: 2020\nhorizon: 2026\nsimulation: {runs: " +
         std::to_string(runs) + ", seed: 7}\n" + events;
}

/// Two indicators hit by the same event with sizes -0.05 and -0.10; their difference in
/// growth factors, and a target per indicator that a shock year in 2021 decides.
std::string shared(const std::string& c_occurs) {
  return header(20000, R"(parameters:
  p_rec: 0.2
events:
  recession: {probability: p_rec}
indicators:
  a: {base: 100, growth: {trend: 0.02, shocks: {event: recession, size: -0.05}}}
  b: {base: 100, growth: {trend: 0.02, shocks: {event: recession, size: -0.10}}}
  c: {base: 100, growth: {trend: 0.02, shocks: {)" +
                           c_occurs + R"(, size: -0.05}}}
  own: {base: 100, growth: {trend: 0.02, shocks: {probability: 0.2, size: -0.10}}}
  gap: {formula: "a - c"}
targets:
  - {id: a_hit, indicator: a, year: 2021, at_most: 99}
  - {id: b_hit, indicator: b, year: 2021, at_most: 99}
)");
}
const std::string kShared = shared("event: recession");

/// The states of one event, runs 0..n-1, years 1..T, stepped as the simulation does.
std::vector<std::vector<std::uint8_t>> paths(const std::string& events, std::size_t n, int T) {
  const Scenario sc = load_text(header(1000, events) +
                                "indicators:\n  x: {base: 1, growth: "
                                "{trend: 0}}\n");
  const EventTable table(sc, {});
  std::vector<std::vector<std::uint8_t>> out(static_cast<std::size_t>(T) + 1,
                                             std::vector<std::uint8_t>(n));
  std::vector<std::uint8_t> on(n, 0);
  std::uint64_t count = 0;
  BlockCtx ctx;
  ctx.seed = sc.simulation.seed;
  ctx.first_run = 0;
  ctx.n = n;
  ctx.stride = n;
  for (int t = 1; t <= T; ++t) {
    ctx.t = t;
    table.step(ctx, on.data(), &count);
    out[static_cast<std::size_t>(t)] = on;
  }
  return out;
}

}  // namespace

TEST_CASE("events: indicators sharing an event move together exactly", "[events]") {
  const Results r = run_text(kShared, 2);
  const IndicatorResult& gap = indicator(r, "gap");
  for (std::size_t t = 0; t < r.years.size(); ++t) {
    CHECK(gap.min[t] == 0.0);
    CHECK(gap.max[t] == 0.0);
  }
  // With shocks of their own, a and c differ in some run.
  const std::string own = shared("probability: p_rec");
  const Results r2 = run_text(own, 2);
  CHECK(indicator(r2, "gap").max.back() > 0.0);
}

TEST_CASE("events: P(both hit in a year) = p, not p squared", "[events]") {
  const Results r = run_text(kShared, 2);
  const TargetResult& a = target(r, "a_hit");
  const TargetResult& b = target(r, "b_hit");
  REQUIRE(r.joint.size() == 1);
  // a and b are hit in 2021 exactly in the event's runs of 2021.
  REQUIRE(r.events.size() == 1);
  const std::uint64_t on = r.events[0].runs_on[1];
  CHECK(a.p.hits == on);
  CHECK(b.p.hits == on);
  CHECK(r.joint[0].p.hits == on);
  check_binomial(r.joint[0].p.hits, r.runs, 0.2);
  // p² = 0.04 is 40 standard errors away at 20,000 runs.
  CHECK(std::abs(static_cast<double>(r.joint[0].p.hits) - 0.04 * r.runs) > 100 * 5);
}

TEST_CASE("events: the share in the results is the per-year frequency", "[events]") {
  const Results r = run_text(kShared, 1);
  REQUIRE(r.events.size() == 1);
  const EventResult& e = r.events[0];
  CHECK(e.name == "recession");
  REQUIRE(e.share.size() == r.years.size());
  CHECK(e.runs_on[0] == 0);  // the base year is not simulated
  for (std::size_t t = 1; t < r.years.size(); ++t) {
    CHECK(e.share[t] == static_cast<double>(e.runs_on[t]) / static_cast<double>(r.runs));
    check_binomial(e.runs_on[t], r.runs, 0.2);
  }
  const std::string json = to_json_text(r);
  CHECK(json.find("\"events\": {\n    \"recession\": {\n      \"share\": [") != std::string::npos);
  CHECK(json.find("      \"runs\": [\n        0,\n        " + std::to_string(e.runs_on[1]) + ",") !=
        std::string::npos);
  const std::string csv = to_csv_text(r);
  CHECK(csv.find("event:recession,2021,runs," + std::to_string(e.runs_on[1]) + "\n") !=
        std::string::npos);
}

TEST_CASE("events: the same bytes on any number of threads", "[events]") {
  const Results one = run_text(kShared, 1);
  const Results four = run_text(kShared, 4);
  CHECK(one == four);
  CHECK(to_json_text(one) == to_json_text(four));
}

TEST_CASE("events: persistence's law (P(on|on), stationary share, run lengths)", "[events]") {
  const double p = 0.1, pi = 0.6;
  const std::size_t n = 40000;
  const int T = 6;
  const auto x = paths("events:\n  e: {probability: 0.1, persistence: 0.6}\n", n, T);
  const double s = p / (1 - pi + p);  // 0.2
  CHECK(event_stationary_share(p, pi) == Approx(0.2));
  for (int t = 1; t <= T; ++t) {
    std::uint64_t k = 0;
    for (std::uint8_t v : x[static_cast<std::size_t>(t)]) k += v;
    check_binomial(k, n, s);  // every year of the window has the stationary share
  }
  // P(on | on last year) = π, P(on | off last year) = p, pooled over years 2..T.
  std::uint64_t on_on = 0, on = 0, off_on = 0, off = 0;
  for (int t = 2; t <= T; ++t) {
    for (std::size_t j = 0; j < n; ++j) {
      const bool last = x[static_cast<std::size_t>(t) - 1][j] != 0;
      const bool now = x[static_cast<std::size_t>(t)][j] != 0;
      (last ? on : off) += 1;
      if (now) (last ? on_on : off_on) += 1;
    }
  }
  check_binomial(on_on, on, pi);
  check_binomial(off_on, off, p);
  // A spell that starts in year 1: P(length >= k) = π^(k-1), checked for k = 2, 3.
  std::uint64_t start = 0, two = 0, three = 0;
  for (std::size_t j = 0; j < n; ++j) {
    if (x[1][j] == 0) continue;
    ++start;
    if (x[2][j] != 0) {
      ++two;
      if (x[3][j] != 0) ++three;
    }
  }
  check_binomial(two, start, pi);
  check_binomial(three, start, pi * pi);
}

TEST_CASE("events: a window is respected", "[events]") {
  const auto x =
      paths("events:\n  e: {probability: 0.5, years: {from: 2022, to: 2023}}\n", 5000, 6);
  for (int t = 1; t <= 6; ++t) {
    std::uint64_t k = 0;
    for (std::uint8_t v : x[static_cast<std::size_t>(t)]) k += v;
    if (t == 2 || t == 3) {
      check_binomial(k, 5000, 0.5);
    } else {
      CHECK(k == 0);
    }
  }
  const Scenario sc = load_text(header(10,
                                       "events:\n  e: {probability: 0.5, years: [2021, 2024]}\n"
                                       "indicators:\n  x: {base: 1, growth: {trend: 0}}\n"));
  REQUIRE(sc.events.size() == 1);
  CHECK(sc.events[0].first == 2021);
  CHECK(sc.events[0].last == 2024);
}

TEST_CASE("events: a parameter-valued probability is drawn per run", "[events]") {
  // p is 0 or 1 with equal chance: in each run the event is on every year or never.
  const Results r = run_text(header(4000, R"(parameters:
  p: {dist: choice, values: [0, 1], weights: [1, 1]}
events:
  e: {probability: p}
indicators:
  x: {base: 100, growth: {trend: 0, shocks: {event: e, size: -0.5}}}
targets:
  - {id: hit_all, indicator: x, year: 2026, at_most: 1.6}
)"),
                             2);
  const EventResult& e = r.events.at(0);
  for (std::size_t t = 1; t < r.years.size(); ++t) CHECK(e.runs_on[t] == e.runs_on[1]);
  CHECK(target(r, "hit_all").p.hits == e.runs_on[1]);  // 100 · 0.5^6 = 1.5625
  check_binomial(e.runs_on[1], r.runs, 0.5);
}

TEST_CASE("events: a count's arrival rate takes an event's shock", "[events]") {
  // rate 10 a year, 0 arrivals in an event year (size -1): x_T = 10 · (years without event).
  const Results r = run_text(header(2000, R"(events:
  e: {probability: 0.3}
indicators:
  g: {base: 100, growth: {trend: 0, shocks: {event: e, size: -0.5}}}
  n: {base: 0, count: {rate: 1000000, shocks: {event: e, size: -1}}}
targets:
  - {id: n_low, indicator: n, year: 2021, at_most: 0}
  - {id: g_low, indicator: g, year: 2021, at_most: 60}
)"),
                             1);
  CHECK(target(r, "n_low").p.hits == r.events.at(0).runs_on[1]);
  CHECK(target(r, "g_low").p.hits == r.events.at(0).runs_on[1]);
}

// The catalogue (scenarios/invalid/event_*.yaml) has the other misuses, one case each.
TEST_CASE("events: bad input is located", "[events]") {
  const std::string ind =
      "indicators:\n  x: {base: 1, growth: {trend: 0, shocks: {event: "
      "recesion, size: -0.1}}}\n";
  CHECK_THAT(errors_of(header(10, "events:\n  recession: {probability: 0.1}\n" + ind)),
             Catch::Contains("test.yaml:9:51: error: unknown event 'recesion'") &&
                 Catch::Contains("did you mean 'recession'"));
  CHECK_THAT(errors_of(header(10,
                              "events:\n  e: {probability: 0.1, years: [2020, 2022]}\n"
                              "indicators:\n  x: {base: 1, growth: {trend: 0}}\n")),
             Catch::Contains("7:33: error: from=2020 (an event's years lie in the simulated years "
                             "2021 to 2026)"));
  CHECK_THAT(errors_of(header(10,
                              "events:\n  x: {probability: 0.1}\n"
                              "indicators:\n  x: {base: 1, growth: {trend: 0}}\n")),
             Catch::Contains("'x' is both an indicator"));
}

TEST_CASE("events: sensitivity treats an event's occurrence as a factor", "[events][sensitivity]") {
  // One simulated year: f = 100 (1 + t - 0.1 I), t ~ N(0.05, 0.01²), I ~ Bernoulli(0.3):
  // additive, Var f = 100² 0.01² + 10² 0.3 0.7 = 1 + 21, so S1 = ST = 21/22 for the event,
  // 1/22 for t, and 0 for the noise (there is none besides the event).
  const Scenario sc = load_text(R"(plancast: 1
name: evsens
base_year: 2020
horizon: 2021
simulation: {runs: 1000, seed: 5}
parameters:
  t: {dist: normal, mean: 0.05, sd: 0.01}
events:
  recession: {probability: 0.3}
indicators:
  f: {base: 100, growth: {trend: t, shocks: {event: recession, size: -0.1}}}
)");
  SensitivityOptions o;
  o.runs = 5000;
  const SobolResult r = sobol_sensitivity(sc, builtin_registry(), resolve_output(sc, "f@2021"), o);
  REQUIRE(r.parameters.size() == 2);
  CHECK(r.total_runs == 5000u * 5u);
  CHECK(r.variance == Approx(22.0).epsilon(0.06));
  const SobolIndex& t = r.parameters[0];
  const SobolIndex& ev = r.parameters[1];
  CHECK(ev.name == "event:recession");
  auto near = [](double est, double lo, double hi, double truth) {
    INFO("estimate " << est << " [" << lo << ", " << hi << "], truth " << truth);
    CHECK(std::abs(est - truth) <= 2 * (hi - lo) + 1e-12);
  };
  near(ev.s1, ev.s1_lo, ev.s1_hi, 21.0 / 22.0);
  near(ev.st, ev.st_lo, ev.st_hi, 21.0 / 22.0);
  near(t.s1, t.s1_lo, t.s1_hi, 1.0 / 22.0);
  CHECK(r.noise.st == Approx(0.0).margin(1e-12));  // AB_noise keeps A's events: f is unchanged
}
