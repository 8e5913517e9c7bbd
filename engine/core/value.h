// A scenario number that may instead name a parameter (SPEC §1: "a number anywhere a
// rate/size/mean is expected may instead name a parameter").
#pragma once

#include <string>

#include "engine/core/error.h"

namespace plancast {

/// As written in the scenario: either a finite number, or the name of a parameter.
struct Value {
  double number = 0.0;
  std::string param;  ///< non-empty: the value is this parameter's per-run draw
  SourceLoc loc;
  bool is_param() const { return !param.empty(); }
  static Value of(double x) { return Value{x, {}, {}}; }
};

}  // namespace plancast
