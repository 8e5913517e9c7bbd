// The text and JSON of `plancast discover` (see discover_out.h).
#include "engine/io/discover_out.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace plancast {

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string limits_text(const DiscoverResult& r, const BoxParameter& bp) {
  const auto& range = r.range[bp.index];
  const bool lo = bp.lo > range[0];
  const bool hi = bp.hi < range[1];
  std::string s;
  if (lo && hi) {
    s = "between ";
    s += fmt("%.4g", bp.lo);
    s += " and ";
    s += fmt("%.4g", bp.hi);
  } else if (hi) {
    s = "<= ";
    s += fmt("%.4g", bp.hi);
  } else {
    s = ">= ";
    s += fmt("%.4g", bp.lo);
  }
  return s;
}

}  // namespace

std::string discover_text(const DiscoverResult& r, const DiscoverOptions& o) {
  const char* what = r.find_missed ? "missed" : "met";
  std::string s;
  char line[256];
  std::snprintf(
      line, sizeof line, "target %s %s in %llu of %llu runs (%.1f%%)\n", r.target.c_str(), what,
      static_cast<unsigned long long>(r.of_interest), static_cast<unsigned long long>(r.runs),
      r.runs ? 100.0 * static_cast<double>(r.of_interest) / static_cast<double>(r.runs) : 0.0);
  s += line;
  std::snprintf(
      line, sizeof line,
      "PRIM trajectory: %zu boxes (peel %.3g of the box at a time, down to mass %.3g)\n\n",
      r.boxes.size(), o.alpha, o.min_mass);
  s += line;
  s += "   box  coverage  density    mass  restricted\n";
  // A few rows: about ten evenly spaced, plus the chosen box and the last.
  const std::size_t nb = r.boxes.size();
  const std::size_t every = std::max<std::size_t>(1, (nb + 9) / 10);
  for (std::size_t i = 0; i < nb; ++i) {
    if (i % every != 0 && i != r.chosen && i + 1 != nb) continue;
    const PrimBox& b = r.boxes[i];
    std::size_t nr = 0;
    for (bool x : b.restricted) nr += x ? 1 : 0;
    std::snprintf(line, sizeof line, " %c%4zu  %8.3f  %7.3f  %6.3f  %zu%s\n",
                  i == r.chosen ? '*' : ' ', i, b.coverage, b.density, b.mass, nr,
                  b.pasted ? " (pasted)" : "");
    s += line;
  }
  const PrimBox& c = r.boxes[r.chosen];
  std::snprintf(
      line, sizeof line,
      "\nchosen box %zu: %.1f%% of the %s runs (coverage), %s in %.1f%% of the runs in it "
      "(density)\n",
      r.chosen, 100 * c.coverage, what, what, 100 * c.density);
  s += line;
  if (r.chosen_parameters.empty()) {
    s += "  no parameter is restricted: no box does better than the whole sample\n";
    return s;
  }
  s += "  the target is mostly ";
  s += what;
  s += " when\n";
  s += "    parameter                 limits                          quasi-p  density without\n";
  for (const BoxParameter& bp : r.chosen_parameters) {
    std::snprintf(line, sizeof line, "    %-24.24s  %-30.30s  %7.2g  %15.3f\n",
                  r.parameters[bp.index].c_str(), limits_text(r, bp).c_str(), bp.quasi_p,
                  bp.density_without);
    s += line;
  }
  s += "  quasi-p: chance of the box's density were the limit on that parameter dropped; above\n"
       "  0.05 the limit is probably noise. --json lists every box of the trajectory.\n";
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
