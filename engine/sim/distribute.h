// Runs split across processes (MPI ranks). The engine knows only this interface; the MPI
// implementation lives in engine/cli/mpi.cpp and is installed by main() when plancast is
// started by mpirun or srun (docs/scale-out.md). Without one, everything runs in-process.
#pragma once

#include <string>
#include <vector>

#include "engine/sim/state.h"

namespace plancast {

class Distributor {
 public:
  virtual ~Distributor() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// Collective: every rank passes its bytes and receives every rank's, in rank order.
  virtual std::vector<std::string> all_gather(const std::string& mine) const = 0;
  /// Collective: replaces `state` on every rank by the merge of all ranks' states (exact,
  /// so the same whatever the order).
  virtual void all_merge(RunState& state) const = 0;
};

/// The process-wide distributor (nullptr: a single process). Set once, before any run.
void set_distributor(const Distributor* distributor);
const Distributor* distributor();

/// True unless this process is a rank other than 0 (which writes no output).
bool is_output_rank();

}  // namespace plancast
