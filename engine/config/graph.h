// The indicator dependency graph (an indicator depends on the indicators owning the outputs
// it references), shared by the loader's cycle check and dependency_order().
#pragma once

#include <string>
#include <vector>

#include "engine/config/scenario.h"

namespace plancast {

/// deps[i] = indices of the indicators that indicator i reads (sorted, unique; may hold i
/// itself for a self-reference). Unknown names and parameters are not edges.
std::vector<std::vector<int>> dependency_graph(const Scenario& scenario);

/// Each cycle once, as indicator indices starting from its smallest member and ending
/// where it started (a -> b -> a is {a, b, a}).
std::vector<std::vector<int>> find_cycles(const std::vector<std::vector<int>>& deps);

/// "a -> b -> a"
std::string cycle_text(const Scenario& scenario, const std::vector<int>& cycle);

}  // namespace plancast
