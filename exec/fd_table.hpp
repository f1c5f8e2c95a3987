// The fd registers f0..f15 of a run. A register holds a plain fd, or names the fixed-file
// slot of the same number (io_uring direct descriptors: register N is fixed slot N).
//
// The registers are shared by a program's threads (a close may race an open), so each is
// one atomic word: a plain fd (>= 0), kEmpty, or kFixed. Replacing a register exchanges the
// word, so that of two racing opens into one register exactly one closes the other's file.
#pragma once

#include <array>
#include <atomic>
#include <unistd.h>

#include "core/op.hpp"

namespace nfz {

// A sandbox child keeps its own fds (the instance's directory, a served child's pipes and
// kept rings) at or above this, out of the way of the program's, which get the numbers
// of a fresh run.
inline constexpr int kServedFdBase = 1000;

struct FdTable {
  static constexpr int kEmpty = -1;
  static constexpr int kFixed = -2;  // the register names the fixed-file slot of its number

  FdTable() {
    for (auto& r : regs_) r.store(kEmpty, std::memory_order_relaxed);
  }
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;
  ~FdTable() { close_plain(); }

  // The fd an op reads from register `slot`: the fixed slot's number for a direct
  // descriptor, kEmpty (-1 -> EBADF) when unset.
  int get(int8_t slot) const {
    if (slot == kNoSlot) return kEmpty;
    int v = regs_[slot].load(std::memory_order_acquire);
    return v == kFixed ? slot : v;
  }
  bool is_fixed(int8_t slot) const {
    return slot != kNoSlot && regs_[slot].load(std::memory_order_acquire) == kFixed;
  }
  // The plain fd of register `slot`, kEmpty when it holds none (a direct descriptor is no
  // fd: -1 gets the kernel's own EBADF).
  int plain(int8_t slot) const {
    int v = slot == kNoSlot ? kEmpty : regs_[slot].load(std::memory_order_acquire);
    return v >= 0 ? v : kEmpty;
  }

  // Stores a new plain fd, closing the one the register held (a program may overwrite
  // a register without closing it; the harness must not leak the old file).
  void put(int8_t slot, int fd) { release(regs_[slot].exchange(fd, std::memory_order_acq_rel)); }
  void put_fixed(int8_t slot) { release(regs_[slot].exchange(kFixed, std::memory_order_acq_rel)); }
  void forget(int8_t slot) { regs_[slot].store(kEmpty, std::memory_order_release); }
  // After a close of the fixed slot: empties the register if it still names that slot.
  void forget_fixed(int8_t slot) {
    int expected = kFixed;
    regs_[slot].compare_exchange_strong(expected, kEmpty, std::memory_order_acq_rel);
  }
  // Empties the register and hands its plain fd (or kEmpty) to the caller, who closes it:
  // a close racing an open into the same register then closes one file exactly once.
  int take(int8_t slot) {
    int v = regs_[slot].exchange(kEmpty, std::memory_order_acq_rel);
    return v >= 0 ? v : kEmpty;
  }
  // Gives back an fd taken for an io_uring close that never ran (-ECANCELED: its chain
  // broke, or the harness cancelled it before it started): into its register if that is
  // still empty, else it is closed, as a later put() would have done.
  void restore(int8_t slot, int fd) {
    if (fd < 0) return;
    int expected = kEmpty;
    if (!regs_[slot].compare_exchange_strong(expected, fd, std::memory_order_acq_rel)) ::close(fd);
  }
  void close_plain() {
    for (auto& r : regs_) release(r.exchange(kEmpty, std::memory_order_acq_rel));
  }

 private:
  static void release(int old) {
    if (old >= 0) ::close(old);
  }
  std::array<std::atomic<int>, kSlotCount> regs_;
};

}  // namespace nfz
