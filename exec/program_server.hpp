// Programs on a served sandbox (Sandbox::served()): the parent writes each program, and
// the syscall twin to run after it, into memory shared with the sandbox's long-lived
// child, which decodes and runs them as a forked run would (run_program) and records into
// history buffers mapped before it was forked. What differs from run_program is only
// what a program cannot see: no fork, exit and fresh address space per program.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "exec/concurrent.hpp"
#include "exec/worker_pool.hpp"

namespace nfz {

class ProgramServer {
 public:
  // Runs in the child after each program, still in its root, with its run_concurrent()
  // code (as ConcurrentOptions::after_run).
  using AfterRun = std::function<void(const SandboxEnv&, const Program&, const HistoryBuffer&, int code)>;

  // `max_ops`: room mapped at once for programs of up to this many ops (larger ones map
  // more and replace the child).
  ProgramServer(Sandbox& sandbox, AfterRun after_run, size_t max_ops);
  ~ProgramServer();
  ProgramServer(const ProgramServer&) = delete;
  ProgramServer& operator=(const ProgramServer&) = delete;

  // As run_program(): `program`, then `twin` (null: none) in a second fresh root after a
  // kRunOk run. ConcurrentOptions' after_run and then_* are not used (see above).
  ConcurrentRun run(const Program& program, const Program* twin, const ConcurrentOptions& options);
  // run() in two halves: start() hands the program to the child and returns at once;
  // finish() waits for it. `program` and `twin` must live until finish().
  void start(const Program& program, const Program* twin, const ConcurrentOptions& options);
  ConcurrentRun finish();

 private:
  int serve(const SandboxEnv& env);  // in the child

  Sandbox& sandbox_;
  AfterRun after_run_;
  std::byte* mailbox_ = nullptr;
  HistoryBuffer buffer_, twin_buffer_;
  Program program_, twin_;  // the child's decoded copies
  // The run between start() and finish().
  const Program* started_ = nullptr;
  const Program* started_twin_ = nullptr;
  ConcurrentOptions started_options_;
  bool forked_ = false;  // too large to serve: run_program at finish()
  RunStatus begin_status_;
  bool begun_ = false;
  std::unique_ptr<WorkerPool> pool_;  // the child's workers
};

}  // namespace nfz
