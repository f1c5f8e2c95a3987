// One io_uring shared by several submitting threads (docs/EXECUTOR.md, the variant of one ring
// per worker). liburing's submission and completion queues have one producer and one
// consumer each, so a mutex guards them: this variant trades the lock-free hot loop of
// UringRing for requests of several tasks meeting in one ring (one io-wq, one CQ, task
// work run by whichever thread waits).
//
// A thread submits its chain under the lock and drains the CQ before letting go: the
// completions of its own chain found then completed inline. Completions of other threads'
// requests are handed to their owners through per-thread slots, by whoever drains them.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include <liburing.h>
#include <linux/openat2.h>

#include "core/history.hpp"
#include "exec/fd_table.hpp"
#include "exec/uring_backend.hpp"

namespace nfz {

class SharedRing {
 public:
  SharedRing() = default;
  SharedRing(const SharedRing&) = delete;
  SharedRing& operator=(const SharedRing&) = delete;
  ~SharedRing();

  // Returns why the ring could not be set up, or "".
  std::string init(int threads);

  // As UringRing::run_chain, for thread `thread` (0-based).
  void run_chain(int thread, std::span<const Op> chain, FdTable& fds, std::span<Event> events, int64_t deadline_ns,
                 const std::atomic<bool>* cut = nullptr);

 private:
  struct Slot {
    std::array<int32_t, kMaxChain> res{};
    std::array<int, kMaxChain> closing{};  // the fd a plain close took from its register
    std::array<int64_t, kMaxChain> return_ns{};
    std::array<std::atomic<bool>, kMaxChain> done{};
    std::array<bool, kMaxChain> inline_{};
    std::array<open_how, kMaxChain> how{};
    std::array<struct statx, kMaxChain> stx{};
  };
  void prep(int thread, const Op& op, size_t index, bool link_next, FdTable& fds);
  // Hands every completion in the CQ to its owner; `inline_owner` marks those of the
  // chain just submitted as inline. Called with mu_ held.
  void drain(int inline_owner);

  std::mutex mu_;
  io_uring ring_{};
  bool ready_ = false;
  std::unique_ptr<Slot[]> slots_;
  int threads_ = 0;
};

}  // namespace nfz
