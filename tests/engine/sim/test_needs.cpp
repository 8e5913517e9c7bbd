// Simulating only what a question needs (issue 16): needed_part() keeps the indicators a
// target or an output depends on, up to its year, and what it keeps is byte-identical to
// the whole scenario's run (streams are keyed per indicator).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "engine/api/plancast.h"
#include "engine/random/distribution.h"
#include "engine/random/parameter_sampler.h"
#include "engine/sim/compile_needs.h"
#include "engine/sim/runner.h"

using namespace plancast;

namespace {

Scenario bundled(std::uint64_t runs, Sampler sampler = Sampler::mc) {
  LoadOptions o;
  o.runs = runs;
  o.sampler = sampler;
  return api::load(api::ScenarioSource::bundled(), o);
}

Results run_of(const api::Model& m) {
  RunOptions ro;
  ro.threads = 2;
  return run(*m, ro);
}

const IndicatorResult& series(const Results& r, const std::string& name) {
  const auto it = std::find_if(r.indicators.begin(), r.indicators.end(),
                               [&](const IndicatorResult& i) { return i.name == name; });
  REQUIRE(it != r.indicators.end());
  return *it;
}

/// `full`'s first `n` years of every statistic equal `part`'s, which has exactly n.
void check_prefix(const IndicatorResult& full, const IndicatorResult& part, std::size_t n) {
  REQUIRE(part.mean.size() == n);
  auto head = [n](const auto& v) { return std::vector(v.begin(), v.begin() + long(n)); };
  CHECK(head(full.mean) == part.mean);
  CHECK(head(full.sd) == part.sd);
  CHECK(head(full.min) == part.min);
  CHECK(head(full.max) == part.max);
  CHECK(head(full.nonfinite) == part.nonfinite);
  for (std::size_t q = 0; q < full.quantiles.size(); ++q) {
    CHECK(head(full.quantiles[q]) == part.quantiles[q]);
    CHECK(head(full.quantiles_ci95[q]) == part.quantiles_ci95[q]);
  }
}

}  // namespace

TEST_CASE("needs: each target's probability alone is the whole scenario's, byte for byte",
          "[needs]") {
  for (Sampler sampler : {Sampler::mc, Sampler::lhs}) {
    const Scenario sc = bundled(2000, sampler);
    const Results full = run_of(api::compile(sc));
    for (std::size_t k = 0; k < sc.targets.size(); ++k) {
      INFO(sc.targets[k].id);
      const Needs needs{{sc.targets[k].id}, {}};
      const Results part = run_of(api::compile(sc, needs));
      REQUIRE(part.targets.size() == 1);
      CHECK(part.targets.front() == full.targets[k]);
      // Without the distributions of the parameters its indicators do not read.
      const Results outcomes = run_of(compile_outcomes(sc, api::builtin_registry(), needs));
      CHECK(outcomes.targets.front() == full.targets[k]);
      CHECK(part.indicators.size() < full.indicators.size());
      CHECK(part.scenario_sha256 == full.scenario_sha256);
    }
  }
}

TEST_CASE("needs: an output's bands alone are the whole scenario's up to its year", "[needs]") {
  const Scenario sc = bundled(2000);
  const Results full = run_of(api::compile(sc));
  // A formula over two growth indicators, and a firm population's output.
  const Needs needs{{}, {{"core_va_share", 2027}, {"digital_firms_over_100", 2024}}};
  const Scenario kept = needed_part(sc, needs);
  CHECK(kept.horizon == 2027);
  CHECK(kept.targets.empty());
  std::vector<std::string> names;
  for (const IndicatorSpec& i : kept.indicators) names.push_back(i.name);
  CHECK(names == std::vector<std::string>{"gdp", "core_va", "core_va_share", "digital_firms"});
  const Results part = run_of(api::compile(sc, needs));
  const std::size_t years = 2027 - 2020 + 1;
  for (const char* s : {"gdp", "core_va", "core_va_share", "digital_firms_over_100"}) {
    INFO(s);
    check_prefix(series(full, s), series(part, s), years);
  }
}

TEST_CASE("needs: a target keeps only its indicator's ancestors, up to its year", "[needs]") {
  const Scenario sc = bundled(1000);
  const Scenario kept = needed_part(sc, Needs{{"core_va_2025"}, {}});
  REQUIRE(kept.indicators.size() == 1);
  CHECK(kept.indicators.front().name == "core_va");
  CHECK(kept.horizon == 2025);
  CHECK(kept.parameters.size() == sc.parameters.size());  // the copula draws as before
  CHECK(needed_part(sc, Needs{}).indicators.size() == sc.indicators.size());
  CHECK_THROWS_AS(needed_part(sc, Needs{{"nope"}, {}}), UsageError);
  CHECK_THROWS_AS(needed_part(sc, Needs{{}, {{"core_va", 2040}}}), UsageError);
  CHECK_THROWS_AS(needed_part(sc, Needs{{}, {{"nope", 2025}}}), UsageError);
}

TEST_CASE("needs: outcomes only skips the unread parameters' distributions, not the read ones",
          "[needs]") {
  const Scenario sc = bundled(1000);
  const auto full = api::compile(sc);
  const auto part = compile_outcomes(sc, api::builtin_registry(), Needs{{"core_va_2025"}, {}});
  // core_va reads core_trend and digital_longrun; listing_rate (a gamma) is read by no kept
  // indicator and becomes a fixed 0.
  std::size_t core = 0, listing = 0;
  for (std::size_t p = 0; p < sc.parameters.size(); ++p) {
    if (sc.parameters[p].name == "core_trend") core = p;
    if (sc.parameters[p].name == "listing_rate") listing = p;
  }
  const ParameterSampler& a = parameters_of(*full);
  const ParameterSampler& b = parameters_of(*part);
  REQUIRE(b.size() == a.size());
  CHECK(b.distribution(core).quantile(0.3) == a.distribution(core).quantile(0.3));
  CHECK(b.distribution(listing).quantile(0.3) == 0);
  CHECK(a.distribution(listing).quantile(0.3) > 0);
}

TEST_CASE("needs: parameters read only by an event or by a later vintage are kept", "[needs]") {
  // p_shock is read by the event alone, late_trend by an indicator with its own base_year:
  // compile_outcomes must keep both (a placeholder would silently change the answer).
  const std::string yaml = R"(plancast: 1
name: needs-event-vintage
base_year: 2020
horizon: 2026
simulation: {runs: 3000, seed: 9}
parameters:
  p_shock: {dist: uniform, min: 0.2, max: 0.6}
  trend: {dist: normal, mean: 0.05, sd: 0.01}
  late_trend: {dist: normal, mean: 0.10, sd: 0.05}
events:
  slump: {probability: p_shock}
indicators:
  gdp: {base: 100, growth: {trend: trend, shocks: {event: slump, size: -0.05}}}
  late: {base_year: 2022, base: 10, growth: {trend: late_trend}}
targets:
  - {id: gdp_2026, indicator: gdp, year: 2026, at_least: 125}
  - {id: late_2026, indicator: late, year: 2026, at_least: 14.6}
)";
  const Scenario sc = api::load(api::ScenarioSource::yaml(yaml));
  const Results full = run_of(api::compile(sc));
  for (std::size_t k = 0; k < sc.targets.size(); ++k) {
    INFO(sc.targets[k].id);
    const Needs needs{{sc.targets[k].id}, {}};
    const Results outcomes = run_of(compile_outcomes(sc, api::builtin_registry(), needs));
    CHECK(outcomes.targets.front() == full.targets[k]);
    CHECK(full.targets[k].p.probability > 0.05);
    CHECK(full.targets[k].p.probability < 0.95);
  }
}
