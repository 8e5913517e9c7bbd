// How every output names a parameter and writes its values (issue 19 part 2): the one place
// that turns a parameter's optional `title` and `unit` into text, for the reports, the
// sensitivity, solve, discover and compare outputs alike.
#pragma once

#include <functional>
#include <string>

#include "engine/config/scenario.h"

namespace plancast {

/// "EU chip output growth (eu_semis_trend)" for a parameter with a title, else its name. A
/// name that is no parameter of `sc` (an event as a sensitivity factor, a table's noise row)
/// comes back as it is.
std::string parameter_label(const Scenario& sc, const std::string& name);

/// The title of the parameter at dotted path `path` ("parameters.NAME" or
/// "parameters.NAME.KEY", as solve --vary and a variant's overrides write it), or "" where
/// the path names no parameter with a title. Outputs write the path as the file does and the
/// title beside it.
std::string path_title(const Scenario& sc, const std::string& path);

/// Whether the values of parameter `name` are yearly rates, written as fractions (0.022) and
/// shown as percentages a year: a parameter without a `unit` that a process uses as a growth
/// rate (a trend's rate or converge_to, a count's rate_growth; ProcessSpec::growth_rates).
bool is_rate_parameter(const Scenario& sc, const std::string& name);

/// A yearly rate as a percentage: 0.02155 -> "2.2% a year", 0.15 -> "15% a year", 0.0025 ->
/// "0.25% a year" (one decimal from 1%, two significant digits below).
std::string rate_text(double r);

/// A share or a chance as a percentage without "a year": 0.08 -> "8%", 0.0025 -> "0.25%".
std::string percent_text(double p);

/// A value of parameter `name`: rate_text() for a rate, else `number(x)` followed by its unit
/// ("35 firms"; a unit starting with '%' follows without a space: "12.5%"), else the number
/// alone. `number` is the output's own number format (the report's, the terminal's).
std::string parameter_value(const Scenario& sc, const std::string& name, double x,
                            const std::function<std::string(double)>& number);

}  // namespace plancast
