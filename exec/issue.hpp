// What the sequential and the concurrent executors share: harness actions, the extent of
// a linked chain, and what a hung op was waiting for.
#pragma once

#include <vector>

#include "core/history.hpp"
#include "exec/fd_table.hpp"
#include "exec/sandbox.hpp"

namespace nfz {

// Runs a harness action: drop_caches, sleep, and revalidate (the FUSE observer tells the
// kernel to drop every entry it handed out; on other targets it does nothing). Each
// answers 0, or drop_caches the write's -errno.
void run_harness_action(const Op& op, const SandboxEnv& env, Event& ev);

// Ops [begin, end) of `ops` that io_uring submits together: a run of linked io_uring ops.
size_t chain_end(const std::vector<Op>& ops, size_t begin);

bool needs_uring(const Program& p);

// After an open was stopped at its deadline: if its path names a FIFO, the open was
// waiting for the other end, as fifo(7) says it must; the event then carries the FIFO's
// dev/ino, and a hung event without an identity is unexplained. Called after the op
// returned or was given up on, outside its timed window.
void explain_hang(const Op& op, const FdTable& fds, Event& ev);

}  // namespace nfz
