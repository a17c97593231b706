// The processes of one data-parallel training run (issue 18): `mpirun -np N nmt-train RECIPE`
// starts N of them; each trains on its share of every batch, and the gradients are summed
// across them with MPI_Allreduce before every update. Outside mpirun (or in a build without
// MPI) the group is this process alone and every call is a no-op or a copy, so the
// single-process path pays nothing.
//
// Every collective but one waits by polling a non-blocking collective and sleeping between
// polls, so a process waiting for another that is busy elsewhere (process 0 validating, writing
// a checkpoint or translating the test split; a process whose share of a batch took longer)
// leaves its core to the others. The exception is the gradient sum, which every process reaches
// at about the same time: a plain blocking MPI_Allreduce.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace nmt::train {

class ProcessGroup {
 public:
  // Call once in main(), before anything else touches MPI: joins the processes an MPI launcher
  // started (Open MPI's mpirun, or any launcher that sets PMI/PMIx variables). Without one,
  // MPI is not initialised at all. Returns the group.
  static ProcessGroup& initialize(int* argc, char*** argv);
  // The group initialize() joined (a group of one before that).
  static ProcessGroup& world();
  // Whether this build can run data-parallel (compiled with MPI).
  static bool available();
  // How many processes an MPI launcher says it started (Open MPI's OMPI_COMM_WORLD_SIZE, or
  // PMI_SIZE), 1 without one: a build without MPI refuses to run as one of several.
  static int launched_processes();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  bool distributed() const { return size_ > 1; }
  int processes_on_this_machine() const { return local_size_; }
  std::string library() const;  // e.g. "Open MPI v4.1.4", or "none"

  // Sums in place across the processes (every process gets the same sums): floats (the
  // gradients) with a blocking allreduce, doubles (a few numbers) without spinning.
  void sum(std::span<float> values);
  void sum(std::span<double> values);
  // The largest value of each element across the processes, in place.
  void max(std::span<std::int64_t> values);
  // Every process's value, in rank order.
  std::vector<std::uint64_t> all_gather(std::uint64_t value);
  // Rank 0's bytes or value, on every process (the others' are replaced). Waits without
  // spinning.
  void broadcast(std::string& bytes);
  void broadcast(double& value);
  // Returns when every process has called it. Waits without spinning.
  void wait_for_all();

  // Ends the run of every process at once (MPI_Abort) with this exit status; the others do
  // not wait forever in a collective this process will never reach. A group of one exits.
  [[noreturn]] void abort(int status);
  // Leaves MPI cleanly (after wait_for_all, so that no process spins in MPI_Finalize while
  // rank 0 still works). Nothing without MPI.
  void finalize();

 private:
  ProcessGroup() = default;
  int rank_ = 0, size_ = 1, local_size_ = 1;
  bool initialized_ = false;
};

}  // namespace nmt::train
