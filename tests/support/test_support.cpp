// The shared test fixtures themselves (tests/support): scenario files of tests/data are read
// byte for byte, and a missing one is an error, not an empty scenario.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "tests/support/files.h"
#include "tests/support/scenarios.h"

using namespace plancast::test;

TEST_CASE("data_scenario reads tests/data/NAME.yaml byte for byte", "[support]") {
  const std::string text = data_scenario("threshold");
  CHECK(text.rfind("plancast: 1\nname: threshold\nbase_year: 2020\n", 0) == 0);
  CHECK(text == slurp(data_path("threshold")));
  CHECK(text.back() == '\n');
  CHECK(data_path("lognormal") == std::string(PLANCAST_SOURCE_DIR) + "/tests/data/lognormal.yaml");
  CHECK_THROWS_AS(data_scenario("no_such_scenario"), std::runtime_error);
}
