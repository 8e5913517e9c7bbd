// The text and JSON of `plancast discover` (see discover_out.h).
#include "engine/io/discover_out.h"

#include <fmt/format.h>
#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/core/format.h"
#include "engine/core/utf8.h"
#include "engine/io/labels.h"

namespace plancast {

namespace {

std::string limits_text(const DiscoverResult& r, const BoxParameter& bp) {
  const auto& range = r.range[bp.index];
  const bool lo = bp.lo > range[0];
  const bool hi = bp.hi < range[1];
  if (lo && hi) return "between " + general_text(bp.lo, 4) + " and " + general_text(bp.hi, 4);
  return hi ? "<= " + general_text(bp.hi, 4) : ">= " + general_text(bp.lo, 4);
}

}  // namespace

std::string discover_text(const DiscoverResult& r, const DiscoverOptions& o, const Scenario* sc) {
  const char* what = r.find_missed ? "missed" : "met";
  const double share =
      r.runs ? 100.0 * static_cast<double>(r.of_interest) / static_cast<double>(r.runs) : 0.0;
  std::string s = fmt::format("target {} {} in {} of {} runs ({:.1f}%)\n", r.target, what,
                              r.of_interest, r.runs, share);
  s += fmt::format("PRIM trajectory: {} boxes (peel {} of the box at a time, down to mass {})\n\n",
                   r.boxes.size(), general_text(o.alpha, 3), general_text(o.min_mass, 3));
  s += "   box  coverage  density    mass  restricted\n";
  // A few rows: about ten evenly spaced, plus the chosen box and the last.
  const std::size_t nb = r.boxes.size();
  const std::size_t every = std::max<std::size_t>(1, (nb + 9) / 10);
  for (std::size_t i = 0; i < nb; ++i) {
    if (i % every != 0 && i != r.chosen && i + 1 != nb) continue;
    const PrimBox& b = r.boxes[i];
    std::size_t nr = 0;
    for (bool x : b.restricted) nr += x ? 1 : 0;
    s += fmt::format(" {}{:4}  {:8.3f}  {:7.3f}  {:6.3f}  {}{}\n", i == r.chosen ? '*' : ' ', i,
                     b.coverage, b.density, b.mass, nr, b.pasted ? " (pasted)" : "");
  }
  const PrimBox& c = r.boxes[r.chosen];
  s += fmt::format(
      "\nchosen box {}: {:.1f}% of the {} runs (coverage), {} in {:.1f}% of the runs in it "
      "(density)\n",
      r.chosen, 100 * c.coverage, what, what, 100 * c.density);
  if (r.chosen_parameters.empty()) {
    s += "  no parameter is restricted: no box does better than the whole sample\n";
    return s;
  }
  s += "  the target is mostly ";
  s += what;
  s += " when\n";
  s += "    parameter                 limits                          quasi-p  density without\n";
  for (const BoxParameter& bp : r.chosen_parameters) {
    // A parameter with a title: its label on a line of its own, then its name in the column.
    const std::string& name = r.parameters[bp.index];
    const std::string label = sc ? parameter_label(*sc, name) : name;
    if (label != name) s += "    " + label + "\n";
    s += fmt::format("    {}  {:<30.30}  {:>7}  {:15.3f}\n", pad_to_width(name, 24),
                     limits_text(r, bp), general_text(bp.quasi_p, 2), bp.density_without);
  }
  s += "  quasi-p: how likely a density this high is by chance without the limit on that "
       "parameter;\n"
       "  above 0.05 the limit is probably noise. --json lists every box of the trajectory.\n";
  return s;
}

std::string discover_json(const DiscoverResult& r) {
  nlohmann::ordered_json j;
  j["target"] = r.target;
  j["find"] = r.find_missed ? "missed" : "met";
  auto boxes = nlohmann::ordered_json::array();
  for (const PrimBox& b : r.boxes) {
    nlohmann::ordered_json jb;
    jb["coverage"] = b.coverage;
    jb["density"] = b.density;
    auto lim = nlohmann::ordered_json::object();
    for (std::size_t p = 0; p < r.parameters.size(); ++p) {
      if (b.restricted[p]) lim[r.parameters[p]] = {b.limits[p][0], b.limits[p][1]};
    }
    jb["limits"] = lim;
    jb["mass"] = b.mass;
    jb["runs"] = b.runs;
    jb["hits"] = b.hits;
    if (b.pasted) jb["pasted"] = true;
    boxes.push_back(jb);
  }
  j["boxes"] = boxes;
  j["chosen"] = r.chosen;
  j["runs"] = r.runs;
  j["of_interest"] = r.of_interest;
  auto params = nlohmann::ordered_json::array();
  for (const BoxParameter& bp : r.chosen_parameters) {
    nlohmann::ordered_json jp;
    jp["name"] = r.parameters[bp.index];
    jp["limits"] = {bp.lo, bp.hi};
    jp["quasi_p"] = bp.quasi_p;
    jp["density_without"] = bp.density_without;
    params.push_back(jp);
  }
  j["chosen_parameters"] = params;
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace plancast
