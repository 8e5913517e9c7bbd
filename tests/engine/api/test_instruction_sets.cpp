// The same bytes whatever the CPU's vector units (issue 16, "Nothing given up"): the bundled
// scenario, which has every kind of draw (parameters, noise, shocks, events, Poisson and
// binomial counts, firms), gives the same JSON on every instruction set this CPU runs and
// this binary holds (Highway's dynamic dispatch forced to each, as a CPU without AVX-512 or
// AVX2 would choose), and with glibc's math functions (exp, log, log1p, pow) made to take
// their variants for CPUs without FMA and AVX2.
#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "engine/api/plancast.h"
#include "engine/random/philox_lanes.h"

using namespace plancast;

namespace {

/// Standard output of `ENV plancast ARGS`.
std::string stdout_of(const std::string& env, const std::string& args) {
  const std::string cmd = env + " " + std::string(PLANCAST_BINARY) + " " + args + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(p);
  std::string out;
  char buf[65536];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p.get())) > 0) out.append(buf, n);
  return out;
}

}  // namespace

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
  const std::string plain = stdout_of("", args);
  REQUIRE(plain.size() > 1000);
  CHECK(stdout_of("GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA,-AVX512F", args) == plain);
}
