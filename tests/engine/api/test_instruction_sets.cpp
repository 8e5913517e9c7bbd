// The same bytes whatever the CPU's vector units (issue 16, "Nothing given up"): the bundled
// scenario, which has every kind of draw (parameters, noise, shocks, events, Poisson and
// binomial counts, firms), gives the same JSON on every instruction set this CPU runs and
// this binary holds (Highway's dynamic dispatch forced to each, as a CPU without AVX-512 or
// AVX2 would choose), and with glibc's math functions (exp, log, log1p, pow) made to take
// their variants for CPUs without FMA and AVX2.
#include <catch2/catch.hpp>

#include <string>

#include "engine/api/plancast.h"
#include "engine/random/philox_lanes.h"
#include "tests/support/cli.h"

using namespace plancast;

TEST_CASE("the bundled scenario gives the same bytes on every instruction set",
          "[determinism][lanes]") {
  LoadOptions o;
  o.runs = 3000;  // more than one block of runs a thread, a partial last block
  const Scenario sc = api::load(api::ScenarioSource::bundled(), o);
  const std::vector<std::int64_t> targets = random_lanes_targets();
  REQUIRE(!targets.empty());
  std::string first;
  for (const std::int64_t t : targets) {
    force_random_lanes_target(t);
    INFO("target " << random_lanes_target_name(t));
    const std::string json = api::to_json(api::run(sc));
    if (first.empty()) {
      first = json;
    } else {
      CHECK(json == first);
    }
  }
  force_random_lanes_target(0);
}

TEST_CASE("the bundled scenario gives the same bytes with glibc's math for older CPUs",
          "[determinism][cli]") {
  // glibc picks exp, log, log1p and pow by the CPU's features (an FMA/AVX2 build on this
  // machine); the tunable masks those features, as on a CPU without them. Checked with perf:
  // under it the run calls __ieee754_exp_avx and __log1p_sse2 instead of the _fma ones.
  const std::string args = "run --runs 3000 --threads 2 --json -";
  const std::string plain = test::binary_stdout("", args);
  REQUIRE(plain.size() > 1000);
  CHECK(test::binary_stdout("GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA,-AVX512F", args) == plain);
}
