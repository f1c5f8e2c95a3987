// The worker threads of a served child (exec/program_server.hpp), kept from program to
// program: each has its own io_uring ring, made by the thread itself at its first job
// (IORING_SETUP_SINGLE_ISSUER binds a ring to its maker) and with its fixed-file table
// emptied after every job, so that a program meets the rings of a fresh run: no fixed
// file, nothing in flight. A forked run (run_program) makes threads and rings of its own.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "exec/uring_backend.hpp"

namespace nfz {

class WorkerPool {
 public:
  // The setup ring is not thread 0's: a program's setup and its threads have rings of
  // their own, as in a forked run (docs/EXECUTOR.md).
  enum class Group : uint8_t { kSetup, kThreads };
  // Runs on the worker with its ring; returns after the job's own work is done.
  using Job = std::function<void(UringRing& ring, bool& ring_made)>;

  WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();

  // Hands `job` to worker `index` of `group` (started on first use).
  void post(Group group, size_t index, Job job);
  // Waits until that worker is done with its job and has emptied its ring's fixed files.
  void wait_idle(Group group, size_t index);

 private:
  struct Worker;
  Worker& worker(Group group, size_t index);
  static void serve(Worker& w);

  std::vector<std::unique_ptr<Worker>> setup_, threads_;
};

}  // namespace nfz
