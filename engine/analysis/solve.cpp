// solve(): bracket the level P, bisect with common random numbers, then measure the local
// slope to turn the probability's Monte Carlo error into an error of the solved value.
#include "engine/analysis/solve.h"

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"
#include "engine/core/format.h"

namespace plancast {

namespace {

class Evaluator {
 public:
  Evaluator(const ScenarioAt& at, const SolveOptions& so, const Registry& registry,
            const RunOptions& options, const std::function<void(const SolveEvaluation&)>& cb,
            SolveResult& result)
      : at_(at), so_(so), registry_(registry), options_(options), cb_(cb), result_(result) {}

  /// The target's estimated probability at v (ScenarioError when v cannot be loaded).
  double operator()(double v) {
    const Scenario sc = at_(v);
    if (result_.evaluations.empty()) {
      result_.runs = sc.simulation.runs;
      result_.seed = sc.simulation.seed;
      sampler_ = sc.simulation.sampler;
    } else if (sc.simulation.runs != result_.runs || sc.simulation.seed != result_.seed ||
               sc.simulation.sampler != sampler_) {
      throw RunError("solve: the scenario's runs, seed or sampler changed with " + so_.path +
                     " (every evaluation must use the same random numbers)");
    }
    std::size_t k = sc.targets.size();
    for (std::size_t i = 0; i < sc.targets.size(); ++i) {
      if (sc.targets[i].id == so_.target) k = i;
    }
    if (k == sc.targets.size()) {
      throw RunError("solve: no target '" + so_.target + "' in scenario '" + sc.name + "'");
    }
    RunOptions ro;
    ro.threads = options_.threads;
    ro.cancel = options_.cancel;
    const Results r = run(sc, registry_, ro);
    const double p = r.targets[k].p.probability;
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

  // 1. A bracket [a, b] with g(a) and g(b) of opposite signs (or one of them zero).
  double a = 0, b = 0, pa = 0, pb = 0;
  bool found = false;
  if (so.lo && so.hi) {
    a = std::min(*so.lo, *so.hi);
    b = std::max(*so.lo, *so.hi);
    pa = eval(a);
    pb = eval(b);
    found = sign(pa - P) * sign(pb - P) <= 0;
    if (!found) {
      throw RunError("solve: a probability of " + pct(P) + " for target '" + so.target +
                     "' is not reached for " + so.path + " in [" + num(a) + ", " + num(b) +
                     "]: it is " + pct(pa) + " at " + num(a) + " and " + pct(pb) + " at " + num(b) +
                     " (try a wider --lo/--hi)");
    }
  } else {
    if (!so.current) {
      throw RunError("solve: " + so.path +
                     " has no numeric value in the scenario to search from; give --lo and --hi");
    }
    const double v0 = *so.current;
    const double p0 = eval(v0);
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
        const double p = eval(v);
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

  // 2. Bisection. The stopping width is 1% of the value's Monte Carlo half-width, from the
  // latest well-resolved secant of the bracket (recomputed as the bracket narrows: a width
  // fixed from the first, widest bracket would stop a search over --lo -1e10 --hi 1e10
  // millions wide).
  const double se_p = std::sqrt(P * (1 - P) / static_cast<double>(res.runs));
  double slope_est = b > a ? (pb - pa) / (b - a) : 0.0;
  const double scale = std::max({1.0, std::fabs(a), std::fabs(b)});
  auto tolerance = [&] {
    return slope_est != 0 ? std::max(0.01 * 1.96 * se_p / std::fabs(slope_est), 1e-12 * scale)
                          : 1e-12 * scale;
  };
  double tol = tolerance();
  for (int it = 0; it < so.max_iterations && b - a > tol && pa != P && pb != P; ++it) {
    const double m = 0.5 * (a + b);
    if (m <= a || m >= b) break;
    const double pm = eval(m);
    if (sign(pa - P) * sign(pm - P) <= 0) {
      b = m, pb = pm;
    } else {
      a = m, pa = pm;
    }
    // A secant over a well-resolved span (Δp beyond 10 standard errors) stays reliable.
    if (std::fabs(pb - pa) > 10 * se_p && b > a) slope_est = (pb - pa) / (b - a);
    tol = tolerance();
  }
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
