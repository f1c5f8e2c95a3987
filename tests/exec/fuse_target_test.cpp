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

}  // namespace
}  // namespace nfz::test
