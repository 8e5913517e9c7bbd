// The bundled Jiaxing scenario, compiled into the binary (generated from scenarios/jiaxing.yaml).
#pragma once

#include <string_view>

namespace plancast {
std::string_view bundled_scenario_text();
inline constexpr const char* kBundledName = "<bundled:jiaxing.yaml>";
}  // namespace plancast
