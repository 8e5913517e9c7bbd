// Parameter draws: the mc uniform sampler, the correlation check (positive definiteness by
// eigen-decomposition), and the Gaussian copula applied to a block of runs.
#include "engine/random/parameter_sampler.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <utility>

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <boost/math/distributions/normal.hpp>

#include "engine/core/format.h"
#include "engine/random/distribution.h"
#include "engine/random/math_policy.h"
#include "engine/random/normal_quantile.h"
#include "engine/random/stream.h"

namespace plancast {

namespace {

using StdNormal = boost::math::normal_distribution<double, MathPolicy>;

/// Eigenvalues at or below this count as "not positive definite": a singular matrix (rho = 1
/// between two parameters) has no Cholesky factor.
constexpr double kMinEigenvalue = 1e-10;

class McSampler final : public UniformSampler {
 public:
  McSampler(std::uint64_t seed, std::size_t n_params)
      : stream_(seed, kStreamParameters), n_params_(n_params) {}

  void fill(std::uint64_t first_run, std::size_t n, std::size_t stride,
            double* out) const override {
    stream_.per_parameter(first_run, n, n_params_,
                          [&](std::size_t p, std::size_t j, double u) { out[p * stride + j] = u; });
  }

 private:
  Stream stream_;
  std::size_t n_params_;
};

/// The correlated parameters (sorted indices) and their correlation matrix, checked.
/// Throws ScenarioError as documented on check_correlations().
struct CheckedCorrelation {
  std::vector<int> index;  ///< parameter index of each row
  Eigen::MatrixXd matrix;
};

CheckedCorrelation build_and_check(const std::vector<ParameterDef>& params,
                                   const std::vector<CorrelationDef>& corr) {
  CheckedCorrelation out;
  if (corr.empty()) return out;
  const int np = static_cast<int>(params.size());
  auto name = [&](int i) { return params[static_cast<std::size_t>(i)].name; };

  std::set<std::pair<int, int>> seen;
  std::set<int> involved;
  for (const CorrelationDef& c : corr) {
    if (c.a < 0 || c.a >= np || c.b < 0 || c.b >= np) {
      throw ScenarioError(c.loc, "correlation refers to parameter index " +
                                     std::to_string(c.a < 0 || c.a >= np ? c.a : c.b) +
                                     " (there are " + std::to_string(np) + " parameters)");
    }
    if (c.a == c.b) {
      throw ScenarioError(c.loc, "correlation of " + name(c.a) +
                                     " with itself (a correlation needs two parameters)");
    }
    if (!(std::abs(c.rho) <= 1)) {
      throw ScenarioError(c.loc, "rho=" + general_text(c.rho, 17) + " (must be in [-1, 1])");
    }
    const auto key = std::minmax(c.a, c.b);
    if (!seen.insert(key).second) {
      throw ScenarioError(c.loc, "correlation between " + name(c.a) + " and " + name(c.b) +
                                     " given twice (the matrix must be symmetric: give each "
                                     "pair once)");
    }
    involved.insert(c.a);
    involved.insert(c.b);
  }
  out.index.assign(involved.begin(), involved.end());
  const auto k = static_cast<Eigen::Index>(out.index.size());
  auto row = [&](int p) {
    return static_cast<Eigen::Index>(std::lower_bound(out.index.begin(), out.index.end(), p) -
                                     out.index.begin());
  };
  out.matrix = Eigen::MatrixXd::Identity(k, k);
  for (const CorrelationDef& c : corr) {
    out.matrix(row(c.a), row(c.b)) = c.rho;
    out.matrix(row(c.b), row(c.a)) = c.rho;
  }

  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(out.matrix);
  // Eigenvalues come sorted ascending.
  const double lambda = es.eigenvalues()(0);
  if (es.info() == Eigen::Success && lambda > kMinEigenvalue) return out;

  // Name the pairs that push the smallest eigenvalue down: v'Mv = 1 + sum over pairs of
  // 2 rho v_a v_b, so a pair "involved" has rho v_a v_b < 0; only those with at least a
  // tenth of the strongest pull are named (a weak pair touching the offending block through
  // a small component of v is not), and the error is located at the first one named.
  const Eigen::VectorXd v = es.eigenvectors().col(0);
  std::vector<double> contrib;
  double strongest = 0;
  for (const CorrelationDef& c : corr) {
    contrib.push_back(2 * c.rho * v(row(c.a)) * v(row(c.b)));
    strongest = std::min(strongest, contrib.back());
  }
  std::string pairs;
  int named = 0;
  const CorrelationDef* first = nullptr;
  for (std::size_t k = 0; k < corr.size(); ++k) {
    if (strongest < -1e-3 && contrib[k] <= 0.1 * strongest) {
      pairs += (named++ ? ", (" : "(") + name(corr[k].a) + ", " + name(corr[k].b) + ")";
      if (first == nullptr) first = &corr[k];
    }
  }
  if (named == 0) {
    for (const CorrelationDef& c : corr) {
      pairs += (named++ ? ", (" : "(") + name(c.a) + ", " + name(c.b) + ")";
    }
  }
  if (first == nullptr) first = &corr.front();
  const double shown = std::abs(lambda) < 5e-13 ? 0.0 : lambda;
  throw ScenarioError(first->loc,
                      "correlation matrix is not positive definite (smallest eigenvalue " +
                          general_text(shown, 3) + ") involving pairs " + pairs +
                          "; these correlations cannot hold together: weaken some of them");
}

}  // namespace

std::unique_ptr<UniformSampler> make_mc_sampler(std::uint64_t seed, std::size_t n_params) {
  return std::make_unique<McSampler>(seed, n_params);
}

void check_correlations(const std::vector<ParameterDef>& params,
                        const std::vector<CorrelationDef>& corr) {
  build_and_check(params, corr);
}

struct ParameterSampler::Impl {
  std::vector<ParameterDef> params;
  std::vector<Distribution> dists;
  std::vector<int> corr_index;  ///< parameters in the copula, row order of L
  /// Per copula row: the marginal takes the score z' itself (normal, lognormal).
  std::vector<char> direct;
  /// Per parameter: set by the copula already (a direct row), so no quantile after it.
  std::vector<char> done;
  std::vector<double> lower;  ///< L, row-major k x k, lower triangle
};

ParameterSampler::ParameterSampler(std::vector<ParameterDef> params,
                                   std::vector<CorrelationDef> corr)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.dists.reserve(params.size());
  for (const ParameterDef& p : params) m.dists.emplace_back(p.dist).prepare_draws();
  CheckedCorrelation cc = build_and_check(params, corr);
  m.params = std::move(params);
  if (cc.index.empty()) return;
  const Eigen::LLT<Eigen::MatrixXd> llt(cc.matrix);
  if (llt.info() != Eigen::Success) {
    throw ScenarioError(corr.front().loc,
                        "correlation matrix is not positive definite (Cholesky failed)");
  }
  const Eigen::MatrixXd L = llt.matrixL();
  const auto k = static_cast<std::size_t>(L.rows());
  m.corr_index = std::move(cc.index);
  m.direct.assign(k, 0);
  m.done.assign(m.dists.size(), 0);
  for (std::size_t r = 0; r < k; ++r) {
    const auto p = static_cast<std::size_t>(m.corr_index[r]);
    // A family that maps scores at all maps every score: probe with z = 0.
    m.direct[r] = m.dists[p].from_normal_score(0.0).has_value() ? 1 : 0;
    m.done[p] = m.direct[r];
  }
  m.lower.assign(k * k, 0.0);
  for (std::size_t r = 0; r < k; ++r) {
    for (std::size_t c = 0; c <= r; ++c) {
      m.lower[r * k + c] = L(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
    }
  }
}

ParameterSampler::~ParameterSampler() = default;
ParameterSampler::ParameterSampler(ParameterSampler&&) noexcept = default;

std::size_t ParameterSampler::size() const {
  return impl_->params.size();
}

const Distribution& ParameterSampler::distribution(std::size_t p) const {
  return impl_->dists.at(p);
}

void ParameterSampler::transform(std::size_t n, std::size_t stride, double* values) const {
  const Impl& m = *impl_;
  const std::size_t k = m.corr_index.size();
  if (k > 0) {
    // Gaussian copula: z = Φ⁻¹(u), z' = L z, u' = Φ(z') (e.g. Nelsen, "An Introduction to
    // Copulas", 2006, §5.3). L z is summed in a fixed order, so results do not depend on
    // the thread. u' is kept strictly inside (0, 1). A normal or lognormal marginal takes
    // z' itself (F⁻¹(Φ(z')) = mean + sd z', or its exp), skipping the round trip.
    const StdNormal phi;
    std::vector<double> z(k);
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t r = 0; r < k; ++r) {
        const double u = values[static_cast<std::size_t>(m.corr_index[r]) * stride + j];
        z[r] = normal_quantile(std::clamp(u, kUMin, kUMax));
      }
      for (std::size_t r = 0; r < k; ++r) {  // z' = L z, L lower triangular
        double s = 0;
        for (std::size_t c = 0; c <= r; ++c) s += m.lower[r * k + c] * z[c];
        const auto p = static_cast<std::size_t>(m.corr_index[r]);
        values[p * stride + j] = m.direct[r] != 0
                                     ? *m.dists[p].from_normal_score(s)
                                     : std::clamp(boost::math::cdf(phi, s), kUMin, kUMax);
      }
    }
  }
  for (std::size_t p = 0; p < m.dists.size(); ++p) {
    if (!m.done.empty() && m.done[p] != 0) continue;
    const Distribution& d = m.dists[p];
    double* row = values + p * stride;
    d.quantiles(row, n, row);
  }
}

}  // namespace plancast
