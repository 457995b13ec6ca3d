#pragma once
// Open MPI for `mpirun -n K mentorsim sweep ...` (docs/distributed.md). MPI is initialised only when
// the process was started by an MPI launcher (mpirun, mpiexec, srun with PMIx/PMI), so every other
// command, and a sweep started directly, never touch it.

#include <cstdint>

namespace mentorsim::cli::mpi {

// True when an MPI launcher started this process (its environment says so).
bool launched();

// MPI initialised for the lifetime of the object (funnelled: only the main thread calls MPI).
class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  [[nodiscard]] int rank() const noexcept { return rank_; }
  [[nodiscard]] int size() const noexcept { return size_; }
  // The largest of every rank's value (a collective call: every rank must make it).
  [[nodiscard]] int max(int value) const;
  // The sum of every rank's value (collective).
  [[nodiscard]] std::uint64_t sum(std::uint64_t value) const;

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace mentorsim::cli::mpi
