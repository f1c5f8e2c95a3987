// A sandbox child that runs ops sent to it one at a time, keeping its fd registers and
// io_uring between ops: the "system under test" of the stateful property, which needs
// the kernel's answer to each op before it picks the next. Test-only helper.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <thread>

#include "core/text.hpp"
#include "exec/clock.hpp"
#include "exec/sandbox.hpp"
#include "exec/syscall_backend.hpp"
#include "exec/uring_backend.hpp"
#include "model/lookup/sequential_check.hpp"

namespace nfz::model::testing {

inline constexpr int32_t kServerGone = INT32_MIN + 1;

class OpServer {
 public:
  static constexpr int64_t kDeadlineNs = 50'000'000;  // a FIFO open with no peer waits

  // Starts the child in `sandbox` (a fresh instance of its target). Returns why not, or "".
  std::string start(Sandbox& sandbox) {
    if (pipe2(to_child_, O_CLOEXEC) != 0 || pipe2(from_child_, O_CLOEXEC) != 0) return "pipe failed";
    thread_ = std::thread([this, &sandbox] { status_ = sandbox.run([this](const SandboxEnv&) { return serve(); }); });
    char ready = 0;
    if (!read_all(from_child_[0], &ready, 1) || ready != 'R') return "the op server did not start";
    close(to_child_[0]);  // the child has its copies now; ours would hide its exit
    close(from_child_[1]);
    to_child_[0] = from_child_[1] = -1;
    return {};
  }

  // The op's result as the model speaks it (observed_result()), or kServerGone.
  int32_t run(const Op& op) {
    std::string line = print_op(op);
    uint32_t n = static_cast<uint32_t>(line.size());
    if (!write_all(to_child_[1], &n, sizeof n) || !write_all(to_child_[1], line.data(), n)) return kServerGone;
    int32_t result = 0;
    return read_all(from_child_[0], &result, sizeof result) ? result : kServerGone;
  }

  ~OpServer() {
    for (int fd : {to_child_[0], to_child_[1], from_child_[0], from_child_[1]})
      if (fd >= 0) close(fd);
    if (thread_.joinable()) thread_.join();
  }

 private:
  static bool write_all(int fd, const void* p, size_t n) {
    const char* c = static_cast<const char*>(p);
    while (n) {
      ssize_t w = write(fd, c, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      c += w, n -= static_cast<size_t>(w);
    }
    return true;
  }
  static bool read_all(int fd, void* p, size_t n) {
    char* c = static_cast<char*>(p);
    while (n) {
      ssize_t r = read(fd, c, n);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      c += r, n -= static_cast<size_t>(r);
    }
    return true;
  }

  static void on_alarm(int) {}

  // A syscall still waiting at the deadline is interrupted (SIGALRM without SA_RESTART).
  static void run_syscall_with_deadline(const Op& op, FdTable& fds, Event& ev) {
    struct sigaction sa {};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, nullptr);
    itimerval t{};
    t.it_value.tv_usec = kDeadlineNs / 1000;
    setitimer(ITIMER_REAL, &t, nullptr);
    run_syscall(op, fds, ev);
    int64_t took = ev.return_ns - ev.call_ns;
    itimerval off{};
    setitimer(ITIMER_REAL, &off, nullptr);
    if (ev.result == -EINTR && took >= kDeadlineNs) ev.return_ns = -1, ev.how = Completion::kHung;
  }

  // In the sandbox child.
  int serve() {
    close(to_child_[1]);
    close(from_child_[0]);
    FdTable fds;
    UringRing ring;
    if (!ring.init().empty()) return 3;
    if (!write_all(from_child_[1], "R", 1)) return 2;
    for (;;) {
      uint32_t n = 0;
      if (!read_all(to_child_[0], &n, sizeof n) || n > kMaxLineLength) return 0;
      std::string line(n, '\0');
      if (!read_all(to_child_[0], line.data(), n)) return 0;
      auto parsed = parse_op(line, "op-server", 1);
      if (!std::holds_alternative<Op>(parsed)) return 2;
      const Op op = std::get<Op>(parsed);
      Event ev;
      if (op.issue.via == Via::kSyscall) run_syscall_with_deadline(op, fds, ev);
      else ring.run_chain(std::span<const Op>(&op, 1), fds, std::span<Event>(&ev, 1), monotonic_ns() + kDeadlineNs);
      int32_t result = observed_result(ev);
      if (!write_all(from_child_[1], &result, sizeof result)) return 0;
    }
  }

  int to_child_[2] = {-1, -1};
  int from_child_[2] = {-1, -1};
  std::thread thread_;
  RunStatus status_;
};

}  // namespace nfz::model::testing
