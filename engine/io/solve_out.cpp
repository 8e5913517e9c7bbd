// The text and JSON of `plancast solve` (see solve_out.h).
#include "engine/io/solve_out.h"

#include <cstdio>

#include <nlohmann/json.hpp>

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
  j["scenario_sha256"] = scenario.sha256;  // as given, with runs and seed
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string solve_text(const Scenario& scenario, const SolveResult& r) {
  char buf[512];
  std::string s = "plancast solve: ";
  s += scenario.name;
  s += "\n";
  std::snprintf(buf, sizeof buf, "%s = %.6g gives target %s a probability of %s\n", r.path.c_str(),
                r.value, r.target.c_str(), human_percent(r.probability).c_str());
  s += buf;
  std::snprintf(buf, sizeof buf, "  (estimated %s at %.6g and %s at %.6g, the final bracket)\n",
                human_percent(r.bracket_probability[0]).c_str(), r.bracket[0],
                human_percent(r.bracket_probability[1]).c_str(), r.bracket[1]);
  s += buf;
  std::snprintf(buf, sizeof buf, "95%% Monte Carlo interval of the value: [%.6g, %.6g]\n",
                r.value_ci95[0], r.value_ci95[1]);
  s += buf;
  std::snprintf(buf, sizeof buf,
                "  (the probability's standard error %.4f over the slope dP/dvalue %.4g)\n",
                r.std_error, r.slope);
  s += buf;
  if (r.expanded) {
    std::snprintf(buf, sizeof buf, "range grown from the current value %.6g to [%.6g, %.6g]\n",
                  r.current.value_or(0.0), r.searched[0], r.searched[1]);
  } else {
    std::snprintf(buf, sizeof buf, "range searched (--lo/--hi): [%.6g, %.6g]\n", r.searched[0],
                  r.searched[1]);
  }
  s += buf;
  std::snprintf(buf, sizeof buf, "%zu evaluations of %llu runs each, seed %llu\n",
                r.evaluations.size(), static_cast<unsigned long long>(r.runs),
                static_cast<unsigned long long>(r.seed));
  s += buf;
  return s;
}

}  // namespace plancast
