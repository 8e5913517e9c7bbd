// The text and JSON of `plancast solve` (see solve_out.h).
#include "engine/io/solve_out.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/core/format.h"
#include "engine/io/labels.h"
#include "engine/io/text.h"

namespace plancast {

std::string solve_json(const Scenario& scenario, const SolveResult& r) {
  nlohmann::ordered_json j;
  j["target"] = r.target;
  j["vary"] = r.path;
  j["probability"] = r.probability;
  j["value"] = r.value;
  j["value_ci95"] = {r.value_ci95[0], r.value_ci95[1]};
  j["achieved_probability"] = r.achieved;
  j["bracket"] = {r.bracket[0], r.bracket[1]};
  j["bracket_probability"] = {r.bracket_probability[0], r.bracket_probability[1]};
  j["probability_std_error"] = r.std_error;
  j["slope"] = r.slope;
  j["searched"] = {r.searched[0], r.searched[1]};
  j["range"] = r.expanded ? "expanded from the current value" : "--lo/--hi";
  j["runs"] = r.runs;
  j["seed"] = r.seed;
  j["evaluations"] = r.evaluations.size();
  j["coarse_runs"] = r.coarse_runs;
  j["coarse_evaluations"] = r.coarse_evaluations;
  j["scenario_sha256"] = scenario.sha256;  // as given, with runs and seed
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string solve_text(const Scenario& scenario, const SolveResult& r) {
  auto g = [](double x) { return general_text(x, 6); };
  std::string s = "plancast solve: " + scenario.name + "\n";
  s += fmt::format("{} = {} gives target {} a probability of {}\n", r.path, g(r.value), r.target,
                   human_percent(r.probability));
  if (const std::string title = path_title(scenario, r.path); !title.empty()) {
    const std::size_t dot = r.path.find('.', r.path.find('.') + 1);  // parameters.NAME.KEY
    s += "  (" + (dot == std::string::npos ? "" : "the " + r.path.substr(dot + 1) + " of ") +
         title + ")\n";
  }
  s += fmt::format("  (estimated {} at {} and {} at {}, the final bracket)\n",
                   human_percent(r.bracket_probability[0]), g(r.bracket[0]),
                   human_percent(r.bracket_probability[1]), g(r.bracket[1]));
  s += fmt::format("95% Monte Carlo interval of the value: [{}, {}]\n", g(r.value_ci95[0]),
                   g(r.value_ci95[1]));
  s += fmt::format("  (the probability's standard error {:.4f} over the slope dP/dvalue {})\n",
                   r.std_error, general_text(r.slope, 4));
  if (r.expanded) {
    s += fmt::format("range grown from the current value {} to [{}, {}]\n",
                     g(r.current.value_or(0.0)), g(r.searched[0]), g(r.searched[1]));
  } else {
    s += fmt::format("range searched (--lo/--hi): [{}, {}]\n", g(r.searched[0]), g(r.searched[1]));
  }
  s += fmt::format("{} evaluations of {} runs each, seed {}\n", r.evaluations.size(), r.runs,
                   r.seed);
  if (r.coarse_runs) {
    s += fmt::format("  (after {} of the first {} runs to find where to look)\n",
                     r.coarse_evaluations, r.coarse_runs);
  }
  return s;
}

}  // namespace plancast
