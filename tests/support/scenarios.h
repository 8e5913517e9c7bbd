// Scenario texts shared by tests: the files of tests/data (tests/support).
#pragma once

#include <string>

namespace plancast::test {

/// The path of tests/data/<name>.yaml in the source tree.
std::string data_path(const std::string& name);

/// The text of tests/data/<name>.yaml, byte for byte (throws std::runtime_error when the
/// file cannot be read). Tests load it as before (shown as test.yaml unless they say
/// otherwise), so error locations are those of the file's own lines.
std::string data_scenario(const std::string& name);

// Two scenarios used by many tests:
//
// data_scenario("lognormal"): the lognormal closed form of the engine-core acceptance
// (scenarios/examples/lognormal_growth.yaml): base 100, trend ~ N(0.05, 0.02) per run, i.i.d.
// noise sd 0.03, log form, 2020 → 2030, so ln X_2030 ~ N(ln 100 + 0.5, 100·0.02² + 10·0.03² =
// 0.049); target x_170: X_2030 >= 170 (probability 0.44498). 200,000 runs, seed 7.
//
// data_scenario("threshold"): x = a with a, b ~ U(0, 1) independent, target x_03: x_2021 >=
// 0.3, missed exactly when a < 0.3 (probability 0.7 of meeting it); b plays no part. 100,000
// runs, seed 3.

}  // namespace plancast::test
