// Rank correlations of the parameters with each target's indicator (drivers.h).
#include "engine/analysis/drivers.h"

#include <algorithm>
#include <boost/math/statistics/bivariate_statistics.hpp>
#include <cmath>
#include <limits>
#include <numeric>

#include "engine/random/parameter_sampler.h"
#include "engine/sim/state.h"

namespace plancast {

namespace {

/// Ranks 1..n of `v`, ties given their average rank.
std::vector<double> average_ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> rank(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double r = (static_cast<double>(i) + static_cast<double>(j)) / 2 + 1;
    for (std::size_t k = i; k <= j; ++k) rank[order[k]] = r;
    i = j + 1;
  }
  return rank;
}

/// Keeps each run's parameters and watched values, by run index (blocks arrive from several
/// threads, in any order).
class Keeper final : public RunObserver {
 public:
  Keeper(std::size_t n, std::size_t n_params, std::size_t n_watch)
      : n_(n), np_(n_params), nw_(n_watch), x_(n * n_params), w_(n * n_watch), met_(n * n_watch) {}
  void on_block(const BlockView& b) override {
    for (std::size_t j = 0; j < b.n; ++j) {
      const std::size_t run = static_cast<std::size_t>(b.first_run) + j;
      if (run >= n_) continue;
      for (std::size_t p = 0; p < np_; ++p) x_[p * n_ + run] = b.params[p * b.stride + j];
      for (std::size_t w = 0; w < nw_; ++w) {
        w_[w * n_ + run] = b.watched[w * b.stride + j];
        met_[w * n_ + run] = b.met[w * b.stride + j];  // watch w is target w's cell
      }
    }
  }
  const double* param(std::size_t p) const { return x_.data() + p * n_; }
  const double* watched(std::size_t w) const { return w_.data() + w * n_; }
  const std::vector<double>& params() const { return x_; }
  /// 1 for each run that misses target k.
  std::vector<std::uint8_t> missed(std::size_t k) const {
    std::vector<std::uint8_t> y(n_);
    for (std::size_t j = 0; j < n_; ++j) y[j] = met_[k * n_ + j] != 0 ? 0 : 1;
    return y;
  }

 private:
  std::size_t n_, np_, nw_;
  std::vector<double> x_, w_;
  std::vector<std::uint8_t> met_;
};

}  // namespace

const TargetDrivers* DriverRanking::find(const std::string& id) const {
  for (const TargetDrivers& t : targets) {
    if (t.target == id) return &t;
  }
  return nullptr;
}

namespace {

/// Pearson's correlation (Boost.Math) of two rank vectors; NaN when either is constant.
double rank_correlation(const std::vector<double>& rx, const std::vector<double>& ry) {
  auto constant = [](const std::vector<double>& r) {
    return std::all_of(r.begin(), r.end(), [&](double v) { return v == r.front(); });
  };
  if (rx.size() != ry.size() || rx.size() < 3 || constant(rx) || constant(ry)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return boost::math::statistics::correlation_coefficient(rx, ry);
}

}  // namespace

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) return std::numeric_limits<double>::quiet_NaN();
  return rank_correlation(average_ranks(x), average_ranks(y));
}

DriverRanking rank_drivers(const CompiledScenario& compiled, std::uint64_t max_runs,
                           RunOptions run_options, bool discover) {
  const Scenario& sc = scenario_of(compiled);
  DriverRanking out;
  for (const auto& p : sc.parameters) out.parameters.push_back(p.name);
  if (sc.parameters.empty() || sc.targets.empty() || max_runs == 0) return out;
  const std::uint64_t n = std::min(max_runs, sc.simulation.runs);
  const std::size_t np = out.parameters.size(), nt = sc.targets.size();
  run_options.watch.clear();
  for (const TargetSpec& t : sc.targets) run_options.watch.push_back({t.indicator, t.year});
  Keeper keep(static_cast<std::size_t>(n), np, nt);
  run_options.observer = &keep;
  RunOptions pilot = run_options;  // make_state's pilot run needs no observer
  pilot.observer = nullptr;
  pilot.watch.clear();
  RunState state = make_state(compiled, pilot);
  simulate(compiled, 0, (n + kBlockSize - 1) / kBlockSize, state, run_options);
  out.runs = n;
  // Each parameter ranked once over all the runs; again over a target's rows only when some
  // run's indicator value is not finite (and so has no rank).
  std::vector<std::vector<double>> ranked_params(np);
  for (std::size_t p = 0; p < np; ++p) {
    ranked_params[p] = average_ranks(std::vector<double>(keep.param(p), keep.param(p) + n));
  }
  for (std::size_t k = 0; k < nt; ++k) {
    TargetDrivers td;
    td.target = sc.targets[k].id;
    std::vector<std::size_t> rows;
    for (std::size_t j = 0; j < n; ++j) {
      if (std::isfinite(keep.watched(k)[j])) rows.push_back(j);
    }
    td.runs = rows.size();
    std::vector<double> y, x(rows.size());
    for (std::size_t j : rows) y.push_back(keep.watched(k)[j]);
    const std::vector<double> ry = average_ranks(y);
    for (std::size_t p = 0; p < np; ++p) {
      double rho;
      if (rows.size() == n) {
        rho = rank_correlation(ranked_params[p], ry);
      } else {
        for (std::size_t i = 0; i < rows.size(); ++i) x[i] = keep.param(p)[rows[i]];
        rho = rank_correlation(average_ranks(x), ry);
      }
      if (std::isfinite(rho)) td.ranked.push_back({p, rho});
    }
    std::stable_sort(td.ranked.begin(), td.ranked.end(), [](const Driver& a, const Driver& b) {
      return std::fabs(a.rho) > std::fabs(b.rho);
    });
    if (discover) {
      const std::vector<std::uint8_t> y = keep.missed(k);
      const auto misses = static_cast<std::uint64_t>(std::count(y.begin(), y.end(), 1));
      if (misses > 0 && misses < n) {
        td.missed = prim(keep.params(), y, out.parameters, DiscoverOptions{});
        td.missed->target = td.target;
      }
    }
    out.targets.push_back(std::move(td));
  }
  return out;
}

}  // namespace plancast
