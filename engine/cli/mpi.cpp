// The MPI distributor: state merge by gathering every rank's state (CBOR of the shard
// state JSON) to every rank and merging in rank order; byte buffers broadcast rank by rank
// in chunks below MPI's int count limit.
#include "engine/cli/mpi.h"

#include <cstdlib>
#include <iostream>
#include <streambuf>
#include <string>
#include <vector>

#include "engine/sim/distribute.h"

#ifdef PLANCAST_MPI
// The C API only: Open MPI's deprecated C++ bindings do not compile warning-free.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <thread>

#include "engine/core/error.h"
#include "engine/io/shard.h"
#endif

namespace plancast::cli {

namespace {

bool launched_by_mpi_launcher(int* size) {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    if (const char* v = std::getenv(var)) {
      *size = std::atoi(v);
      return true;
    }
  }
  if (std::getenv("PMIX_RANK") != nullptr) {
    *size = 0;  // unknown until MPI_Init
    return true;
  }
  return false;
}

/// Discards everything (the output of ranks other than 0).
class NullBuf : public std::streambuf {
 protected:
  int overflow(int c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

#ifdef PLANCAST_MPI

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw RunError(std::string("MPI failure in ") + what);
}

class MpiDistributor final : public Distributor {
 public:
  MpiDistributor(int rank, int size) : rank_(rank), size_(size) {}
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  std::vector<std::string> all_gather(const std::string& mine) const override {
    std::uint64_t my_size = mine.size();
    std::vector<std::uint64_t> sizes(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&my_size, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD),
          "MPI_Allgather");
    std::vector<std::string> all(static_cast<std::size_t>(size_));
    constexpr std::uint64_t kChunk = std::uint64_t{1} << 30;
    for (int r = 0; r < size_; ++r) {
      std::string& buf = all[static_cast<std::size_t>(r)];
      if (r == rank_) {
        buf = mine;
      } else {
        buf.resize(sizes[static_cast<std::size_t>(r)]);
      }
      for (std::uint64_t off = 0; off < buf.size(); off += kChunk) {
        const int n = static_cast<int>(std::min<std::uint64_t>(kChunk, buf.size() - off));
        check(MPI_Bcast(buf.data() + off, n, MPI_BYTE, r, MPI_COMM_WORLD), "MPI_Bcast");
      }
    }
    return all;
  }

  void all_merge(RunState& state) const override {
    const std::vector<std::uint8_t> cbor = nlohmann::ordered_json::to_cbor(state_to_json(state));
    const std::vector<std::string> all =
        all_gather(std::string(reinterpret_cast<const char*>(cbor.data()), cbor.size()));
    RunState shape(state.slots, state.years, state.target_hits.size(), state.joint_hits.size(),
                   state.counters);
    shape.shift = state.shift;
    RunState total = shape;
    for (const std::string& bytes : all) {
      total.merge(state_from_json(nlohmann::json::from_cbor(bytes), shape));
    }
    state = std::move(total);
  }

 private:
  int rank_, size_;
};

MpiDistributor* g_mpi = nullptr;

#endif

NullBuf g_null;

}  // namespace

MpiSession::MpiSession(int* argc, char*** argv) {
  int launcher_size = 1;
  if (!launched_by_mpi_launcher(&launcher_size)) return;
#ifdef PLANCAST_MPI
  int provided = 0;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    startup_error_ = "MPI_Init failed";
    return;
  }
  active_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (size_ > 1) {
    g_mpi = new MpiDistributor(rank_, size_);
    set_distributor(g_mpi);
  }
  if (rank_ != 0) {
    std::cout.rdbuf(&g_null);
    std::cerr.rdbuf(&g_null);
  }
#else
  (void)argc;
  (void)argv;
  if (launcher_size > 1) {
    startup_error_ =
        "this plancast was built without MPI (cmake -DPLANCAST_MPI=ON); under mpirun or srun "
        "every process would simulate the whole job";
  }
#endif
}

int MpiSession::finish(int code) {
  if (finished_) return code;
  finished_ = true;
#ifdef PLANCAST_MPI
  if (!active_) return code;
  std::cout.flush();
  std::cerr.flush();
  if (code != 0 && size_ > 1) {
    // Another rank may be waiting in a collective: end them all. Rank 0 goes first, so
    // that its message (the only one printed) is out before the launcher stops the job.
    if (rank_ != 0) std::this_thread::sleep_for(std::chrono::seconds(2));
    MPI_Abort(MPI_COMM_WORLD, code);
  }
  set_distributor(nullptr);
  MPI_Finalize();
#endif
  return code;
}

MpiSession::~MpiSession() {
  finish(0);
}

}  // namespace plancast::cli
