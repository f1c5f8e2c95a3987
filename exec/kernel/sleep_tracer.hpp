// Records where this process's threads sleep: a tracefs instance of our own
// ("nameifuzz-<pid>") with sched:sched_switch filtered to sleeping switches
// (prev_state & (TASK_INTERRUPTIBLE|TASK_UNINTERRUPTIBLE)) of this process's tasks
// (set_event_pid + event-fork, so io-wq workers and later threads count too), and a
// `stacktrace` trigger that logs the kernel stack at each. The instance's clock is
// "mono", so samples line up with the History's CLOCK_MONOTONIC times. The same instance
// logs io_uring:io_uring_queue_async_work, which tells a punted request from an inline
// one whatever the completion queue showed.
#pragma once

#include <string>
#include <vector>

#include "core/sleep_trace.hpp"

namespace nfz::kernel {

class SleepTracer {
 public:
  SleepTracer() = default;
  SleepTracer(const SleepTracer&) = delete;
  SleepTracer& operator=(const SleepTracer&) = delete;
  ~SleepTracer();

  // Opens tracefs (mounting it at /sys/kernel/tracing when `may_mount`: only inside a
  // private mount namespace), removes stale instances of killed runs, creates ours and
  // starts tracing the calling thread and every task it or its threads create later.
  // Works across a later chroot (everything is relative to an fd). Returns why tracing
  // is not available (the nonblock oracles then report stacks as skipped), or "".
  std::string start(bool may_mount);
  bool active() const { return instance_fd_ >= 0; }

  // The samples since the last call (read from trace_pipe, which consumes them).
  struct Samples {
    std::vector<SleepSample> sleeps;
    std::vector<PuntSample> punts;
  };
  Samples collect();

 private:
  bool write_file(const char* path, const std::string& value);

  int tracefs_fd_ = -1;
  int instance_fd_ = -1;
  int pipe_fd_ = -1;
  std::string instance_;
};

// Parses an instance's `trace` text: sched_switch lines and the <stack trace> that
// follows each. Exposed for tests.
SleepTracer::Samples parse_sleep_trace(const std::string& text);

}  // namespace nfz::kernel
