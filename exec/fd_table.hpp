// The fd registers f0..f15 of a run. A register holds a plain fd, or names the fixed-file
// slot of the same number (io_uring direct descriptors: register N is fixed slot N).
#pragma once

#include <array>
#include <unistd.h>

#include "core/op.hpp"

namespace nfz {

struct FdTable {
  static constexpr int kEmpty = -1;
  std::array<int, kSlotCount> fds;
  std::array<bool, kSlotCount> fixed{};

  FdTable() { fds.fill(kEmpty); }
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;
  ~FdTable() { close_plain(); }

  // The fd an op reads from register `slot`; kEmpty (-1 -> EBADF) when unset.
  int get(int8_t slot) const { return slot == kNoSlot ? kEmpty : fds[slot]; }

  // Stores a new plain fd, closing the one the register held (a program may overwrite
  // a register without closing it; the harness must not leak the old file).
  void put(int8_t slot, int fd) {
    if (fds[slot] >= 0 && !fixed[slot]) ::close(fds[slot]);
    fds[slot] = fd;
    fixed[slot] = false;
  }
  void put_fixed(int8_t slot) {
    if (fds[slot] >= 0 && !fixed[slot]) ::close(fds[slot]);
    fds[slot] = slot;
    fixed[slot] = true;
  }
  void forget(int8_t slot) {
    fds[slot] = kEmpty;
    fixed[slot] = false;
  }
  void close_plain() {
    for (int i = 0; i < kSlotCount; ++i)
      if (fds[i] >= 0 && !fixed[i]) ::close(fds[i]);
    fds.fill(kEmpty);
    fixed.fill(false);
  }
};

}  // namespace nfz
