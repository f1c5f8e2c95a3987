// The memory-pressure helper: in a run in a small memory cgroup, dentries past the limit
// make the kernel reclaim, and dentries the run made before go with them (lookups
// then miss the dcache: RESOLVE_CACHED answers EAGAIN). The cgroup goes with its
// MemoryCgroup, and one of a dead process is swept.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <vector>
#include <sys/stat.h>
#include <sys/wait.h>

#include "exec/memory_cgroup.hpp"
#include "tests/exec/sandbox_helpers.hpp"

namespace nfz::test {
namespace {

constexpr uint64_t kLimit = 32ull << 20;
constexpr uint64_t kSlack = 1ull << 20;  // the usage counter may pass the limit by a charge batch
constexpr int kFiles = 3000;           // their dentries take ~4 MiB: well under the limit
constexpr int kMisses = 500'000;        // then ~100 MiB of negative dentries push them out

uint64_t read_number(const std::string& path) {
  std::ifstream in(path);
  uint64_t v = 0;
  in >> v;
  return v;
}

// Makes kFiles names, then looks up many absent ones, then asks which names are still in the dcache (RESOLVE_CACHED fails with EAGAIN when a
// lookup would have to go to the filesystem). Exit 0: some were evicted, all still exist.
int evicts_dentries(int misses) {
  char name[32];
  if (mkdir("/d", 0755) != 0) return 10;
  for (int i = 0; i < kFiles; ++i) {
    snprintf(name, sizeof name, "/d/f%d", i);
    int fd = open(name, O_CREAT | O_WRONLY, 0644);
    if (fd < 0) return 11;
    close(fd);
  }
  // Lookups of absent names each leave a negative dentry, allocated outside any journal
  // handle (so reclaim may call the filesystem shrinkers, which a create's GFP_NOFS
  // allocations may not): with the cgroup full of dentries rather than page cache, page
  // reclaim makes no progress, the priority drops, and the dcache shrinker runs at last.
  // (Page cache alone would not do: do_shrink_slab() scans freeable >> priority, and
  // clean pages keep the priority at its highest.)
  struct stat st;
  for (int i = 0; i < misses; ++i) {
    snprintf(name, sizeof name, "/d/absent%d", i);
    if (stat(name, &st) == 0 || errno != ENOENT) return 12;
  }
  int evicted = 0;
  for (int i = 0; i < kFiles; ++i) {
    snprintf(name, sizeof name, "/d/f%d", i);
    open_how how{.flags = O_RDONLY, .mode = 0, .resolve = RESOLVE_CACHED};
    int fd = static_cast<int>(syscall(SYS_openat2, AT_FDCWD, name, &how, sizeof how));
    if (fd >= 0) close(fd);
    else if (errno == EAGAIN) ++evicted;
    else return 13;
  }
  fprintf(stderr, "memory pressure: %d of %d dentries evicted\n", evicted, kFiles);
  return evicted > 0 ? 0 : 14;
}

TEST(MemoryCgroup, DentriesPastTheLimitEvictEarlierOnes) {
  if (!is_root()) GTEST_SKIP() << "needs root for cgroups, mounts and loop devices";
  if (access("/usr/sbin/mkfs.ext4", X_OK) != 0) GTEST_SKIP() << "mkfs.ext4 missing";
  MemoryCgroup cgroup;
  if (std::string why = cgroup.create(kLimit); !why.empty()) GTEST_SKIP() << why;
  std::string path = cgroup.path();
  bool v1 = access((path + "/memory.max_usage_in_bytes").c_str(), F_OK) == 0;
  SandboxOptions options;
  options.cgroup_procs = cgroup.procs_file();
  std::string why;
  auto sandbox = Sandbox::open(*parse_target("ext4"), options, why);
  ASSERT_TRUE(sandbox) << why;
  RunStatus status = sandbox->run([](const SandboxEnv&) { return evicts_dentries(kMisses); });
  EXPECT_EQ(status.exit_code, 0) << "14: no dentry was evicted; 2: killed (the OOM killer, not reclaim)";
  if (v1) {
    EXPECT_LE(read_number(path + "/memory.max_usage_in_bytes"), kLimit + kSlack);
  } else {
    EXPECT_LE(read_number(path + "/memory.peak"), kLimit + kSlack);
  }
  // No "failcnt > 0" and no control run outside the cgroup: another process's
  // drop_caches (the stress loop's cache actions) evicts dentries machine-wide, and would
  // make either flaky. That the run made ~3x the limit of dentries and stayed under the
  // limit without being killed already says they were reclaimed.
}

TEST(MemoryCgroup, RemovedWithItsObjectAndSweptWhenStale) {
  if (!is_root()) GTEST_SKIP() << "needs root for cgroups";
  std::string path;
  {
    MemoryCgroup cgroup;
    if (std::string why = cgroup.create(kLimit); !why.empty()) GTEST_SKIP() << why;
    path = cgroup.path();
    struct stat st;
    EXPECT_EQ(stat(path.c_str(), &st), 0);
  }
  EXPECT_NE(access(path.c_str(), F_OK), 0) << path << " stays";
  // A killed process's cgroup: made by a child that dies without cleaning up.
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  pid_t child = fork();
  if (child == 0) {
    auto* leaked = new MemoryCgroup;  // never destroyed
    leaked->create(kLimit);
    std::string made = leaked->path();
    (void)!write(p[1], made.c_str(), made.size());
    _exit(0);
  }
  close(p[1]);
  char buf[512] = {};
  ASSERT_GT(read(p[0], buf, sizeof buf - 1), 0);
  close(p[0]);
  waitpid(child, nullptr, 0);
  EXPECT_EQ(access(buf, F_OK), 0);
  EXPECT_GE(MemoryCgroup::sweep_stale(), 1);
  EXPECT_NE(access(buf, F_OK), 0) << buf << " was not swept";
}

}  // namespace
}  // namespace nfz::test
