// When and where the run's threads slept: one sample per sched_switch that took a thread
// off the CPU in a sleeping state, with the kernel stack at that moment (a `stacktrace`
// trigger on sched:sched_switch in a tracefs instance of ours, exec/kernel). The
// nonblock oracles use it to say why a NOBLOCK path slept.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nfz {

struct SleepSample {
  int32_t tid = 0;
  int64_t at_ns = 0;  // CLOCK_MONOTONIC (the instance's trace_clock is "mono")
  char state = 'S';   // prev_state: S interruptible, D uninterruptible, ...
  std::vector<std::string> frames;  // innermost first, e.g. "schedule", "io_schedule", ...
};

// Why a thread slept, from its stack, in the classes a finding's title carries so that a
// user can suppress one class and keep the others (docs/ORACLES.md, nonblock.issue).
enum class SleepClass : uint8_t {
  kFuse,     // waiting for a FUSE reply (request_wait_answer)
  kIo,       // block IO: io_schedule, buffer or folio waits (the seed mail's ext4_lookup)
  kReclaim,  // memory reclaim or cgroup throttling ("allocations etc can still block")
  kLock,     // a sleeping lock: rwsem, mutex, d_wait_lookup
  kOther,
  kUnknown,  // no stack was available
};

// io_uring:io_uring_queue_async_work: the kernel handed a request to io-wq. Logged in the
// context that queued it (the submitter, for a punt at issue or at prep), so a request
// whose submitter logged one during its submit was punted, however fast it completed.
struct PuntSample {
  int32_t tid = 0;
  int64_t at_ns = 0;
  uint64_t user_data = 0;
};

// The trace prints times in microseconds: a sample stamped up to this much before an op's
// call may belong to it.
inline constexpr int64_t kTraceResolutionNs = 1000;

SleepClass classify_sleep(const SleepSample& sample);
std::string_view sleep_class_name(SleepClass c);

}  // namespace nfz
