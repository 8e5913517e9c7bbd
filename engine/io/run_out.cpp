// The precision part of `plancast run --precision`'s text and JSON (see run_out.h).
#include "engine/io/run_out.h"

#include "engine/core/format.h"
#include "engine/io/json.h"

namespace plancast {

std::string precision_text(const PrecisionOutcome& o, double e) {
  std::string rounds;
  for (std::uint64_t n : o.rounds) {
    if (!rounds.empty()) rounds += ", ";
    rounds += std::to_string(n);
  }
  std::string s = o.reached
                      ? "precision: every target within +/-" + general_text(e, 6) +
                            " (95%) after " + std::to_string(o.results.runs) + " runs; widest +/-" +
                            fixed_text(o.widest, 4) + " (" +
                            (o.widest_target.empty() ? "no targets" : o.widest_target) + ")\n"
                      : "precision: NOT reached at the cap of " + std::to_string(o.results.runs) +
                            " runs: widest interval +/-" + fixed_text(o.widest, 4) + " (" +
                            o.widest_target + "), asked +/-" + general_text(e, 6) + "\n";
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
