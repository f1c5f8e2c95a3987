// Runs a Program's ops one at a time on the calling thread: setup, then thread 0's ops,
// thread 1's, ... Each op is issued as its reproducer line says (syscall, io_uring inline
// or async, linked chains, fixed slots). Used by `replay` and differential testing.
#pragma once

#include <functional>
#include <string>

#include "core/history.hpp"
#include "exec/sandbox.hpp"

namespace nfz {

struct SequentialOptions {
  int64_t op_deadline_ns = 2'000'000'000;  // past it an op is hung (a FIFO open with no peer)
};

// Calls `on_event` after each op (or linked chain). Returns why io_uring could not be
// used if the program needs it, or "".
std::string run_sequential(const Program& program, const SandboxEnv& env, const SequentialOptions& options,
                           History& history, const std::function<void(const Event&)>& on_event);

}  // namespace nfz
