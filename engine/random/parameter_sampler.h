// Draws every parameter of a block of runs: uniforms from the sampler (mc: each run's own
// Philox stream kStreamParameters), a Gaussian copula for correlated parameters
// (z = Φ⁻¹(u), z' = L z with L the Cholesky factor from Eigen LLT, factored once,
// u' = Φ(z')), then each parameter's inverse CDF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/random/distribution_spec.h"

namespace plancast {

struct ParameterDef {
  std::string name;
  DistSpec dist;
  SourceLoc loc;
};

struct CorrelationDef {
  int a = 0, b = 0;  ///< parameter indices, a != b
  double rho = 0;    ///< in [-1, 1]
  SourceLoc loc;
};

/// Source of the per-run uniforms for the parameters. mc is implemented here; lhs and sobol
/// (issue 3) plug in by implementing this. fill() must be a pure function of
/// (seed, first_run, n) and the total run count - never of the thread.
class UniformSampler {
 public:
  virtual ~UniformSampler() = default;
  /// out[p * stride + j] = uniform in (0,1) for parameter p of run first_run + j.
  virtual void fill(std::uint64_t first_run, std::size_t n, std::size_t stride,
                    double* out) const = 0;
};

/// Independent uniforms from each run's Philox stream (stream kStreamParameters,
/// year index 0, draw = p / 4, lane p % 4).
std::unique_ptr<UniformSampler> make_mc_sampler(std::uint64_t seed, std::size_t n_params);

class ParameterSampler {
 public:
  /// Validates: distributions (ScenarioError at their loc), correlation matrix symmetric
  /// with unit diagonal and positive definite (otherwise ScenarioError at the first
  /// correlation's loc naming the smallest eigenvalue and the pairs involved).
  ParameterSampler(std::vector<ParameterDef> params, std::vector<CorrelationDef> corr);
  ~ParameterSampler();
  ParameterSampler(ParameterSampler&&) noexcept;

  std::size_t size() const;
  /// Transforms uniforms in place into parameter values: in/out[p * stride + j].
  /// Thread-safe (const).
  void transform(std::size_t n, std::size_t stride, double* values) const;
  /// The compiled distribution of parameter p (for reports).
  const class Distribution& distribution(std::size_t p) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The correlation check alone, for the validator: throws ScenarioError as above.
void check_correlations(const std::vector<ParameterDef>& params,
                        const std::vector<CorrelationDef>& corr);

}  // namespace plancast
