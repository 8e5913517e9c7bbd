// MPI for plancast (build option PLANCAST_MPI): when started by mpirun or srun, each rank
// simulates its share of the blocks of runs, oneTBB works inside each rank, the states are
// merged exactly, and only rank 0 prints and writes files (docs/scale-out.md).
#pragma once

namespace plancast::cli {

/// Started at the top of main(). MPI is initialised only when a launcher started this
/// process (Open MPI's OMPI_COMM_WORLD_SIZE, or PMIX_RANK / PMI_SIZE as set by srun), so
/// a plain `plancast` pays nothing for it. Under a launcher with more than one rank, a
/// build without PLANCAST_MPI refuses to run (every rank would do the whole job).
class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  /// Ends MPI and returns the exit code to use. A failure under several ranks aborts the
  /// whole job (MPI_Abort), since the other ranks may be waiting in a collective.
  int finish(int code);
  /// An error found before any command ran (e.g. mpirun with a build without MPI); empty
  /// otherwise.
  const char* startup_error() const { return startup_error_; }

 private:
  bool active_ = false;
  bool finished_ = false;
  int size_ = 1;
  int rank_ = 0;
  const char* startup_error_ = "";
};

}  // namespace plancast::cli
