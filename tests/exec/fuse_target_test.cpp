// The FUSE observer as a target: a run stuck on a request its own (killed) serving threads
// will never answer cannot die by itself (FUSE's self-deadlock, request_wait_answer());
// the parent aborts its connection through fusectl and the run ends, instead of being
// abandoned in the kernel.
#include <sys/stat.h>

#include <atomic>
#include <ctime>
#include <thread>

#include "exec/clock.hpp"
#include "exec/fuse/observer_fs.hpp"
#include "exec/issue.hpp"
#include "tests/exec/sandbox_helpers.hpp"

namespace nfz::test {
namespace {

TEST(FuseTarget, AKilledRunStuckOnItsOwnObserverIsFreed) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces and FUSE mounts";
  if (access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
  std::string why;
  auto sandbox = open_sandbox("fuse:strict", why);
  ASSERT_TRUE(sandbox) << why;
  Watchdog watchdog;
  watchdog.progress = [] { return uint64_t{0}; };  // never progresses: killed after stall_ns
  watchdog.stall_ns = 200'000'000;
  int64_t start = monotonic_ns();
  RunStatus status = sandbox->run(
      [](const SandboxEnv& env) {
        FuseFault slow{FuseFault::Kind::kLatency, FuseOp::kLookup, kMaxFaultLatencyUs, kMaxFaultLatencyUs, 0, 0};
        env.observer->set_faults({slow});
        struct stat st;
        stat("/absent", &st);  // the observer sleeps 10 s on this LOOKUP; we are killed first
        return 0;
      },
      watchdog);
  int64_t took_ms = (monotonic_ns() - start) / 1'000'000;
  EXPECT_TRUE(status.stalled);
  EXPECT_FALSE(status.abandoned) << "the run stayed stuck in the kernel";
  EXPECT_LT(took_ms, 1500);
  // The observer still works for the next run.
  EXPECT_EQ(sandbox->run([](const SandboxEnv&) { return mkdir("/d", 0755) == 0 ? 0 : 1; }).exit_code, 0);
  sandbox.reset();
  EXPECT_TRUE(our_host_mounts().empty()) << our_host_mounts().front();
}

// The run's body returns while another of its threads waits for an answer the observer
// is still sleeping on: ending the run aborts the connection (fusectl), which fails the
// waiting request, so the run exits at once and leaves no mount behind.
TEST(FuseTarget, ARunEndingWithARequestInFlightUnmountsCleanly) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces and FUSE mounts";
  if (access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
  std::string why;
  auto sandbox = open_sandbox("fuse:strict", why);
  ASSERT_TRUE(sandbox) << why;
  int64_t start = monotonic_ns();
  RunStatus status = sandbox->run([](const SandboxEnv& env) {
    FuseFault slow{FuseFault::Kind::kLatency, FuseOp::kLookup, kMaxFaultLatencyUs, kMaxFaultLatencyUs, 0, 0};
    env.observer->set_faults({slow});
    static std::atomic<bool> answered{false};
    std::thread([] {
      struct stat st;
      stat("/absent", &st);  // in flight for 10 s unless the connection goes
      answered = true;
    }).detach();
    timespec ts{0, 100'000'000};
    nanosleep(&ts, nullptr);
    return answered ? 1 : 0;  // still in flight as the run ends
  });
  int64_t took_ms = (monotonic_ns() - start) / 1'000'000;
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_FALSE(status.stalled);
  EXPECT_LT(took_ms, 1500) << "the run waited for the observer's answer";
  sandbox.reset();
  EXPECT_TRUE(our_host_mounts().empty()) << our_host_mounts().front();
}

int lookups_of(const FuseTrace& trace, const char* name) {
  int n = 0;
  for (const FuseRequest& r : trace.requests) n += r.op == FuseOp::kLookup && r.name == name;
  return n;
}

// revalidate, a program action: the observer has the kernel drop every entry it handed
// out (fuse_lowlevel_notify_inval_entry()), so in strict mode, where entries never expire,
// the next walk LOOKUPs the name again; without it, none does.
TEST(FuseTarget, RevalidateMakesTheKernelLookUpAgain) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces and FUSE mounts";
  if (access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
  std::string why;
  auto sandbox = open_sandbox("fuse:strict", why);
  ASSERT_TRUE(sandbox) << why;
  RunStatus status = sandbox->run([](const SandboxEnv& env) {
    struct stat st;
    if (mkdir("/d", 0755) != 0 || stat("/d", &st) != 0) return 10;
    env.observer->take_trace();
    if (stat("/d", &st) != 0 || lookups_of(env.observer->take_trace(), "d") != 0) return 11;  // cached for good
    Op revalidate;
    revalidate.kind = OpKind::kRevalidate;
    Event ev;
    run_harness_action(revalidate, env, ev);
    if (ev.result != 0) return 12;
    if (stat("/d", &st) != 0 || lookups_of(env.observer->take_trace(), "d") != 1) return 13;
    return 0;
  });
  EXPECT_EQ(status.exit_code, 0) << "10: setup, 11: a LOOKUP without revalidate, 12: result, 13: no LOOKUP after it";
}

}  // namespace
}  // namespace nfz::test
