// Runs a Program's threads truly concurrently on the real kernel (docs/EXECUTOR.md): setup alone,
// then one worker thread per program thread, released together by a barrier so that
// their ops overlap. Each worker issues its ops as the program says (syscall, io_uring
// inline, IOSQE_ASYNC, linked chains, fixed-file slots), through a ring of its own or one
// ring shared by all workers.
//
// The hot loop allocates nothing and takes no lock shared between workers: events are
// written in place into the HistoryBuffer, the fd registers are atomic words, each worker
// has its own ring. A coordinator (the sandbox child's main thread) watches per-op
// deadlines (asleep on a futex until a worker finishes or a deadline is due): a syscall past its deadline is interrupted by a signal to its thread (a FIFO
// open waiting for a peer, fifo(7)); io_uring ops are cancelled by their worker; a worker
// that does not come back is abandoned and its op recorded as hung.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/program.hpp"
#include "exec/history_buffer.hpp"
#include "exec/sandbox.hpp"

namespace nfz {

class WorkerPool;

enum class RingMode : uint8_t { kPerThread, kShared };

struct ConcurrentOptions {
  int64_t op_deadline_ns = 2'000'000'000;
  // An op still running this long is asked whether it waits for a FIFO peer, again at
  // twice the age, and so on to its deadline; one that does is interrupted or cancelled
  // then, as at its deadline (exec/peer_wait.hpp). 0: every op waits for its deadline.
  int64_t peer_probe_ns = 1'000'000;
  RingMode ring = RingMode::kPerThread;
  // Runs in the sandbox child after the program, still chrooted in the target, with the
  // run's kRun* code: what an oracle must look at before the instance goes (the FUSE
  // observer's trace, RESOLVE_CACHED probes). After kRunOk every fd the run opened is
  // closed and its rings are gone, so the target is quiescent.
  std::function<void(const SandboxEnv&, int code)> after_run;
  // Where Sandbox::second_root_in_run(): a second program run in the same child after a kRunOk run (and
  // after_run), in a fresh root of its own (SandboxEnv::fresh_root), recorded into its own
  // buffer: the stress loop's syscall twin without a second fork.
  const Program* then_program = nullptr;
  HistoryBuffer* then_buffer = nullptr;
  // Workers (threads and their rings) kept from run to run (a served child's); null: the
  // run makes its own.
  WorkerPool* pool = nullptr;
};

// Result codes of a concurrent run in the sandbox child.
inline constexpr int kRunOk = 0;
inline constexpr int kRunHung = 3;  // an op hung and its worker had to be abandoned
inline constexpr int kRunNoUring = 4;

// Runs `program` in the calling process (the sandbox child), recording into `buffer`
// (reset for this program by the parent before the fork). Returns a kRun* code.
int run_concurrent(const Program& program, const SandboxEnv& env, const ConcurrentOptions& options,
                   HistoryBuffer& buffer);

// One program on one sandbox: fork, run, collect. `status` tells a stalled/abandoned run.
struct ConcurrentRun {
  History history;
  std::optional<History> then_history;  // ConcurrentOptions::then_program, when it ran
  RunStatus status;
  int code = kRunOk;  // run_concurrent's, or kExitEnvironment
};
ConcurrentRun run_program(Sandbox& sandbox, const Program& program, const ConcurrentOptions& options,
                          HistoryBuffer& buffer);

// For the runners of programs (run_program, ProgramServer): the watchdog of a run recording
// into `buffer` (and `then`), and its ConcurrentRun once the sandbox says how it ended.
Watchdog run_watchdog(const HistoryBuffer& buffer, const HistoryBuffer* then, int64_t op_deadline_ns);
void collect_run(ConcurrentRun& run, const Program& program, const HistoryBuffer& buffer, const Program* then,
                 const HistoryBuffer* then_buffer, const std::string& target, RingMode ring);

}  // namespace nfz
