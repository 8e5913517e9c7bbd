// Parameter labels and values (see labels.h).
#include "engine/io/labels.h"

#include <cmath>

#include "engine/core/format.h"
#include "engine/core/process.h"

namespace plancast {

std::string parameter_label(const Scenario& sc, const std::string& name) {
  const ParameterSpec* p = sc.find_parameter(name);
  if (p == nullptr || p->title.empty()) return name;
  return p->title + " (" + name + ")";
}

std::string path_title(const Scenario& sc, const std::string& path) {
  static const std::string kPrefix = "parameters.";
  if (path.compare(0, kPrefix.size(), kPrefix) != 0) return {};
  const std::string rest = path.substr(kPrefix.size());
  const ParameterSpec* p = sc.find_parameter(rest.substr(0, rest.find('.')));
  return p == nullptr ? std::string() : p->title;
}

bool is_rate_parameter(const Scenario& sc, const std::string& name) {
  const ParameterSpec* p = sc.find_parameter(name);
  if (p == nullptr || !p->unit.empty()) return false;
  for (const IndicatorSpec& ind : sc.indicators) {
    if (!ind.spec) continue;
    for (const GrowthRateUse& g : ind.spec->growth_rates()) {
      if (g.value.param == name) return true;
    }
  }
  return false;
}

std::string percent_text(double p) {
  if (!std::isfinite(p)) return "n/a";
  const double pc = 100 * p;
  std::string s = std::fabs(pc) >= 1 ? fixed_text(pc, 1) : general_text(pc, 2);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s + "%";
}

std::string rate_text(double r) {
  return percent_text(r) + " a year";
}

std::string parameter_value(const Scenario& sc, const std::string& name, double x,
                            const std::function<std::string(double)>& number) {
  if (is_rate_parameter(sc, name)) return rate_text(x);
  const ParameterSpec* p = sc.find_parameter(name);
  if (p == nullptr || p->unit.empty()) return number(x);
  return number(x) + (p->unit.front() == '%' ? "" : " ") + p->unit;
}

}  // namespace plancast
