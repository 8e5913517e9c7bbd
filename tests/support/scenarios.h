// Scenario texts shared by several tests (tests/support).
#pragma once

namespace plancast::test {

/// The lognormal closed form of the engine-core acceptance (scenarios/examples/
/// lognormal_growth.yaml): base 100, trend ~ N(0.05, 0.02) per run, i.i.d. noise sd 0.03,
/// log form, 2020 → 2030, so ln X_2030 ~ N(ln 100 + 0.5, 100·0.02² + 10·0.03² = 0.049);
/// target x_170: X_2030 >= 170 (probability 0.44498). 200,000 runs, seed 7.
extern const char* const kLognormal;

/// x = a with a, b ~ U(0, 1) independent, target x_03: x_2021 >= 0.3, missed exactly when
/// a < 0.3 (probability 0.7 of meeting it); b plays no part. 100,000 runs, seed 3.
extern const char* const kThreshold;

}  // namespace plancast::test
