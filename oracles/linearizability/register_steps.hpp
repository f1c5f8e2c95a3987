// The executor's fd registers as steps of their own, beside the model's ops (the checker's
// RunModel, lookup_check.cpp). The model takes an op's effect on a register at the op's
// kernel step; the executor fills and empties registers when it prepares an op and when
// it reads a completion (exec/fd_table.hpp), and other threads see the difference. The
// states these give are not numbered canonically: the caller numbers them.
#pragma once

#include <cstdint>
#include <vector>

#include "core/op.hpp"
#include "model/lookup/lookup_model.hpp"
#include "oracles/linearizability/check_input.hpp"

namespace nfz::oracles::lin::registers {

// Pin tags (model::make_pin()): 2, the file a register held kept alive during an open's
// kernel step; 3..6 (kTaken + access), a cancelled close's taken file; 10, a fixed-slot
// open waiting for put_fixed(); 11..14 (kOpened + access), an open's file before its
// register is filled.
inline constexpr int kKept = 2;
inline constexpr int kTaken = model::kHeldTaken;
inline constexpr int kOpened = model::kHeldOpened;

// An open's fd reaches the program's register when the executor reads the op's
// completion (the syscall's return, the CQE), after the kernel opened the file: another
// thread's close of that register in between finds it empty, or the file the register
// held before. So a successful open is two steps: the kernel's open, the file held (pin
// kOpened + access) and the register as it was, then the register filled (fill()). A
// file the register held goes at the second: FdTable::put() closes the old fd as it
// stores the new one, and an op of another thread that read the old number before (an
// SQE prepared with it, a syscall called with it) and looks it up after gets EBADF (met
// on xfs: openat(f14, ...) = EBADF in an io_uring chain prepared before another thread's
// f14 = open(...)): so fill() first empties the register. A fixed-slot open's file is in
// its slot at the kernel's open; the register's plain fd, if any, stays until the
// executor's put_fixed() (met on fuse:strict: a plain close(f4) = ok while f4 = open(...)
// [uring fixed] had created its file but not completed).
// An open into no register (the harness closes its fd at once, exec/fd_table.hpp) is two
// steps too: the kernel's open, the file held, then the harness's close (close_unkept()).
// Between them it is open for others to meet (met on xfs: a FIFO reader into no register
// waited for, and was woken by, an O_NONBLOCK writer that the model's one step closed
// before the writer came).
bool defers(const Op& op, const CheckOp& c);
// Turns the model's successful open `t` into its kernel step: the register back to
// `kept` (what it held before), the new file held in a pin.
void defer(model::Transition& t, const Op& op, uint32_t index, const model::FileRef& kept);
// The same for an open into no register: `t.reached` held with the open's access.
void defer_unkept(model::Transition& t, const Op& op, uint32_t index);
// The register's second step: a file in it (the one it held before the open, or another
// thread's open's meanwhile) is closed first, the register empty in between (kWalked);
// then the open's file `held` goes in (`result`).
model::Transition fill(const model::State& s, const Op& op, uint32_t index, model::Ino held, model::Access access,
                       int32_t result);
// An open into no register, second step: the harness closes the file (`result`).
model::Transition close_unkept(const model::State& s, uint32_t index, int32_t result);
// A fixed-slot open's second step: put_fixed() marks the register as naming the slot and
// closes the plain fd it held.
model::Transition put_fixed(const model::State& s, const Op& op, uint32_t index, int32_t result);

// A plain close cancelled with its chain, in two steps: the executor takes the fd out of
// its register when it prepares the chain, and at the cancellation gives it back, into
// the register if that is still empty, else closes it (FdTable::restore()). In between
// the taken file is held in a pin tagged kTaken + its access mode.
void cancelled_close(const model::State& s, const Op& op, uint32_t key, std::vector<model::Transition>& out);

// A ring lets the files of its fixed slots go (lookup_input.hpp add_ring_exits()).
void exit_ring(const model::State& s, const std::vector<int>& slots, std::vector<model::Transition>& out);

void erase_pin(model::State& s, uint64_t pin);

}  // namespace nfz::oracles::lin::registers
