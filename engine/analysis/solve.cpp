// solve(): bracket the level P, bisect with common random numbers, then measure the local
// slope to turn the probability's Monte Carlo error into an error of the solved value.
#include "engine/analysis/solve.h"

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"
#include "engine/core/format.h"
#include "engine/sim/compile_needs.h"

namespace plancast {

namespace {

/// The estimated probability of the target at a value of the input, from `runs` runs (the
/// scenario's own, or a coarse count for the search's first phase).
class Evaluator {
 public:
  Evaluator(const ScenarioAt& at, const SolveOptions& so, const Registry& registry,
            const RunOptions& options, const std::function<void(const SolveEvaluation&)>& cb,
            SolveResult& result)
      : at_(at), so_(so), registry_(registry), options_(options), cb_(cb), result_(result) {}

  /// The scenario's runs, seed and sampler, from the scenario at `v` (the first call).
  void fix_design(double v) {
    const Scenario sc = at_(v);
    result_.runs = sc.simulation.runs;
    result_.seed = sc.simulation.seed;
    sampler_ = sc.simulation.sampler;
  }

  /// The target's estimated probability at v with `runs` runs (0: the scenario's), from the
  /// first runs of the same random numbers (ScenarioError when v cannot be loaded).
  double operator()(double v, std::uint64_t runs = 0) {
    Scenario sc = at_(v);
    if (sc.simulation.runs != result_.runs || sc.simulation.seed != result_.seed ||
        sc.simulation.sampler != sampler_) {
      throw RunError("solve: the scenario's runs, seed or sampler changed with " + so_.path +
                     " (every evaluation must use the same random numbers)");
    }
    if (!std::any_of(sc.targets.begin(), sc.targets.end(),
                     [&](const TargetSpec& t) { return t.id == so_.target; })) {
      throw RunError("solve: no target '" + so_.target + "' in scenario '" + sc.name + "'");
    }
    const bool coarse = runs != 0 && runs < sc.simulation.runs;
    if (coarse) sc.simulation.runs = runs;
    RunOptions ro;
    ro.threads = options_.threads;
    ro.cancel = options_.cancel;
    // Only the target's indicators, up to its year, and the distributions of the
    // parameters they read: its probability is that of the whole scenario's run, byte for
    // byte (needed_part, compile_outcomes).
    const Results r = run(*compile_outcomes(sc, registry_, Needs{{so_.target}, {}}), ro);
    const double p = r.targets.front().p.probability;
    if (coarse) {
      ++result_.coarse_evaluations;
      return p;
    }
    result_.evaluations.push_back({v, p});
    if (cb_) cb_(result_.evaluations.back());
    return p;
  }

 private:
  const ScenarioAt& at_;
  const SolveOptions& so_;
  const Registry& registry_;
  const RunOptions& options_;
  const std::function<void(const SolveEvaluation&)>& cb_;
  SolveResult& result_;
  std::string sampler_;
};

int sign(double x) {
  return (x > 0) - (x < 0);
}

std::string num(double v) {
  return canonical_number(v);
}

std::string pct(double p) {
  return general_text(100 * p, 3) + "%";
}

}  // namespace

std::string exact_number_text(double value) {
  return canonical_number(value);
}

std::optional<double> value_at_path(const Scenario& scenario, const std::string& path) {
  const auto it = scenario.numbers.find(path);
  if (it == scenario.numbers.end()) return std::nullopt;
  return it->second;
}

namespace {

/// [a, b] with the estimated probabilities at its ends.
struct Bracket {
  double a = 0, b = 0, pa = 0, pb = 0;
  double width() const { return b - a; }
};

/// Narrows `br` around P̂ = P until it is narrower than tol() (which may change with the
/// slope the bracket shows) or `steps` evaluations are made; returns the steps made.
/// Regula falsi with the Illinois modification (Dowell & Jarratt 1971: an end kept twice in
/// a row has its g halved in the interpolation), and a bisection step whenever an end has
/// been kept three times, so it needs at most about twice bisection's steps and on smooth
/// curves far fewer. `update` sees each new bracket.
int narrow(Bracket& br, double P, int steps, const std::function<double(double)>& eval,
           const std::function<double()>& tol, const std::function<void(const Bracket&)>& update) {
  double ga = br.pa - P, gb = br.pb - P;
  int kept_a = 0, kept_b = 0, made = 0;
  while (made < steps && br.width() > tol() && br.pa != P && br.pb != P) {
    const double mid = 0.5 * (br.a + br.b);
    double m = mid;
    if (kept_a < 3 && kept_b < 3 && gb != ga) m = br.a - ga * (br.b - br.a) / (gb - ga);
    // Keep the new point well inside the bracket (a point within 1% of an end would
    // shrink it by almost nothing).
    const double margin = 0.01 * br.width();
    if (!(m > br.a + margin && m < br.b - margin)) m = mid;
    if (m <= br.a || m >= br.b) break;
    const double pm = eval(m);
    ++made;
    const double gm = pm - P;
    if (sign(ga) * sign(gm) <= 0) {
      br.b = m, br.pb = pm, gb = gm;
      kept_b = 0;
      if (++kept_a >= 2) ga *= 0.5;
    } else {
      br.a = m, br.pa = pm, ga = gm;
      kept_a = 0;
      if (++kept_b >= 2) gb *= 0.5;
    }
    if (m == mid) kept_a = kept_b = 0, ga = br.pa - P, gb = br.pb - P;
    update(br);
  }
  return made;
}

}  // namespace

SolveResult solve(const ScenarioAt& scenario_at, const SolveOptions& so, const Registry& registry,
                  const RunOptions& options,
                  const std::function<void(const SolveEvaluation&)>& on_evaluation) {
  if (!(so.probability > 0 && so.probability < 1)) {
    throw RunError("solve: the probability must be strictly between 0 and 1");
  }
  SolveResult res;
  res.target = so.target;
  res.path = so.path;
  res.current = so.current;
  res.probability = so.probability;
  Evaluator eval(scenario_at, so, registry, options, on_evaluation, res);
  const double P = so.probability;
  if (so.lo && so.hi) {
    eval.fix_design(std::min(*so.lo, *so.hi));
  } else if (so.current) {
    eval.fix_design(*so.current);
  } else {
    throw RunError("solve: " + so.path +
                   " has no numeric value in the scenario to search from; give --lo and --hi");
  }
  // The search's first phase (the range and a coarse root) on the first 1/16 of the runs
  // when that leaves at least kSolveCoarseMinRuns; the second on all of them, only near the
  // coarse root.
  const std::uint64_t coarse_runs =
      res.runs / kSolveCoarseShare >= kSolveCoarseMinRuns ? res.runs / kSolveCoarseShare : 0;
  res.coarse_runs = coarse_runs;
  const std::uint64_t n1 = coarse_runs ? coarse_runs : res.runs;
  auto eval1 = [&](double v) { return eval(v, n1); };

  // 1. A bracket [a, b] with g(a) and g(b) of opposite signs (or one of them zero).
  Bracket br;
  double &a = br.a, &b = br.b, &pa = br.pa, &pb = br.pb;
  bool found = false;
  if (so.lo && so.hi) {
    a = std::min(*so.lo, *so.hi);
    b = std::max(*so.lo, *so.hi);
    pa = eval1(a);
    pb = eval1(b);
    found = sign(pa - P) * sign(pb - P) <= 0;
    if (!found) {
      throw RunError("solve: a probability of " + pct(P) + " for target '" + so.target +
                     "' is not reached for " + so.path + " in [" + num(a) + ", " + num(b) +
                     "]: it is " + pct(pa) + " at " + num(a) + " and " + pct(pb) + " at " + num(b) +
                     " (try a wider --lo/--hi)");
    }
  } else {
    const double v0 = *so.current;
    const double p0 = eval1(v0);
    const double step0 = v0 != 0 ? 0.1 * std::fabs(v0) : 0.1;
    double left = v0, pleft = p0, right = v0, pright = p0;
    bool left_open = true, right_open = true;
    if (p0 == P) {
      a = b = v0;
      pa = pb = p0;
      found = true;
    }
    // One step out from the bracket's `end` to v (up or down): true when [a, b] now brackets
    // P; a value past the input's valid range closes that side.
    auto step_out = [&](double v, double& end, double& p_end, bool& open, bool up) {
      try {
        const double p = eval1(v);
        if (sign(p_end - P) * sign(p - P) <= 0) {
          if (up) {
            a = end, pa = p_end, b = v, pb = p;
          } else {
            a = v, pa = p, b = end, pb = p_end;
          }
          return true;
        }
        end = v, p_end = p;
      } catch (const ScenarioError&) {
        open = false;
      }
      return false;
    };
    for (int k = 0; k < so.max_expansions && !found && (left_open || right_open); ++k) {
      const double step = std::ldexp(step0, k);
      found = (right_open && step_out(v0 + step, right, pright, right_open, true)) ||
              (left_open && step_out(v0 - step, left, pleft, left_open, false));
    }
    if (!found) {
      throw RunError("solve: a probability of " + pct(P) + " for target '" + so.target +
                     "' is not reached for " + so.path + " in [" + num(left) + ", " + num(right) +
                     "] (searched from " + num(v0) + "): it is " + pct(pleft) + " at " + num(left) +
                     " and " + pct(pright) + " at " + num(right) +
                     "; give --lo and --hi to search elsewhere");
    }
    res.expanded = true;
  }
  res.searched = {a, b};

  // 2. Narrowing. The stopping width is 1% of the value's Monte Carlo half-width, from the
  // latest well-resolved secant of the bracket (recomputed as the bracket narrows: a width
  // fixed from the first, widest bracket would stop a search over --lo -1e10 --hi 1e10
  // millions wide).
  const double se_p = std::sqrt(P * (1 - P) / static_cast<double>(res.runs));
  double se = std::sqrt(P * (1 - P) / static_cast<double>(n1));
  double slope_est = b > a ? (pb - pa) / (b - a) : 0.0;
  const double scale = std::max({1.0, std::fabs(a), std::fabs(b)});
  double share = 0.01;  // of the Monte Carlo half-width (coarse phase: 1)
  auto tolerance = [&] {
    return slope_est != 0 ? std::max(share * 1.96 * se / std::fabs(slope_est), 1e-12 * scale)
                          : 1e-12 * scale;
  };
  // A secant over a well-resolved span (Δp beyond 10 standard errors) stays reliable.
  auto update = [&](const Bracket& x) {
    if (std::fabs(x.pb - x.pa) > 10 * se && x.b > x.a) slope_est = (x.pb - x.pa) / (x.b - x.a);
  };
  if (coarse_runs) {
    // 2a. On the coarse runs, down to one coarse half-width h1; then the full runs over
    // [m - 2 h1, m + 2 h1]: the full runs' root lies within about one h1 of the coarse
    // one (the coarse runs are part of them, so the two estimates differ by less than the
    // coarse one's error), and the window grows (doubling) until it brackets P.
    share = 1;
    narrow(br, P, so.max_iterations, eval1, tolerance, update);
    const double m = 0.5 * (a + b), h1 = std::max(tolerance(), b - a);
    const Bracket coarse = br;
    se = se_p;
    share = 0.01;
    bool ok = false;
    for (int k = 1; k <= so.max_expansions && !ok; ++k) {
      const double w = std::ldexp(h1, k);
      try {
        Bracket x{m - w, m + w, eval(m - w), eval(m + w)};
        ok = sign(x.pa - P) * sign(x.pb - P) <= 0;
        if (ok) br = x;
      } catch (const ScenarioError&) {
        break;  // past the input's valid range: the coarse bracket's ends, below
      }
    }
    if (!ok) br = Bracket{coarse.a, coarse.b, eval(coarse.a), eval(coarse.b)};
    if (b > a && std::fabs(pb - pa) > 10 * se) slope_est = (pb - pa) / (b - a);
  }
  narrow(
      br, P, so.max_iterations, [&](double v) { return eval(v); }, tolerance, update);
  const double tol = tolerance();
  if (pa == P) {
    res.value = a;
  } else if (pb == P) {
    res.value = b;
  } else {
    res.value = 0.5 * (a + b);
  }
  res.achieved = std::fabs(pa - P) < std::fabs(pb - P) ? pa : pb;
  res.std_error = se_p;
  res.bracket = {a, b};
  res.bracket_probability = {pa, pb};
  // An honest answer or none: when neither end of the final bracket comes within the
  // probability's Monte Carlo half-width of P, no value gives P. Either the probability
  // jumps across P inside a bracket that cannot be narrowed further (every run crosses the
  // target at the same value), or the steps ran out.
  if (std::fabs(res.achieved - P) > 1.96 * se_p) {
    const std::string where = "between " + so.path + " = " + num(a) + " (" + pct(pa) + ") and " +
                              num(b) + " (" + pct(pb) + ")";
    if (b - a <= tol || 0.5 * (a + b) <= a || 0.5 * (a + b) >= b) {
      throw RunError("solve: no value of " + so.path + " gives target '" + so.target +
                     "' a probability of " + pct(P) + ": the probability jumps " + where +
                     " (the runs cross the target together, so it is not continuous there)");
    }
    throw RunError("solve: no value of " + so.path + " giving target '" + so.target + "' " +
                   pct(P) + " was found in " + std::to_string(so.max_iterations) +
                   " bisection steps: the last bracket is " + where +
                   "; give a narrower --lo/--hi");
  }

  // 3. The local slope by a central difference of one Monte Carlo half-width, with the same
  // random numbers on both sides (so the difference carries little noise).
  double slope = slope_est;
  if (slope_est != 0) {
    const double h = std::max(1.96 * se_p / std::fabs(slope_est), tol);
    try {
      const double p_up = eval(res.value + h);
      const double p_down = eval(res.value - h);
      const double s = (p_up - p_down) / (2 * h);
      if (s != 0 && sign(s) == sign(slope_est)) slope = s;
    } catch (const ScenarioError&) {
      // a side outside the input's valid range: keep the bracket's slope
    }
  }
  res.slope = slope;
  const double half = slope != 0 ? 1.96 * se_p / std::fabs(slope) : 0.0;
  res.value_ci95 = {res.value - half, res.value + half};
  return res;
}

}  // namespace plancast
