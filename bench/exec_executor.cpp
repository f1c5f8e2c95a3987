// bench-libs: nfz_exec
// The executor's bars (bench/RESULTS.md, issue 5), side by side in one run:
//  1. a mixed open/create/unlink/rename program on tmpfs, 2 threads, every op through
//     io_uring, run by the concurrent executor with the History recorded, vs a raw liburing
//     loop (a ring per thread, submit-and-wait per op, no harness) issuing the same ops on
//     a tmpfs; the ratio executor/raw (bar >= 0.7);
//  2. the namespace mix (create/mkdir/rename/unlink/rmdir/symlink/link/stat) as plain
//     syscalls through the executor, 2 threads (bar >= 150,000 ops/s).
// Usage: bench_exec_executor [OPS_PER_THREAD] [ROUNDS]   (root)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <liburing.h>
#include <sched.h>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "exec/clock.hpp"
#include "exec/concurrent.hpp"
#include "exec/history_buffer.hpp"
#include "exec/sandbox.hpp"

namespace {

using namespace nfz;

constexpr int kThreads = 2;
constexpr int kNames = 16;

// Thread t's directory "tT", its files "tT/fN" and "tT/gN": the mixed program.
std::vector<Op> mixed_ops(int t, int count, bool uring) {
  std::vector<Op> ops;
  std::string dir = "t" + std::to_string(t) + "/";
  Issue issue{uring ? Via::kUring : Via::kSyscall, false, false};
  for (int i = 0; ops.size() < static_cast<size_t>(count); ++i) {
    std::string f = dir + "f" + std::to_string(i % kNames), g = dir + "g" + std::to_string(i % kNames);
    Op create{.kind = OpKind::kOpen, .issue = issue, .fd = static_cast<int8_t>(t), .flags = O_WRONLY | O_CREAT, .mode = 0644, .path = f};
    Op close_op{.kind = OpKind::kClose, .issue = issue, .fd = static_cast<int8_t>(t)};
    Op rename{.kind = OpKind::kRename, .issue = issue, .path = f, .path2 = g};
    Op reopen{.kind = OpKind::kOpen, .issue = issue, .fd = static_cast<int8_t>(t), .flags = O_RDONLY, .path = g};
    Op unlink{.kind = OpKind::kUnlink, .issue = issue, .path = g};
    for (const Op& op : {create, close_op, rename, reopen, close_op, unlink}) ops.push_back(op);
  }
  ops.resize(static_cast<size_t>(count));
  return ops;
}

std::vector<Op> namespace_ops(int t, int count) {
  std::vector<Op> ops;
  std::string dir = "t" + std::to_string(t) + "/";
  for (int i = 0; ops.size() < static_cast<size_t>(count); ++i) {
    std::string a = dir + "a" + std::to_string(i % kNames), b = dir + "b" + std::to_string(i % kNames);
    std::string d = dir + "d" + std::to_string(i % kNames), s = dir + "s" + std::to_string(i % kNames);
    std::string l = dir + "l" + std::to_string(i % kNames);
    ops.push_back({.kind = OpKind::kOpen, .flags = O_WRONLY | O_CREAT, .mode = 0644, .path = a});
    ops.push_back({.kind = OpKind::kMkdir, .mode = 0755, .path = d});
    ops.push_back({.kind = OpKind::kRename, .path = a, .path2 = b});
    ops.push_back({.kind = OpKind::kSymlink, .path = "b" + std::to_string(i % kNames), .path2 = s});  // relative to its dir
    ops.push_back({.kind = OpKind::kLink, .path = b, .path2 = l});
    ops.push_back({.kind = OpKind::kStatx, .path = s});
    ops.push_back({.kind = OpKind::kUnlink, .path = l});
    ops.push_back({.kind = OpKind::kUnlink, .path = s});
    ops.push_back({.kind = OpKind::kUnlink, .path = b});
    ops.push_back({.kind = OpKind::kRmdir, .path = d});
  }
  ops.resize(static_cast<size_t>(count));
  return ops;
}

Program program_of(int per_thread, bool mixed) {
  Program p;
  for (int t = 0; t < kThreads; ++t) {
    p.setup.push_back({.kind = OpKind::kMkdir, .mode = 0755, .path = "t" + std::to_string(t)});
    p.threads.push_back(mixed ? mixed_ops(t, per_thread, true) : namespace_ops(t, per_thread));
  }
  return p;
}

// ops/s of the threads' ops, from the first call to the last return.
double executor_rate(Sandbox& sandbox, const Program& p, HistoryBuffer& buffer, double* failed = nullptr) {
  ConcurrentRun run = run_program(sandbox, p, {}, buffer);
  int64_t first = INT64_MAX, last = 0;
  size_t n = 0, errors = 0;
  for (const Event& e : run.history.events) {
    if (e.thread == kSetupThread) continue;
    errors += e.result < 0;
    first = std::min(first, e.call_ns);
    last = std::max(last, e.return_ns);
    ++n;
  }
  if (run.code != kRunOk || n != p.op_count() - p.setup.size()) {
    fprintf(stderr, "executor run failed (code %d, %zu events)\n", run.code, n);
    exit(2);
  }
  if (failed) *failed = static_cast<double>(errors) / static_cast<double>(n);
  return n / ((last - first) / 1e9);
}

// The same ops through liburing with no harness: prep, submit and wait, reap.
void raw_thread(const std::vector<Op>& ops, const std::string& root, int64_t& ns, size_t& errors) {
  io_uring ring;
  io_uring_queue_init(8, &ring, 0);
  int fd = -1;
  int64_t start = monotonic_ns();
  for (const Op& op : ops) {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring);
    std::string p = root + op.path, p2 = root + op.path2;
    switch (op.kind) {
      case OpKind::kOpen: io_uring_prep_openat(sqe, AT_FDCWD, p.c_str(), static_cast<int>(op.flags), op.mode); break;
      case OpKind::kClose: io_uring_prep_close(sqe, fd); break;
      case OpKind::kRename: io_uring_prep_renameat(sqe, AT_FDCWD, p.c_str(), AT_FDCWD, p2.c_str(), 0); break;
      case OpKind::kUnlink: io_uring_prep_unlinkat(sqe, AT_FDCWD, p.c_str(), 0); break;
      default: io_uring_prep_nop(sqe); break;
    }
    io_uring_submit_and_wait(&ring, 1);
    io_uring_cqe* cqe;
    io_uring_wait_cqe(&ring, &cqe);
    if (op.kind == OpKind::kOpen) fd = cqe->res;
    errors += cqe->res < 0;
    io_uring_cqe_seen(&ring, cqe);
  }
  ns = monotonic_ns() - start;
  io_uring_queue_exit(&ring);
}

double raw_rate(const Program& p, const std::string& root, double* failed) {
  for (int t = 0; t < kThreads; ++t) mkdir((root + "t" + std::to_string(t)).c_str(), 0755);
  std::vector<int64_t> ns(kThreads);
  std::vector<size_t> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back(raw_thread, std::cref(p.threads[t]), root, std::ref(ns[t]), std::ref(errors[t]));
  for (auto& th : threads) th.join();
  size_t n = 0;
  for (const auto& t : p.threads) n += t.size();
  *failed = static_cast<double>(errors[0] + errors[1]) / static_cast<double>(n);
  return n / (*std::max_element(ns.begin(), ns.end()) / 1e9);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int per_thread = argc > 1 ? atoi(argv[1]) : 60'000;
  int rounds = argc > 2 ? atoi(argv[2]) : 5;
  std::string why;
  auto sandbox = Sandbox::open(*parse_target("tmpfs"), {}, why);
  if (!sandbox) return fprintf(stderr, "nameifuzz bench: %s\n", why.c_str()), 2;
  // The raw loop's tmpfs, in a private namespace of the bench process (forked children,
  // the sandbox runs, are made before this and do not see it).
  std::string root = "/run/nameifuzz-" + std::to_string(getpid()) + "-bench";  // swept by pid if we die
  mkdir(root.c_str(), 0700);
  pid_t raw_pid = -1;
  (void)raw_pid;
  if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
      mount("nameifuzz-bench", root.c_str(), "tmpfs", 0, "size=64m") != 0)
    return perror("nameifuzz bench: raw tmpfs"), 2;
  root += "/";
  Program mixed = program_of(per_thread, true);
  Program names = program_of(per_thread, false);
  HistoryBuffer buffer;
  executor_rate(*sandbox, mixed, buffer);  // warm-up
  std::vector<double> exec_mixed, raw_mixed, exec_names;
  printf("round  executor(mixed, uring)  raw liburing(mixed)  ratio  executor(namespace mix, syscalls)  failed ops (ex/raw/ns)\n");
  for (int r = 0; r < rounds; ++r) {
    double raw_failed = 0, ex_failed = 0, ns_failed = 0;
    double raw = raw_rate(mixed, root, &raw_failed);
    double ex = executor_rate(*sandbox, mixed, buffer, &ex_failed);
    double ns = executor_rate(*sandbox, names, buffer, &ns_failed);
    raw_mixed.push_back(raw);
    exec_mixed.push_back(ex);
    exec_names.push_back(ns);
    printf("%5d  %15.0f ops/s  %13.0f ops/s  %5.2f  %15.0f ops/s  %.3f/%.3f/%.3f\n", r + 1, ex, raw, ex / raw, ns,
           ex_failed, raw_failed, ns_failed);
  }
  std::vector<double> ratios;
  for (int r = 0; r < rounds; ++r) ratios.push_back(exec_mixed[r] / raw_mixed[r]);
  printf("median: executor %.0f ops/s, raw %.0f ops/s, ratio %.2f (bar 0.7); namespace mix %.0f ops/s (bar 150000)\n",
         median(exec_mixed), median(raw_mixed), median(ratios), median(exec_names));
  // Context from the same run: stress-ng's io_uring and rename stressors, 2 workers, on
  // the same tmpfs, checking nothing (bogo ops/s as stress-ng counts them).
  if (system("command -v stress-ng >/dev/null 2>&1") == 0) {
    for (const char* stressor : {"--io-uring", "--rename"}) {
      std::string cmd = std::string("cd ") + root + " && stress-ng " + stressor +
                        " 2 -t 10 --temp-path . --metrics-brief 2>&1 | grep -E 'stressor|io-uring|rename' | tail -2";
      printf("stress-ng %s 2 -t 10:\n", stressor);
      fflush(stdout);
      if (system(cmd.c_str()) != 0) printf("  (stress-ng failed)\n");
    }
  } else {
    printf("stress-ng not installed (scripts/setup installs it): no context numbers\n");
  }
  umount2(root.c_str(), MNT_DETACH);
  rmdir(root.c_str());
  return 0;
}
