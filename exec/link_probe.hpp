// Which failed io_uring requests break their IOSQE_IO_LINK chain on the running kernel
// (core/history.hpp LinkRule): the model follows what the kernel does, not what a kernel
// version is expected to do, so a history from a patched or older kernel is judged by
// its own rule.
#pragma once

#include "core/history.hpp"

namespace nfz {

// A request that fails with -EBADF at issue (a dirfd of -1: path_init()'s fdget() finds
// nothing), after a prep that succeeds: the handler's own failure path runs, the path
// req_set_fail() is or is not on. Nothing is made or read.
enum class FailingRequest { kOpenat, kMkdirat, kStatx };

// Submits `request` linked to a NOP on a fresh ring: whether the NOP completed -ECANCELED.
// False when io_uring is unavailable.
bool failure_breaks_link(FailingRequest request);

// The rule measured by failure_breaks_link() on MKDIRAT (for io_uring/fs.c) and STATX.
LinkRule probe_link_rule();

// probe_link_rule(), measured once per process. A kernel without io_uring gives the
// default rule (nothing to judge then).
const LinkRule& kernel_link_rule();

}  // namespace nfz
