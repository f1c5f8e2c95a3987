// bench-libs: nfz_exec nfz_kernel nfz_oracles
// The NOBLOCK oracles' measurement cost: the same inline io_uring opens and closes on a
// private tmpfs, side by side in one run, (a) with the History only and (b) with the
// tracefs instance on (sched_switch + stacktrace trigger, io_uring_queue_async_work),
// inline/punted read back from the kernel and nonblock.issue checked on every History.
// Usage: bench_nonblock_overhead [OPS]   (root: mount namespace, tracefs)
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "exec/clock.hpp"
#include "exec/kernel/sleep_tracer.hpp"
#include "exec/uring_backend.hpp"
#include "oracles/nonblock/nonblock.hpp"

using namespace nfz;

namespace {

constexpr int kBatch = 1000;  // ops per History, as a stress program would have

// Issues `ops` inline opens and closes in Histories of kBatch ops; returns ops/s.
double run(UringRing& ring, int ops, kernel::SleepTracer* tracer, uint64_t& checks, uint64_t& violations) {
  History h;
  h.ops = {{}, {}};
  h.tids = {0, static_cast<int32_t>(syscall(SYS_gettid))};
  for (int i = 0; i < kBatch; ++i) {
    Op op;
    op.kind = i % 2 ? OpKind::kClose : OpKind::kOpen;
    op.fd = 0;
    op.issue.via = Via::kUring;
    if (op.kind == OpKind::kOpen) op.path = "/run/nameifuzz/f" + std::to_string(i % 16), op.flags = O_RDONLY;
    h.ops[1].push_back(op);
  }
  FdTable fds;
  int64_t start = monotonic_ns();
  for (int done = 0; done < ops; done += kBatch) {
    h.events.assign(kBatch, Event{});
    for (int i = 0; i < kBatch; ++i) {
      ring.run_chain(std::span<const Op>(&h.ops[1][i], 1), fds, std::span<Event>(&h.events[i], 1),
                     monotonic_ns() + 1'000'000'000);
      h.events[i].index = static_cast<uint32_t>(i);
    }
    if (tracer) {
      auto samples = tracer->collect();
      oracles::reclassify_completions(h, samples.punts);
      auto r = oracles::check_nonblock_issue({h, nullptr, &samples.sleeps});
      checks += r.checks;
      violations += r.violations.size();
    }
  }
  return ops / ((monotonic_ns() - start) / 1e9);
}

}  // namespace

int main(int argc, char** argv) {
  int ops = argc > 1 ? atoi(argv[1]) : 200'000;
  if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    perror("nameifuzz bench: mount namespace (run as root)");
    return 2;
  }
  mkdir("/run/nameifuzz", 0700);
  if (mount("nameifuzz-bench", "/run/nameifuzz", "tmpfs", 0, "size=16m") != 0) return perror("mount"), 2;
  for (int i = 0; i < 16; ++i) close(open(("/run/nameifuzz/f" + std::to_string(i)).c_str(), O_CREAT | O_WRONLY, 0644));
  UringRing ring;
  if (std::string why = ring.init(); !why.empty()) return fprintf(stderr, "%s\n", why.c_str()), 2;
  uint64_t checks = 0, violations = 0;
  run(ring, 20'000, nullptr, checks, violations);  // warm-up
  double plain = run(ring, ops, nullptr, checks, violations);
  double with_oracles = 0;
  {
    kernel::SleepTracer tracer;
    if (std::string why = tracer.start(true); !why.empty()) return fprintf(stderr, "tracefs: %s\n", why.c_str()), 2;
    with_oracles = run(ring, ops, &tracer, checks, violations);
  }
  double plain_again = run(ring, ops, nullptr, checks, violations);
  printf("ops %d (inline io_uring open+close on tmpfs, 1 thread)\n", ops);
  printf("history only:            %10.0f ops/s\n", plain);
  printf("with nonblock oracles:   %10.0f ops/s  (%.2fx; %lu chains checked, %lu violations)\n", with_oracles,
         with_oracles / plain, static_cast<unsigned long>(checks), static_cast<unsigned long>(violations));
  printf("history only, again:     %10.0f ops/s\n", plain_again);
  umount2("/run/nameifuzz", MNT_DETACH);
  return 0;
}
