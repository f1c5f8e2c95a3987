#include "exec/sequential.hpp"

#include <cerrno>
#include <csignal>
#include <ctime>
#include <sys/time.h>
#include <unistd.h>

#include "exec/clock.hpp"
#include "exec/inject.hpp"
#include "exec/issue.hpp"
#include "exec/link_probe.hpp"
#include "exec/syscall_backend.hpp"
#include "exec/uring_backend.hpp"

namespace nfz {
namespace {

volatile sig_atomic_t g_deadline_hit = 0;
void on_alarm(int) { g_deadline_hit = 1; }

// A SIGALRM without SA_RESTART interrupts a blocking syscall (a FIFO open) with EINTR.
class SyscallDeadline {
 public:
  explicit SyscallDeadline(int64_t ns) {
    struct sigaction sa {};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, &old_);
    g_deadline_hit = 0;
    itimerval t{};
    t.it_value = {static_cast<time_t>(ns / 1'000'000'000), static_cast<suseconds_t>(ns % 1'000'000'000 / 1000)};
    setitimer(ITIMER_REAL, &t, nullptr);
  }
  ~SyscallDeadline() {
    itimerval off{};
    setitimer(ITIMER_REAL, &off, nullptr);
    sigaction(SIGALRM, &old_, nullptr);
  }
  bool hit() const { return g_deadline_hit != 0; }

 private:
  struct sigaction old_ {};
};

}  // namespace

std::string run_sequential(const Program& program, const SandboxEnv& env, const SequentialOptions& options,
                           History& history, const std::function<void(const Event&)>& on_event) {
  UringRing ring;
  if (needs_uring(program))
    if (std::string why = ring.init(); !why.empty()) return why;
  FdTable fds;
  inject::apply_fuse_faults(program, env);
  history.target = env.target;
  history.link_rule = kernel_link_rule();
  history.ops.clear();
  history.ops.push_back(program.setup);
  for (const auto& t : program.threads) history.ops.push_back(t);
  std::array<Event, kMaxChain> chain_events;
  for (size_t t = 0; t < history.ops.size(); ++t) {
    const std::vector<Op>& ops = history.ops[t];
    for (size_t i = 0; i < ops.size();) {
      const Op& op = ops[i];
      size_t end = i + 1;
      chain_events.fill(Event{});
      std::span<Event> events(chain_events.data(), 1);
      if (is_harness_action(op.kind)) {
        run_harness_action(op, env, events[0]);
      } else if (op.issue.via == Via::kSyscall) {
        SyscallDeadline deadline(options.op_deadline_ns);
        run_syscall(op, fds, events[0]);
        if (deadline.hit() && events[0].result == -EINTR) events[0].return_ns = -1, events[0].how = Completion::kHung;
        explain_hang(op, fds, events[0]);
      } else {
        end = chain_end(ops, i);
        events = std::span<Event>(chain_events.data(), end - i);
        ring.run_chain(std::span<const Op>(ops).subspan(i, end - i), fds, events,
                       monotonic_ns() + options.op_deadline_ns);
        for (size_t k = 0; k < events.size(); ++k) explain_hang(ops[i + k], fds, events[k]);
      }
      for (size_t k = 0; k < events.size(); ++k) {
        events[k].thread = static_cast<int32_t>(t) - 1;
        events[k].index = static_cast<uint32_t>(i + k);
        history.events.push_back(events[k]);
        on_event(events[k]);
      }
      i = end;
    }
  }
  return {};
}

}  // namespace nfz
