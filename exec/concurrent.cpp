#include "exec/concurrent.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "exec/clock.hpp"
#include "exec/inject.hpp"
#include "exec/issue.hpp"
#include "exec/peer_wait.hpp"
#include "exec/shared_ring.hpp"
#include "exec/syscall_backend.hpp"
#include "exec/uring_backend.hpp"
#include "exec/worker_pool.hpp"

namespace nfz {
namespace {

constexpr int kInterruptSignal = SIGUSR2;
constexpr int64_t kGiveUpGraceNs = 1'500'000'000;  // after the deadline's interrupt or cancel

void on_interrupt(int) {}

// Installed without SA_RESTART: the signal makes an interruptible wait return EINTR.
void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(kInterruptSignal, &sa, nullptr);
}

// What the coordinator and one worker share; one cache line each, so workers never
// write to a line another worker writes.
struct alignas(64) WorkerState {
  std::atomic<int64_t> op_started{0};  // 0: between ops
  std::atomic<bool> via_syscall{false};
  std::atomic<bool> interrupted{false};
  std::atomic<bool> finished{false};
  std::atomic<pid_t> tid{0};
  // Set by the coordinator: the op waits for a FIFO peer, end it now (its ring reads it).
  std::atomic<bool> cut{false};
  int64_t interrupted_at = 0;  // coordinator only
  int64_t probed_op = 0;       // coordinator only: the op_started of the op being probed,
  int64_t probe_age = 0;       // the age at which it is probed next,
  bool peer_waiting = false;   // and whether it was seen waiting for a FIFO peer
};

// Workers count themselves out here and wake the coordinator, which otherwise sleeps
// until the nearest deadline: waiting costs nothing while the ops run.
class FinishLine {
 public:
  void cross() {
    finished_.fetch_add(1, std::memory_order_release);
    syscall(SYS_futex, &finished_, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  }
  uint32_t crossed() const { return finished_.load(std::memory_order_acquire); }
  // Sleeps until a worker crosses after `seen` were counted, or for `ns`.
  void wait(uint32_t seen, int64_t ns) {
    timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    syscall(SYS_futex, &finished_, FUTEX_WAIT_PRIVATE, seen, &ts, nullptr, 0);
  }

 private:
  std::atomic<uint32_t> finished_{0};
};

struct Phase {
  const SandboxEnv& env;
  const ConcurrentOptions& options;
  HistoryBuffer& buffer;
  FdTable& fds;
  SharedRing* shared = nullptr;  // RingMode::kShared
  bool use_uring = false;
};

// A worker's ring: its own (made here, or the pool worker's), or its index into the
// shared one.
class WorkerRing {
 public:
  std::string init(const Phase& phase, UringRing* pooled, bool* pooled_made) {
    if (!phase.use_uring || phase.shared) return {};
    if (pooled) {
      ring_ = pooled;
      if (*pooled_made) return {};
      *pooled_made = true;
      return pooled->init(/*high_fd=*/true);
    }
    own_ = std::make_unique<UringRing>();
    ring_ = own_.get();
    return own_->init();
  }
  void run_chain(const Phase& phase, int slot, std::span<const Op> chain, std::span<Event> events, int64_t deadline,
                 const std::atomic<bool>& cut) {
    if (phase.shared) phase.shared->run_chain(slot, chain, phase.fds, events, deadline, &cut);
    else ring_->run_chain(chain, phase.fds, events, deadline, &cut);
  }
  // Ends a ring of its own, in the thread that made it: IORING_SETUP_SINGLE_ISSUER refuses
  // IORING_UNREGISTER_FILES from any other task (-EEXIST, io_uring_register()), and the
  // ring's close would then leave its fixed files to io_ring_exit_work(), after the FUSE
  // oracles took their balance (on 6.1 a file closed from a fixed slot a second later still).
  void end() {
    own_.reset();
    ring_ = nullptr;
  }
  // A worker given up on may still be in the kernel on its ring: leave the ring to the exit.
  void abandon() { (void)own_.release(); }

 private:
  std::unique_ptr<UringRing> own_;
  UringRing* ring_ = nullptr;
};

// The hot loop: no allocation, no shared lock (with a ring of its own).
void work(const Phase& phase, int thread, int slot, const std::vector<Op>& ops, WorkerRing& ring,
          WorkerState& state, std::barrier<>& start, FinishLine& finish) {
  start.arrive_and_wait();
  HistoryBuffer& buffer = phase.buffer;
  const int64_t deadline = phase.options.op_deadline_ns;
  for (size_t i = 0; i < ops.size();) {
    const Op& op = ops[i];
    size_t end = i + 1;
    Event* ev = &buffer.event(thread, static_cast<uint32_t>(i));
    if (is_harness_action(op.kind)) {
      buffer.issuing(thread, static_cast<uint32_t>(end));
      run_harness_action(op, phase.env, *ev);
    } else if (op.issue.via == Via::kSyscall) {
      int64_t now = monotonic_ns();
      ev->call_ns = now;
      buffer.issuing(thread, static_cast<uint32_t>(end));
      state.via_syscall.store(true, std::memory_order_relaxed);
      state.cut.store(false, std::memory_order_relaxed);
      state.op_started.store(now, std::memory_order_release);
      run_syscall(op, phase.fds, *ev);
      state.op_started.store(0, std::memory_order_release);
      if (state.interrupted.exchange(false) && ev->result == -EINTR) {
        ev->return_ns = -1;
        ev->how = Completion::kHung;
        explain_hang(op, phase.fds, *ev);
      }
    } else {
      end = chain_end(ops, i);
      int64_t now = monotonic_ns();
      for (size_t k = i; k < end; ++k) ev[k - i].call_ns = now;
      buffer.issuing(thread, static_cast<uint32_t>(end));
      state.via_syscall.store(false, std::memory_order_relaxed);
      state.cut.store(false, std::memory_order_relaxed);
      state.op_started.store(now, std::memory_order_release);
      ring.run_chain(phase, slot, std::span<const Op>(ops).subspan(i, end - i), std::span<Event>(ev, end - i),
                     now + deadline, state.cut);
      state.op_started.store(0, std::memory_order_release);
      for (size_t k = i; k < end; ++k) explain_hang(ops[k], phase.fds, ev[k - i]);
    }
    buffer.done(thread, static_cast<uint32_t>(end));
    i = end;
  }
  state.finished.store(true, std::memory_order_release);
  finish.cross();
}

// Asks whether the worker's op waits for a FIFO peer (WorkerState::peer_waiting), at
// peer_probe_ns of its age, then at each doubling of it. Returns when to look at the
// worker next (0: not for this op).
int64_t probe_peer_wait(const Phase& phase, WorkerState& s, int64_t started, int64_t now) {
  const int64_t first = phase.options.peer_probe_ns;
  if (first <= 0 || phase.env.task_dir_fd < 0) return 0;
  if (s.probed_op != started) s.probed_op = started, s.probe_age = first, s.peer_waiting = false;
  if (s.peer_waiting || s.cut.load(std::memory_order_relaxed) || s.interrupted.load()) return 0;
  if (now - started < s.probe_age) return started + s.probe_age;
  s.peer_waiting = waits_for_peer(phase.env.task_dir_fd, s.tid.load(), !s.via_syscall.load());
  s.probe_age *= 2;
  return s.peer_waiting ? 0 : started + s.probe_age;
}

// Only another worker's op can be a FIFO wait's peer: once every worker still running
// waits for one, none comes, and each wait ends as its deadline would end it (the signal
// to a system call; for io_uring the flag its ring reads before each wait, and the signal
// that ends a wait already begun). A worker in any other op may still open the other end:
// the waits then go on, to their deadline at most. Each wait is asked again just before:
// a peer that came since the probe has woken it (its wchan is gone once it is woken).
// Returns whether it ended any.
bool end_peer_waits(const Phase& phase, std::vector<WorkerState>& states, const std::vector<bool>& given_up,
                    int64_t now) {
  bool any = false;
  for (size_t w = 0; w < states.size(); ++w) {
    WorkerState& s = states[w];
    if (s.finished.load(std::memory_order_acquire) || given_up[w]) continue;
    if (!s.peer_waiting || s.op_started.load(std::memory_order_acquire) != s.probed_op) return false;
    any = true;
  }
  if (!any) return false;
  for (size_t w = 0; w < states.size(); ++w) {
    WorkerState& s = states[w];
    if (s.finished.load(std::memory_order_acquire) || given_up[w]) continue;
    if (!waits_for_peer(phase.env.task_dir_fd, s.tid.load(), !s.via_syscall.load())) {
      s.peer_waiting = false;  // woken: probed again at its next age
      return false;
    }
  }
  for (size_t w = 0; w < states.size(); ++w) {
    WorkerState& s = states[w];
    if (s.finished.load(std::memory_order_acquire) || given_up[w] || !s.peer_waiting) continue;
    s.peer_waiting = false;
    if (s.via_syscall.load()) {
      s.interrupted.store(true);
      s.interrupted_at = now;
    } else {
      s.cut.store(true);
    }
    syscall(SYS_tgkill, getpid(), s.tid.load(), kInterruptSignal);
  }
  return true;
}

// Runs `lists` (thread index, ops) together and watches their deadlines. Returns false
// when a worker had to be abandoned (its thread is detached, still stuck in the kernel).
bool run_phase(const Phase& phase, const std::vector<std::pair<int, const std::vector<Op>*>>& lists,
               std::string& ring_error) {
  size_t n = lists.size();
  std::vector<WorkerState> states(n);
  std::vector<WorkerRing> rings(n);
  std::vector<std::string> ring_errors(n);
  // Each ring is made by the thread that uses it (IORING_SETUP_SINGLE_ISSUER binds it to
  // its creator), before the start barrier; a worker without its ring skips its ops.
  std::barrier<> made(static_cast<std::ptrdiff_t>(n + 1));
  std::barrier<> start(static_cast<std::ptrdiff_t>(n + 1));
  FinishLine finish;
  auto body = [&](size_t w, UringRing* pooled, bool* pooled_made) {
    pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
    states[w].tid.store(tid);
    phase.buffer.set_tid(lists[w].first, tid);
    ring_errors[w] = rings[w].init(phase, pooled, pooled_made);
    made.arrive_and_wait();
    if (!ring_errors[w].empty()) {
      rings[w].end();
      start.arrive_and_wait();
      states[w].finished.store(true, std::memory_order_release);
      finish.cross();
      return;
    }
    work(phase, lists[w].first, static_cast<int>(w), *lists[w].second, rings[w], states[w], start, finish);
    rings[w].end();
  };
  WorkerPool* pool = phase.options.pool;
  const auto group = !lists.empty() && lists[0].first == kSetupThread ? WorkerPool::Group::kSetup : WorkerPool::Group::kThreads;
  std::vector<std::thread> threads;
  if (pool) {
    for (size_t w = 0; w < n; ++w)
      pool->post(group, w, [&body, w](UringRing& ring, bool& made_ring) { body(w, &ring, &made_ring); });
  } else {
    threads.reserve(n);
    for (size_t w = 0; w < n; ++w) threads.emplace_back([&body, w] { body(w, nullptr, nullptr); });
  }
  auto join_all = [&](const std::vector<bool>& given_up) {
    for (size_t w = 0; w < n; ++w) {
      if (pool) {
        if (!given_up[w]) pool->wait_idle(group, w);
      } else if (given_up[w]) {
        rings[w].abandon();
        threads[w].detach();
      } else {
        threads[w].join();
      }
    }
  };
  made.arrive_and_wait();
  for (const auto& e : ring_errors)
    if (!e.empty()) ring_error = e;
  if (!ring_error.empty()) {  // nobody runs: release them and report
    start.arrive_and_wait();
    join_all(std::vector<bool>(n, false));
    return true;
  }
  start.arrive_and_wait();
  const int64_t deadline = phase.options.op_deadline_ns;
  bool all_back = true;
  std::vector<bool> given_up(n, false);
  for (;;) {
    uint32_t seen = finish.crossed();
    bool running = false;
    int64_t now = monotonic_ns();
    int64_t next = now + deadline;  // a worker between ops starts its next one soon
    for (size_t w = 0; w < n; ++w) {
      WorkerState& s = states[w];
      if (s.finished.load(std::memory_order_acquire) || given_up[w]) continue;
      running = true;
      int64_t started = s.op_started.load(std::memory_order_acquire);
      if (!started) {  // its next op starts soon, unseen: look again by its first probe
        if (phase.options.peer_probe_ns > 0) next = std::min(next, now + phase.options.peer_probe_ns);
        continue;
      }
      if (now - started <= deadline) {
        next = std::min(next, started + deadline + 1);
        if (int64_t probe = probe_peer_wait(phase, s, started, now); probe > 0) next = std::min(next, probe);
      } else if (s.via_syscall.load() && !s.interrupted.load()) {
        s.interrupted.store(true);
        s.interrupted_at = now;
        syscall(SYS_tgkill, getpid(), s.tid.load(), kInterruptSignal);
        next = std::min(next, started + deadline + kGiveUpGraceNs + 1);
      } else if (now - started > deadline + kGiveUpGraceNs) {
        given_up[w] = true;  // io_uring waits and cancels on its own; past that it is stuck
        all_back = false;
      } else {
        next = std::min(next, started + deadline + kGiveUpGraceNs + 1);
      }
    }
    if (!running) break;
    if (end_peer_waits(phase, states, given_up, now)) next = now + phase.options.peer_probe_ns;  // their next ops
    finish.wait(seen, std::max<int64_t>(next - now, 1'000'000));
  }
  join_all(given_up);
  return all_back;
}

}  // namespace

int run_concurrent(const Program& program, const SandboxEnv& env, const ConcurrentOptions& options,
                   HistoryBuffer& buffer) {
  install_interrupt_handler();
  inject::apply_fuse_faults(program, env);
  // Abandoned workers may still hold `fds` and the rings: they are left to _exit then.
  auto fds = std::make_unique<FdTable>();
  Phase phase{env, options, buffer, *fds};
  phase.use_uring = needs_uring(program);
  std::unique_ptr<SharedRing> shared;
  std::string ring_error;
  auto make_shared = [&](int threads) {
    if (!phase.use_uring || options.ring != RingMode::kShared) return;
    shared = std::make_unique<SharedRing>();
    ring_error = shared->init(threads);
    phase.shared = shared.get();
  };
  auto no_uring = [&] {
    fprintf(stderr, "nameifuzz: io_uring: %s\n", ring_error.c_str());
    return kRunNoUring;
  };
  auto hung = [&] {
    (void)fds.release();
    (void)shared.release();
    return kRunHung;
  };
  if (!program.setup.empty()) {
    make_shared(1);
    if (!ring_error.empty()) return no_uring();
    if (!run_phase(phase, {{kSetupThread, &program.setup}}, ring_error)) return hung();
    if (!ring_error.empty()) return no_uring();
  }
  std::vector<std::pair<int, const std::vector<Op>*>> lists;
  for (size_t t = 0; t < program.threads.size(); ++t) lists.emplace_back(static_cast<int>(t), &program.threads[t]);
  shared.reset();  // every setup worker came back (else kRunHung above)
  if (!lists.empty()) {  // a shared ring of no thread is no ring (io_uring_setup(0): EINVAL)
    make_shared(static_cast<int>(lists.size()));
    if (!ring_error.empty()) return no_uring();
    if (!run_phase(phase, lists, ring_error)) return hung();
    if (!ring_error.empty()) return no_uring();
  }
  shared.reset();
  fds->close_plain();  // everyone is back: nothing of the run holds the target now
  return kRunOk;
}

Watchdog run_watchdog(const HistoryBuffer& buffer, const HistoryBuffer* then, int64_t op_deadline_ns) {
  Watchdog watchdog;
  watchdog.progress = [&buffer, then] { return buffer.progress() + (then ? then->progress() : 0); };
  // Past the child's own deadline handling, and past the longest sleep an op may ask for.
  watchdog.stall_ns = 2 * op_deadline_ns + int64_t{kMaxSleepMicros} * 1000 + 1'000'000'000;
  return watchdog;
}

void collect_run(ConcurrentRun& run, const Program& program, const HistoryBuffer& buffer, const Program* then,
                 const HistoryBuffer* then_buffer, const std::string& target, RingMode ring) {
  run.code = run.status.stalled ? kRunHung : run.status.exit_code;
  run.history = buffer.collect(program, target);
  run.history.shared_ring = ring == RingMode::kShared;
  if (then && then_buffer->started()) run.then_history = then_buffer->collect(*then, target);
}

ConcurrentRun run_program(Sandbox& sandbox, const Program& program, const ConcurrentOptions& options,
                          HistoryBuffer& buffer) {
  buffer.reset(program);
  const bool then = options.then_program && options.then_buffer && sandbox.second_root_in_run();
  if (then) options.then_buffer->reset(*options.then_program);
  ConcurrentRun run;
  run.status = sandbox.run(
      [&](const SandboxEnv& env) {
        int code = run_concurrent(program, env, options, buffer);
        if (options.after_run) options.after_run(env, code);
        if (then && code == kRunOk && env.fresh_root && env.fresh_root()) {
          ConcurrentOptions second = options;
          second.after_run = nullptr;
          run_concurrent(*options.then_program, env, second, *options.then_buffer);
        }
        return code;
      },
      run_watchdog(buffer, then ? options.then_buffer : nullptr, options.op_deadline_ns));
  collect_run(run, program, buffer, then ? options.then_program : nullptr, options.then_buffer, sandbox.target().name,
              options.ring);
  return run;
}

}  // namespace nfz
