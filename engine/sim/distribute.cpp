// The process-wide distributor (engine/sim/distribute.h).
#include "engine/sim/distribute.h"

#include <atomic>

namespace plancast {

namespace {
std::atomic<const Distributor*> g_distributor{nullptr};
}

void set_distributor(const Distributor* distributor) {
  g_distributor.store(distributor);
}

const Distributor* distributor() {
  return g_distributor.load();
}

bool is_output_rank() {
  const Distributor* d = distributor();
  return d == nullptr || d->rank() == 0;
}

}  // namespace plancast
