// The frame of the reports of audit, solve and discover (report.h): the header with the
// scenario's facts and the command's own, a target's condition in words, the end with the
// assumptions table and the footer. Internal to engine/io.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/io/svg.h"

namespace plancast::report {

/// From the document's start to the end of its <header>: "plancast COMMAND", the title,
/// then the facts scenario, variant, base year, horizon and `facts` (name, value).
std::string command_header(const Scenario& sc, const std::string& command,
                           const std::vector<std::pair<std::string, std::string>>& facts);

/// "core_va ≥ 1350 100M CNY in 2025" (or "by 2025"): target `t` of `sc` in words.
std::string target_words(const Scenario& sc, const TargetSpec& t);

/// The target of `sc` with id `id`, or nullptr.
const TargetSpec* find_target(const Scenario& sc, const std::string& id);

/// The axes of a chart whose y is a probability: grid lines with percentages up the left,
/// the x axis with ticks at `x` (labelled as percentages when `x_percent`) and `x_caption`
/// under it.
std::string probability_axes(const svg::Frame& f, const svg::Axis& x, bool x_percent,
                             const std::string& x_caption);

/// The assumptions table of `sc`, the footer (scenario, scenario_sha256) and the end.
std::string command_close(const Scenario& sc);

}  // namespace plancast::report
