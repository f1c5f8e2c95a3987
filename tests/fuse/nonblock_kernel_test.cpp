// The NOBLOCK oracles on the real kernel. An io_uring inline open on the FUSE observer
// makes the submitter wait for FUSE_OPEN: the walk is cached, but the ->open after it
// runs in blocking mode (io_openat2() -> do_filp_open() -> fuse_open()). nonblock.issue
// must flag it, with its cause; the same open on tmpfs must pass.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>

#include "exec/clock.hpp"
#include "exec/fuse/observer_fs.hpp"
#include "exec/kernel/cached_probe.hpp"
#include "exec/kernel/sleep_tracer.hpp"
#include "exec/uring_backend.hpp"
#include "oracles/nonblock/nonblock.hpp"

namespace nfz {
namespace {

constexpr const char* kRoot = "/run/nameifuzz";

// Runs `body` in a child with a private mount namespace, a tmpfs at /run/nameifuzz and the
// FUSE observer at /run/nameifuzz/obs. The ops here are fixed, so no chroot is needed,
// and the child can reach /dev/fuse and tracefs directly. Exit code 0 = checks held.
int in_private_namespace(const fuse::ObserverOptions& options,
                         const std::function<int(fuse::ObserverFs&, kernel::SleepTracer&)>& body) {
  fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) _exit(77);
    mkdir(kRoot, 0700);
    if (mount("nameifuzz-test", kRoot, "tmpfs", 0, "size=16m") != 0) _exit(77);
    mkdir("/run/nameifuzz/obs", 0755);
    int code = 77;
    {  // destructors must run before _exit: the tracefs instance outlives the process
      kernel::SleepTracer tracer;
      std::string why = tracer.start(/*may_mount=*/true);
      if (!why.empty()) fprintf(stderr, "sleep stacks skipped: %s\n", why.c_str());
      fuse::ObserverFs fs;
      if (fs.mount("/run/nameifuzz/obs", options).empty()) code = body(fs, tracer);
    }
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Issues `line` through io_uring on this thread and returns its one-event History.
History issue_one(const char* line) {
  History h;
  h.target = "test";
  h.ops = {{}, {std::get<Op>(parse_op(line, "test", 1))}};
  h.tids = {0, static_cast<int32_t>(syscall(SYS_gettid))};
  UringRing ring;
  ring.init();
  FdTable fds;
  Event e;
  ring.run_chain(std::span<const Op>(h.ops[1]), fds, std::span<Event>(&e, 1), monotonic_ns() + 5'000'000'000);
  e.thread = 0;
  h.events.push_back(e);
  return h;
}

bool root() { return geteuid() == 0; }

TEST(NonblockKernel, InlineOpenOnFuseWaitsForFuseOpenAndIsFlagged) {
  if (!root()) GTEST_SKIP() << "needs root for mount namespaces and FUSE";
  fuse::ObserverOptions options;  // strict: the dentry stays cached, the walk stays in RCU
  options.faults[static_cast<int>(FuseOp::kOpen)] = {.latency_min_us = 20'000, .latency_max_us = 20'000};
  int code = in_private_namespace(options, [](fuse::ObserverFs& fs, kernel::SleepTracer& tracer) {
    close(open("/run/nameifuzz/obs/f", O_CREAT | O_WRONLY, 0644));
    struct stat st;
    stat("/run/nameifuzz/obs/f", &st);
    fs.take_trace();
    tracer.collect();
    History h = issue_one("f0 = open(\"/run/nameifuzz/obs/f\", O_RDONLY) [uring]");
    FuseTrace trace = fs.take_trace();
    std::vector<SleepSample> sleeps = tracer.collect().sleeps;
    auto r = oracles::check_nonblock_issue({h, &trace, tracer.active() ? &sleeps : nullptr});
    for (const auto& v : r.violations) fprintf(stderr, "%s: %s\n", v.title.c_str(), v.detail.c_str());
    bool ok = h.events[0].result >= 0 && r.checks == 1 && r.violations.size() == 1 &&
              r.violations[0].title == "nonblock.issue: io_uring inline open slept (fuse:OPEN)";
    return ok ? 0 : 1;
  });
  if (code == 77) GTEST_SKIP() << "no FUSE or mount namespace here";
  EXPECT_EQ(code, 0);
}

TEST(NonblockKernel, InlineOpenOnTmpfsDoesNotSleep) {
  if (!root()) GTEST_SKIP() << "needs root for mount namespaces";
  int code = in_private_namespace({}, [](fuse::ObserverFs&, kernel::SleepTracer& tracer) {
    close(open("/run/nameifuzz/f", O_CREAT | O_WRONLY, 0644));
    tracer.collect();
    History h = issue_one("f0 = open(\"/run/nameifuzz/f\", O_RDONLY) [uring]");
    auto samples = tracer.collect();
    if (tracer.active()) oracles::reclassify_completions(h, samples.punts);
    auto r = oracles::check_nonblock_issue({h, nullptr, tracer.active() ? &samples.sleeps : nullptr});
    return h.events[0].result >= 0 && h.events[0].how == Completion::kInline && r.checks == 1 && r.violations.empty()
               ? 0 : 1;
  });
  if (code == 77) GTEST_SKIP() << "no mount namespace here";
  EXPECT_EQ(code, 0);
}

// A cold name under RESOLVE_CACHED is -EAGAIN with no LOOKUP sent: the walk stays in RCU.
TEST(NonblockKernel, CachedOpenOfAnUnknownNameSendsNoLookup) {
  if (!root()) GTEST_SKIP() << "needs root";
  int code = in_private_namespace({}, [](fuse::ObserverFs& fs, kernel::SleepTracer&) {
    fs.take_trace();
    History h = issue_one("openat2(\"/run/nameifuzz/obs/never\", O_RDONLY, 0, RESOLVE_CACHED) [uring]");
    FuseTrace trace = fs.take_trace();
    auto r = oracles::check_nonblock_walk({h, &trace});
    int lookups = 0;
    for (const auto& req : trace.requests) lookups += req.op == FuseOp::kLookup;
    return h.events[0].result == -EAGAIN && lookups == 0 && r.violations.empty() ? 0 : 1;
  });
  if (code == 77) GTEST_SKIP() << "no FUSE here";
  EXPECT_EQ(code, 0);
}

// io_uring_queue_async_work tells punted from inline: an IOSQE_ASYNC open and an O_CREAT
// open (forced to io-wq at prep) are punted, a cached plain open is not, whatever the
// completion queue showed when the submit returned.
TEST(NonblockKernel, PuntsAreReadFromTheKernel) {
  if (!root()) GTEST_SKIP() << "needs root";
  int code = in_private_namespace({}, [](fuse::ObserverFs&, kernel::SleepTracer& tracer) {
    if (!tracer.active()) return 77;
    close(open("/run/nameifuzz/f", O_CREAT | O_WRONLY, 0644));
    const char* lines[] = {"f0 = open(\"/run/nameifuzz/f\", O_RDONLY) [uring-async]",
                           "f0 = open(\"/run/nameifuzz/g\", O_WRONLY|O_CREAT, 0644) [uring]",
                           "f0 = open(\"/run/nameifuzz/f\", O_RDONLY) [uring]"};
    Completion want[] = {Completion::kPunted, Completion::kPunted, Completion::kInline};
    for (int i = 0; i < 3; ++i) {
      tracer.collect();
      History h = issue_one(lines[i]);
      auto punts = tracer.collect().punts;
      oracles::reclassify_completions(h, punts);
      if (h.events[0].how != want[i]) {
        fprintf(stderr, "%s: call %ld return %ld tid %d how %d\n", lines[i], (long)h.events[0].call_ns,
                (long)h.events[0].return_ns, h.tids[1], (int)h.events[0].how);
        for (const auto& p : punts) fprintf(stderr, "  punt tid %d at %ld\n", p.tid, (long)p.at_ns);
        return 10 + i;
      }
    }
    return 0;
  });
  if (code == 77) GTEST_SKIP() << "tracefs not available";
  EXPECT_EQ(code, 0);
}

// The tracer sees a sleep placed on purpose inside a measured window, with its stack.
TEST(NonblockKernel, SleepTracerAttributesADeliberateSleep) {
  if (!root()) GTEST_SKIP() << "needs root";
  int code = in_private_namespace({}, [](fuse::ObserverFs&, kernel::SleepTracer& tracer) {
    if (!tracer.active()) return 77;
    tracer.collect();
    timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    usleep(20'000);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    auto sleeps = tracer.collect().sleeps;
    int32_t tid = static_cast<int32_t>(syscall(SYS_gettid));
    int64_t from = t0.tv_sec * 1'000'000'000LL + t0.tv_nsec, to = t1.tv_sec * 1'000'000'000LL + t1.tv_nsec;
    for (const auto& s : sleeps)
      if (s.tid == tid && s.at_ns >= from && s.at_ns <= to && !s.frames.empty()) {
        bool nanosleep = false;
        for (const auto& f : s.frames) nanosleep |= f.find("nanosleep") != std::string::npos;
        return nanosleep ? 0 : 2;
      }
    return 1;
  });
  if (code == 77) GTEST_SKIP() << "tracefs not available";
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace nfz

namespace nfz {
namespace {

// cached.complete on tmpfs: every plain open's RESOLVE_CACHED twin succeeds, O_DIRECTORY
// ones included (the 2023 bug is fixed in this kernel), and the probe skips what cannot
// be re-opened.
TEST(NonblockKernel, CachedTwinsSucceedOnTmpfs) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  int code = in_private_namespace({}, [](fuse::ObserverFs&, kernel::SleepTracer&) {
    mkdir("/run/nameifuzz/d", 0755);
    close(open("/run/nameifuzz/d/f", O_CREAT | O_WRONLY, 0644));
    symlink("d", "/run/nameifuzz/s");
    History h;
    h.ops = {{}, {}};
    for (const char* line : {"f0 = open(\"/run/nameifuzz/d\", O_RDONLY|O_DIRECTORY)",
                             "f1 = open(\"/run/nameifuzz/d/f\", O_RDWR|O_CREAT, 0644)",
                             "f2 = open(\"/run/nameifuzz/s/f\", O_RDONLY|O_PATH)",
                             "open(\"/run/nameifuzz/gone\", O_RDONLY)"}) {
      h.ops[1].push_back(std::get<Op>(parse_op(line, "t", 1)));
      Event e;
      e.index = static_cast<uint32_t>(h.events.size());
      e.return_ns = 1;
      e.result = 3;  // pretend every one succeeded: "gone" must be skipped, not judged
      h.events.push_back(e);
    }
    auto probes = kernel::probe_cached_twins(h, 16, oracles::cached_twin);
    oracles::OracleResult all;
    for (const auto& p : probes) all.merge(oracles::judge_cached_twin(p.original, p.twin, p.result));
    for (const auto& v : all.violations) fprintf(stderr, "%s\n", v.title.c_str());
    return probes.size() == 3 && all.violations.empty() ? 0 : 1;
  });
  if (code == 77) GTEST_SKIP() << "no mount namespace";
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace nfz
