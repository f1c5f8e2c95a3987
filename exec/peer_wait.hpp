// Which ops of a run wait for the other end of a FIFO. fifo_open() (fs/pipe.c) sleeps in
// wait_for_partner() until a peer opens the other end, and only another op of the program
// can be that peer: the coordinator need not wait out the op's deadline to know what the
// wait is (docs/EXECUTOR.md, "Peer waits"). It asks /proc where the op's thread sleeps
// (its wchan): the worker's own thread for a system call, and for io_uring also the
// worker's io-wq threads, which io_wq_worker() (io_uring/io-wq.c) names
// "iou-wrk-<submitter's tid>".
#pragma once

#include <sys/types.h>

namespace nfz {

// Opens the calling process's /proc/self/task at a high fd (kServedFdBase and up) and
// starts the thread that reads it. Returns the fd, for SandboxEnv::task_dir_fd; -1
// when /proc cannot be read. Called by a sandbox child before its first program.
int start_peer_prober();

// Whether thread `tid` of the process whose task directory is `task_dir` (or, with
// `io_wq`, one of its io-wq workers) sleeps in wait_for_partner(). False when the
// kernel does not say (no wchan: CONFIG_KALLSYMS off, or the thread is running) and
// in a process that started no prober.
bool waits_for_peer(int task_dir, pid_t tid, bool io_wq);

}  // namespace nfz
