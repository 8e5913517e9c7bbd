// The one list of built-in process types: the only bridge between engine/ and models/.
#include "models/register_builtin.h"

#include "models/count.h"
#include "models/coverage.h"
#include "models/firm_population.h"
#include "models/formula.h"
#include "models/growth.h"
#include "models/logistic.h"

namespace plancast {

void register_builtin(Registry& registry) {
  registry.add(growth_process_type());
  registry.add(formula_process_type());
  registry.add(firm_population_process_type());
  registry.add(logistic_process_type());
  registry.add(count_process_type());
  registry.add(coverage_process_type());
}

const Registry& builtin_registry() {
  static const Registry registry = [] {
    Registry r;
    register_builtin(r);
    return r;
  }();
  return registry;
}

}  // namespace plancast
