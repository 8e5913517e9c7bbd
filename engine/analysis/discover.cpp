// PRIM peeling and pasting over the per-run parameters of one simulation (discover.h).
#include "engine/analysis/discover.h"

#include <fmt/ranges.h>  // fmt::join
#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <stdexcept>

#include "engine/core/error.h"
#include "engine/random/parameter_sampler.h"

namespace plancast {

namespace {

/// Upper tail of the binomial: P(X >= k) for X ~ Binomial(n, p).
double binomial_upper_tail(std::uint64_t k, std::uint64_t n, double p) {
  if (k == 0) return 1.0;
  if (k > n) return 0.0;
  if (p <= 0) return 0.0;
  if (p >= 1) return 1.0;
  try {
    return boost::math::ibeta(static_cast<double>(k), static_cast<double>(n - k + 1), p);
  } catch (const std::exception&) {
    return 0.0;  // underflow of a vanishing tail
  }
}

class Sample {
 public:
  Sample(const std::vector<double>& x, const std::vector<std::uint8_t>& y, std::size_t n_params)
      : x_(x), y_(y), n_(y.size()), p_(n_params) {}
  double at(std::size_t p, std::uint32_t j) const { return x_[p * n_ + j]; }
  bool hit(std::uint32_t j) const { return y_[j] != 0; }
  std::size_t n() const { return n_; }
  std::size_t n_params() const { return p_; }

  bool inside(const std::vector<std::array<double, 2>>& lim, std::uint32_t j,
              std::size_t skip) const {
    for (std::size_t p = 0; p < p_; ++p) {
      if (p == skip) continue;
      const double v = at(p, j);
      if (v < lim[p][0] || v > lim[p][1]) return false;
    }
    return true;
  }

 private:
  const std::vector<double>& x_;
  const std::vector<std::uint8_t>& y_;
  std::size_t n_, p_;
};

PrimBox make_box(const std::vector<std::array<double, 2>>& lim,
                 const std::vector<std::array<double, 2>>& range, std::uint64_t runs,
                 std::uint64_t hits, std::uint64_t n, std::uint64_t total_hits) {
  PrimBox b;
  b.limits = lim;
  b.restricted.resize(lim.size());
  for (std::size_t p = 0; p < lim.size(); ++p) {
    b.restricted[p] = lim[p][0] > range[p][0] || lim[p][1] < range[p][1];
  }
  b.runs = runs;
  b.hits = hits;
  b.mass = n ? static_cast<double>(runs) / static_cast<double>(n) : 0.0;
  b.density = runs ? static_cast<double>(hits) / static_cast<double>(runs) : 0.0;
  b.coverage = total_hits ? static_cast<double>(hits) / static_cast<double>(total_hits) : 0.0;
  return b;
}

/// A candidate peel or paste: parameter, side (0 lower, 1 upper), new limit, result counts.
struct Move {
  std::size_t p = 0;
  int side = 0;
  double limit = 0;
  std::uint64_t runs = 0, hits = 0;
  bool valid = false;
};

/// Better: higher density; then more runs; then the earlier (parameter, side).
bool better(const Move& a, const Move& b) {
  if (!b.valid) return a.valid;
  if (!a.valid) return false;
  // Compare hits_a / runs_a with hits_b / runs_b exactly, in integers (runs < 2^32).
  const std::uint64_t l = static_cast<std::uint64_t>(a.hits) * b.runs;
  const std::uint64_t r = static_cast<std::uint64_t>(b.hits) * a.runs;
  if (l != r) return l > r;
  return a.runs > b.runs;
}

/// Peels once; returns false when no peel keeps min_mass and does not lower the density.
bool peel_once(const Sample& s, std::vector<std::uint32_t>& in,
               std::vector<std::array<double, 2>>& lim, std::uint64_t& hits, double alpha,
               std::uint64_t min_runs, std::vector<double>& buf) {
  const std::size_t m = in.size();
  const std::size_t k = std::max<std::size_t>(1, static_cast<std::size_t>(alpha * m));
  if (k >= m) return false;
  Move best;
  for (std::size_t p = 0; p < s.n_params(); ++p) {
    buf.resize(m);
    for (std::size_t i = 0; i < m; ++i) buf[i] = s.at(p, in[i]);
    std::nth_element(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(k), buf.end());
    const double lo = buf[k];
    std::nth_element(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(m - 1 - k), buf.end());
    const double hi = buf[m - 1 - k];
    for (int side = 0; side < 2; ++side) {
      Move mv;
      mv.p = p;
      mv.side = side;
      mv.limit = side == 0 ? lo : hi;
      for (std::uint32_t j : in) {
        const double v = s.at(p, j);
        const bool keep = side == 0 ? v >= lo : v <= hi;
        if (keep) {
          ++mv.runs;
          mv.hits += s.hit(j) ? 1 : 0;
        }
      }
      mv.valid = mv.runs < m && mv.runs >= min_runs && mv.runs > 0;
      if (better(mv, best)) best = mv;
    }
  }
  if (!best.valid) return false;
  // Density must not fall: best.hits / best.runs >= hits / m.
  if (static_cast<std::uint64_t>(best.hits) * m < static_cast<std::uint64_t>(hits) * best.runs) {
    return false;
  }
  std::vector<std::uint32_t> kept;
  kept.reserve(best.runs);
  for (std::uint32_t j : in) {
    const double v = s.at(best.p, j);
    if (best.side == 0 ? v >= best.limit : v <= best.limit) kept.push_back(j);
  }
  in.swap(kept);
  lim[best.p][static_cast<std::size_t>(best.side)] = best.limit;
  hits = best.hits;
  return true;
}

/// Pastes once: widens one limit of a restricted parameter to take in the `step` nearest
/// runs outside it (inside every other limit). Accepts the best paste if the density does
/// not fall. Returns false when none qualifies.
bool paste_once(const Sample& s, std::vector<std::array<double, 2>>& lim,
                const std::vector<std::array<double, 2>>& range, std::uint64_t& runs,
                std::uint64_t& hits, std::size_t step, std::vector<double>& buf) {
  Move best;
  for (std::size_t p = 0; p < s.n_params(); ++p) {
    for (int side = 0; side < 2; ++side) {
      const double cur = lim[p][static_cast<std::size_t>(side)];
      if (cur == range[p][static_cast<std::size_t>(side)]) continue;
      buf.clear();
      for (std::uint32_t j = 0; j < s.n(); ++j) {
        const double v = s.at(p, j);
        if ((side == 0 ? v < cur : v > cur) && s.inside(lim, j, p)) buf.push_back(v);
      }
      if (buf.empty()) continue;
      const std::size_t k = std::min(step, buf.size()) - 1;
      double limit = 0;
      if (side == 0) {
        std::nth_element(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(k), buf.end(),
                         std::greater<double>());
      } else {
        std::nth_element(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(k), buf.end());
      }
      limit = buf[k];
      Move mv;
      mv.p = p;
      mv.side = side;
      mv.limit = limit;
      mv.runs = runs;
      mv.hits = hits;
      for (std::uint32_t j = 0; j < s.n(); ++j) {
        const double v = s.at(p, j);
        const bool added = side == 0 ? (v >= limit && v < cur) : (v <= limit && v > cur);
        if (added && s.inside(lim, j, p)) {
          ++mv.runs;
          mv.hits += s.hit(j) ? 1 : 0;
        }
      }
      mv.valid = mv.runs > runs;
      if (better(mv, best)) best = mv;
    }
  }
  if (!best.valid) return false;
  if (static_cast<std::uint64_t>(best.hits) * runs < static_cast<std::uint64_t>(hits) * best.runs) {
    return false;
  }
  lim[best.p][static_cast<std::size_t>(best.side)] = best.limit;
  runs = best.runs;
  hits = best.hits;
  return true;
}

}  // namespace

double box_score(const PrimBox& box) {
  const double s = box.coverage + box.density;
  return s > 0 ? 2 * box.coverage * box.density / s : 0.0;
}

DiscoverResult prim(const std::vector<double>& x, const std::vector<std::uint8_t>& y,
                    const std::vector<std::string>& parameter_names,
                    const DiscoverOptions& options) {
  const std::size_t n = y.size();
  const std::size_t np = parameter_names.size();
  if (n == 0 || np == 0 || x.size() != n * np) {
    throw std::invalid_argument("prim: sample sizes do not match");
  }
  if (n > UINT32_MAX) throw std::invalid_argument("prim: too many runs");
  if (!(options.alpha > 0 && options.alpha < 0.5)) {
    throw std::invalid_argument("prim: alpha must be in (0, 0.5)");
  }
  if (!(options.min_mass > 0 && options.min_mass <= 1)) {
    throw std::invalid_argument("prim: min_mass must be in (0, 1]");
  }
  const Sample s(x, y, np);
  DiscoverResult r;
  r.find_missed = options.find_missed;
  r.runs = n;
  r.parameters = parameter_names;
  for (std::size_t j = 0; j < n; ++j) r.of_interest += y[j] ? 1 : 0;
  r.range.resize(np);
  for (std::size_t p = 0; p < np; ++p) {
    const auto [lo, hi] = std::minmax_element(x.begin() + static_cast<std::ptrdiff_t>(p * n),
                                              x.begin() + static_cast<std::ptrdiff_t>(p * n + n));
    r.range[p] = {*lo, *hi};
  }

  std::vector<std::array<double, 2>> lim = r.range;
  std::vector<std::uint32_t> in(n);
  for (std::size_t j = 0; j < n; ++j) in[j] = static_cast<std::uint32_t>(j);
  std::uint64_t hits = r.of_interest;
  const auto min_runs =
      static_cast<std::uint64_t>(std::ceil(options.min_mass * static_cast<double>(n) - 1e-9));
  std::vector<double> buf;
  r.boxes.push_back(make_box(lim, r.range, n, hits, n, r.of_interest));
  while (r.of_interest > 0 && peel_once(s, in, lim, hits, options.alpha, min_runs, buf)) {
    r.boxes.push_back(make_box(lim, r.range, in.size(), hits, n, r.of_interest));
  }

  auto choose = [&r] {
    std::size_t c = 0;
    for (std::size_t i = 1; i < r.boxes.size(); ++i) {
      if (box_score(r.boxes[i]) > box_score(r.boxes[c])) c = i;
    }
    return c;
  };
  r.chosen = choose();

  if (options.paste && r.chosen > 0) {
    std::vector<std::array<double, 2>> plim = r.boxes[r.chosen].limits;
    std::uint64_t runs = r.boxes[r.chosen].runs, phits = r.boxes[r.chosen].hits;
    // Finer steps than peeling: a fifth of alpha of the box's runs at a time.
    bool changed = false;
    while (true) {
      const auto step = std::max<std::size_t>(
          1, static_cast<std::size_t>(options.alpha / 5 * static_cast<double>(runs)));
      if (!paste_once(s, plim, r.range, runs, phits, step, buf)) break;
      changed = true;
    }
    if (changed) {
      PrimBox b = make_box(plim, r.range, runs, phits, n, r.of_interest);
      b.pasted = true;
      if (box_score(b) >= box_score(r.boxes[r.chosen])) {
        r.boxes.push_back(std::move(b));
        r.chosen = r.boxes.size() - 1;
      }
    }
  }

  // The parameters that matter in the chosen box: drop each restriction in turn.
  const PrimBox& box = r.boxes[r.chosen];
  for (std::size_t p = 0; p < np; ++p) {
    if (!box.restricted[p]) continue;
    std::uint64_t runs0 = 0, hits0 = 0;
    for (std::uint32_t j = 0; j < n; ++j) {
      if (s.inside(box.limits, j, p)) {
        ++runs0;
        hits0 += s.hit(j) ? 1 : 0;
      }
    }
    BoxParameter bp;
    bp.index = p;
    bp.lo = box.limits[p][0];
    bp.hi = box.limits[p][1];
    bp.density_without = runs0 ? static_cast<double>(hits0) / static_cast<double>(runs0) : 0.0;
    bp.quasi_p = binomial_upper_tail(box.hits, box.runs, bp.density_without);
    r.chosen_parameters.push_back(bp);
  }
  std::stable_sort(r.chosen_parameters.begin(), r.chosen_parameters.end(),
                   [](const BoxParameter& a, const BoxParameter& b) {
                     if (a.quasi_p != b.quasi_p) return a.quasi_p < b.quasi_p;
                     return a.density_without < b.density_without;
                   });
  return r;
}

namespace {

class Collector final : public RunObserver {
 public:
  Collector(std::vector<double>& x, std::vector<std::uint8_t>& y, std::size_t n,
            std::size_t n_params, std::size_t target, bool missed)
      : x_(x), y_(y), n_(n), np_(n_params), k_(target), missed_(missed) {}
  void on_block(const BlockView& b) override {
    for (std::size_t j = 0; j < b.n; ++j) {
      const std::size_t run = static_cast<std::size_t>(b.first_run) + j;
      for (std::size_t p = 0; p < np_; ++p) x_[p * n_ + run] = b.params[p * b.stride + j];
      const bool met = b.met[k_ * b.stride + j] != 0;
      y_[run] = (missed_ ? !met : met) ? 1 : 0;
    }
  }

 private:
  std::vector<double>& x_;
  std::vector<std::uint8_t>& y_;
  std::size_t n_, np_, k_;
  bool missed_;
};

}  // namespace

DiscoverResult discover(const CompiledScenario& compiled, const std::string& target_id,
                        const DiscoverOptions& options, RunOptions run_options) {
  const Scenario& sc = scenario_of(compiled);
  std::size_t k = sc.targets.size();
  for (std::size_t i = 0; i < sc.targets.size(); ++i) {
    if (sc.targets[i].id == target_id) k = i;
  }
  if (k == sc.targets.size()) {
    std::vector<std::string> known;
    for (const auto& t : sc.targets) known.push_back(t.id);
    throw UsageError(fmt::format(
        "--target: '{}' is not a target of the scenario{}", target_id,
        known.empty() ? std::string() : fmt::format(" (targets: {})", fmt::join(known, ", "))));
  }
  const std::size_t np = parameters_of(compiled).size();
  if (np == 0) throw UsageError("discover: the scenario has no parameters to search over");
  const std::uint64_t n = sc.simulation.runs;
  if (n > kDiscoverMaxRuns) {
    throw UsageError(
        fmt::format("discover: {} runs is more than the {} it can hold", n, kDiscoverMaxRuns));
  }
  std::vector<double> x(static_cast<std::size_t>(n) * np);
  std::vector<std::uint8_t> y(static_cast<std::size_t>(n));
  Collector collect(x, y, static_cast<std::size_t>(n), np, k, options.find_missed);
  run_options.observer = &collect;
  run(compiled, run_options);
  std::vector<std::string> names;
  for (const auto& p : sc.parameters) names.push_back(p.name);
  DiscoverResult r = prim(x, y, names, options);
  r.target = target_id;
  return r;
}

}  // namespace plancast
