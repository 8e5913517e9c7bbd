// The precision part of `plancast run --precision`'s text and JSON (see run_out.h).
#include "engine/io/run_out.h"

#include <cstdio>

#include "engine/io/json.h"

namespace plancast {

std::string precision_text(const PrecisionOutcome& o, double e) {
  char line[256];
  std::string rounds;
  for (std::uint64_t n : o.rounds) {
    if (!rounds.empty()) rounds += ", ";
    rounds += std::to_string(n);
  }
  if (o.reached) {
    std::snprintf(line, sizeof line,
                  "precision: every target within +/-%g (95%%) after %llu runs; widest +/-%.4f "
                  "(%s)\n",
                  e, static_cast<unsigned long long>(o.results.runs), o.widest,
                  o.widest_target.empty() ? "no targets" : o.widest_target.c_str());
  } else {
    std::snprintf(line, sizeof line,
                  "precision: NOT reached at the cap of %llu runs: widest interval +/-%.4f "
                  "(%s), asked +/-%g\n",
                  static_cast<unsigned long long>(o.results.runs), o.widest,
                  o.widest_target.c_str(), e);
  }
  std::string s = line;
  s += "  rounds (runs): ";
  s += rounds;
  s += "\n";
  return s;
}

std::string to_json_text(const Results& results, const PrecisionOutcome& o, double e) {
  nlohmann::ordered_json j = to_json(results);
  nlohmann::ordered_json pj;
  pj["target_half_width"] = e;
  pj["reached"] = o.reached;
  pj["rounds"] = o.rounds;
  pj["widest_half_width"] = o.widest;
  j["precision"] = pj;
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace plancast
