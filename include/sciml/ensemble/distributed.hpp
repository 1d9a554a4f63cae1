// EnsembleDistributed: the ensemble backend over MPI. Every rank calls solve with the same ensemble; rank r of P
// solves trajectories r, r + P, r + 2P, ... of each batch (with `threads` threads), then every rank receives every
// output (MPI_Allgatherv), so the EnsembleSolution is complete and identical on all ranks. Needs <mpi.h> (Debian:
// libopenmpi-dev; CMake: link sciml::mpi) and MPI_Init before solve; outputs must be serializable (serialize.hpp).
#pragma once
#if !defined(SCIML_HAVE_MPI) && defined(__has_include)
#if !__has_include(<mpi.h>)
#error "sciml/ensemble/distributed.hpp needs MPI: install libopenmpi-dev and link sciml::mpi (or MPI::MPI_CXX)"
#endif
#endif
#include <mpi.h>
#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include "ensemble_threads.hpp"
#include "serialize.hpp"
#include "trajectory_error.hpp"

namespace sciml {

struct EnsembleDistributed {
  static constexpr bool is_cpu_ensemble_backend = true;

  MPI_Comm comm = MPI_COMM_WORLD;  // the ranks that share the trajectories; all of them must call solve
  unsigned threads = 1;            // threads per rank (EnsembleThreads inside a rank); 0: hardware_concurrency.
                                   // Only the calling thread talks to MPI (MPI_THREAD_FUNNELED is enough).

  // Whether `ok` holds on every rank of comm (a collective call; true without an initialised MPI, where run()
  // reports the problem itself).
  bool all_agree(bool ok) const {
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (!initialized || finalized) return ok;
    int mine = ok ? 1 : 0, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_LAND, comm);
    return all != 0;
  }

  // How many slots of a batch of `count` rank `rank` of `ranks` solves: the slots rank, rank + ranks,
  // rank + 2 ranks, ... (strided, so a sweep whose cost grows along the index is shared evenly).
  static std::size_t slots_of(std::size_t count, int rank, int ranks) {
    const std::size_t p = std::size_t(ranks), r = std::size_t(rank);
    return count > r ? (count - r + p - 1) / p : 0;
  }

  // kernel(k) for this rank's k, then the exchange: afterwards every rank holds every slot of the batch.
  template <class Kernel>
  void run(std::size_t count, Kernel& kernel) const {
    using Out = std::remove_pointer_t<decltype(kernel.out)>;
    static_assert(is_serializable_v<Out>,
                  "EnsembleDistributed: output_func must return a type the ranks can exchange: trivially copyable "
                  "(no pointers), std::string, std::vector or std::pair of such, an ODESolution, or a class with "
                  "serialize(ByteWriter&) const / deserialize(ByteReader&) members (sciml/ensemble/serialize.hpp)");
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (!initialized || finalized)
      throw std::logic_error("EnsembleDistributed: MPI is not initialised; call MPI_Init (MPI_Init_thread with "
                             "MPI_THREAD_FUNNELED for threads > 1) before solve and MPI_Finalize after");
    int rank = 0, ranks = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    // the largest count and the largest complement give the range of counts in one reduction
    const unsigned long long mine[2] = {count, ~static_cast<unsigned long long>(count)};
    unsigned long long most[2] = {0, 0};
    MPI_Allreduce(mine, most, 2, MPI_UNSIGNED_LONG_LONG, MPI_MAX, comm);
    const unsigned long long hi = most[0], lo = ~most[1];
    if (lo != hi)
      throw std::invalid_argument("trajectories: the ranks disagree on the batch (" + std::to_string(lo) + " to " +
                                  std::to_string(hi) + " trajectories); call solve with the same ensemble and "
                                  "trajectories on every rank");

    // solve this rank's slots
    const std::size_t stride = std::size_t(ranks), first = std::size_t(rank);
    const std::size_t mine_count = slots_of(count, rank, ranks);
    auto local = [&kernel, stride, first](std::size_t j) { kernel(first + j * stride); };
    EnsembleThreads{threads}.run(mine_count, local);

    // pack: the lowest failing trajectory (if any), then every slot of this rank, in order
    ByteWriter w;
    const std::uint64_t err_index = kernel.err.failed() ? kernel.err.index() : std::uint64_t(detail::TrajectoryError::none);
    serialize(w, err_index);
    if (kernel.err.failed()) {
      auto [kind, what] = detail::classify_exception(kernel.err.error());
      serialize(w, kind);
      serialize(w, what);
    } else {
      for (std::size_t k = first; k < count; k += stride) {
        serialize(w, kernel.retcodes[k]);
        serialize(w, kernel.messages[k]);
        serialize(w, kernel.stats[k]);
        serialize(w, kernel.out[k]);
      }
    }

    // exchange, in blocks of 4 KiB so int counts reach 8 TiB
    constexpr std::size_t block = 4096;
    const unsigned long long my_blocks = (w.buf.size() + block - 1) / block;
    w.buf.resize(my_blocks * block);
    std::vector<unsigned long long> blocks(ranks);
    MPI_Allgather(&my_blocks, 1, MPI_UNSIGNED_LONG_LONG, blocks.data(), 1, MPI_UNSIGNED_LONG_LONG, comm);
    std::vector<int> counts(ranks), displs(ranks);
    unsigned long long total = 0;
    for (int r = 0; r < ranks; ++r) {
      if (total > (unsigned long long)INT_MAX || blocks[r] > (unsigned long long)INT_MAX - total)
        throw std::length_error("EnsembleDistributed: the outputs of one batch exceed 8 TiB; keep less per "
                                "trajectory (output_func) or use a reduction with a batch_size");
      displs[r] = int(total);
      counts[r] = int(blocks[r]);
      total += blocks[r];
    }
    std::vector<char> all(total * block);
    MPI_Datatype blk;
    MPI_Type_contiguous(int(block), MPI_BYTE, &blk);
    MPI_Type_commit(&blk);
    MPI_Allgatherv(w.buf.data(), int(my_blocks), blk, all.data(), counts.data(), displs.data(), blk, comm);
    MPI_Type_free(&blk);

    // unpack: the same error on every rank, or every other rank's slots
    struct RankPart {
      std::uint64_t err_index = detail::TrajectoryError::none;
      detail::ErrorKind kind = detail::ErrorKind::Other;
      std::string what;
    };
    std::vector<ByteReader> readers;
    std::vector<RankPart> parts(ranks);
    readers.reserve(ranks);
    std::uint64_t first_err = detail::TrajectoryError::none;
    int err_rank = -1;
    for (int r = 0; r < ranks; ++r) {
      readers.emplace_back(all.data() + std::size_t(displs[r]) * block, std::size_t(counts[r]) * block);
      deserialize(readers[r], parts[r].err_index);
      if (parts[r].err_index != detail::TrajectoryError::none) {
        deserialize(readers[r], parts[r].kind);
        deserialize(readers[r], parts[r].what);
        if (parts[r].err_index < first_err) {
          first_err = parts[r].err_index;
          err_rank = r;
        }
      }
    }
    if (err_rank >= 0) {
      std::exception_ptr ep;
      try {
        detail::throw_as(parts[err_rank].kind, parts[err_rank].what);
      } catch (...) {
        ep = std::current_exception();
      }
      kernel.err.reset();
      kernel.err.record(std::size_t(first_err), ep);
      return;
    }
    for (int r = 0; r < ranks; ++r) {
      if (r == rank) continue;
      for (std::size_t k = std::size_t(r); k < count; k += stride) {
        deserialize(readers[r], kernel.retcodes[k]);
        deserialize(readers[r], kernel.messages[k]);
        deserialize(readers[r], kernel.stats[k]);
        deserialize(readers[r], kernel.out[k]);
      }
    }
  }
};

}  // namespace sciml
