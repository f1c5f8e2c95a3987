// Runs ops through io_uring (liburing): inline, IOSQE_ASYNC, linked chains, and
// fixed-file slots (register N is direct descriptor N).
#pragma once

#include <array>
#include <atomic>
#include <span>
#include <string>

#include <liburing.h>
#include <linux/openat2.h>

#include "core/history.hpp"
#include "exec/fd_table.hpp"

namespace nfz {

inline constexpr size_t kMaxChain = 64;

// What a completed io_uring op leaves behind, for either kind of ring: statx's identity,
// an open's fd in its register (or its fixed slot), a fixed close's register emptied, and
// the fd of a plain close that never ran (`closing`, taken at submission) given back.
void apply_uring_result(const Op& op, int res, const struct statx& stx, int closing, FdTable& fds, Event& ev);

// The user_data of the cancel requests a ring submits for hung ops (no op has this tag).
inline constexpr uint64_t kCancelTag = ~uint64_t{0};

// Unregisters the ring's fixed-file table, which puts every file in it before the call
// returns: io_sqe_files_unregister() quiesces the table first. Emptying slots with an
// update, or closing the ring, puts them later from a kernel worker: on 6.1 the update's
// put waits a second (io_rsrc_node_ref_zero(): "delay = HZ" unless quiescing), and ring
// exit frees the table from io_ring_exit_work() on every kernel. The FUSE oracles take
// their balance after a run and must not meet files still held.
void put_fixed_files(io_uring& ring);

class UringRing {
 public:
  UringRing() = default;
  UringRing(const UringRing&) = delete;
  UringRing& operator=(const UringRing&) = delete;
  ~UringRing();

  // Returns why the ring could not be set up (io_uring disabled, old kernel), or "".
  // `high_fd`: the ring's fd moves to kServedFdBase or above, among the harness's own fds
  // (a ring kept by a served child's worker outlives the programs' fds).
  std::string init(bool high_fd = false);
  // Empties every fixed-file slot, as in a new ring, and has closed what they held by the
  // time it returns (put_fixed_files()); false if the empty table could not be made again
  // (the ring is unusable then: init() it again).
  bool clear_fixed();

  // Submits `chain` (each op but the last linked to the next) with one submit-only
  // io_uring_enter, then reaps its completions. An op whose completion is there when
  // the submit returns completed inline; any other was punted. Ops still pending after
  // `deadline_ns` are cancelled and recorded as hung.
  // `cut`, when set while the chain runs, brings its deadline forward to now.
  void run_chain(std::span<const Op> chain, FdTable& fds, std::span<Event> events, int64_t deadline_ns,
                 const std::atomic<bool>* cut = nullptr);

 private:
  void prep(const Op& op, size_t index, bool link_next, FdTable& fds);
  void reap(std::span<const Op> chain, FdTable& fds, std::span<Event> events, int64_t deadline_ns,
            const std::atomic<bool>* cut);

  io_uring ring_{};
  bool ready_ = false;
  bool fixed_used_ = false;  // an op since the last clear_fixed() named a fixed slot
  std::array<open_how, kMaxChain> how_{};        // openat2 reads it at submission
  std::array<struct statx, kMaxChain> statx_{};  // statx writes it at completion
  std::array<int, kMaxChain> closing_{};          // the fd a plain close took from its register
};

}  // namespace nfz
