// The readers of the scenario's sections, one per section (not a public interface):
// build() (loader_build.cpp) calls them in file-independent order, each reporting its
// problems located into the context's DiagnosticList and filling its part of the Scenario.
//   read_header.cpp      plancast, name, title, base_year, horizon; simulation
//   read_parameters.cpp  parameters; correlations (names, rho, pairs, positive definite)
//   read_indicators.cpp  indicators: unit, title, base, history, claims, the process
//   read_targets.cpp     targets; report_years
//   read_events.cpp      events (after the indicators: their names share one namespace);
//                        the events the processes' shocks name
//   loader_build.cpp     the whole-scenario checks: names, references, cycles, processes
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/config/loader_internal.h"
#include "engine/config/node_reader.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"

namespace plancast {

class Registry;

namespace loader_detail {

/// What the sections read so far tell the later ones.
struct ReadContext {
  ReadContext(Scenario& scenario, DiagnosticList& diagnostics, const Registry& reg)
      : sc(scenario), diags(diagnostics), registry(reg) {}

  Scenario& sc;
  DiagnosticList& diags;
  const Registry& registry;
  /// base_year and horizon are sound (years may be checked against them).
  bool years_ok = true;
  /// Problems reported before the parameters were read: the correlation matrix is checked
  /// only when the parameters and correlations added none.
  std::size_t errors_before_parameters = 0;
  std::map<std::string, SourceLoc> param_loc;   ///< parameter name → its key
  std::vector<std::string> param_names;         ///< in file order
  std::map<std::string, SourceLoc> output_loc;  ///< indicator output name → indicator
  std::vector<std::string> output_names;        ///< in file order
  std::set<int> target_years;                   ///< the years of sound targets
};

/// "LINE:COL", for "(first at 12:3)".
inline std::string at_text(const SourceLoc& l) {
  return std::to_string(l.line) + ":" + std::to_string(l.col);
}

/// A year in [1, 9999] (reported otherwise).
inline std::optional<int> year_of(const NodeReader& r) {
  if (auto y = r.integer(1, 9999)) return static_cast<int>(*y);
  return std::nullopt;
}

void read_header(NodeReader& root, ReadContext& cx);
void read_simulation(NodeReader& root, ReadContext& cx);
void read_parameters(NodeReader& root, ReadContext& cx);
void read_correlations(NodeReader& root, ReadContext& cx);
void read_indicators(NodeReader& root, ReadContext& cx);
void read_events(NodeReader& root, ReadContext& cx);
void check_event_refs(ReadContext& cx);
void read_targets(NodeReader& root, ReadContext& cx);
void read_report_years(NodeReader& root, ReadContext& cx);

}  // namespace loader_detail
}  // namespace plancast
