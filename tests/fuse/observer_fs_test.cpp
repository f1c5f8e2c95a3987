// The FUSE observer on the real kernel: it serves a namespace, records each request with
// the requesting thread, injects faults, and its trace satisfies the lookup oracles.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <thread>
#include <vector>

#include "exec/fuse/observer_fs.hpp"
#include "exec/sandbox.hpp"
#include "oracles/fuse/fuse_oracles.hpp"

namespace nfz::fuse {
namespace {

constexpr const char* kMnt = "/observed";

// The sandbox's chroot hides the host's /dev: give it its own /dev/fuse (10:229).
void make_dev_fuse() {
  mkdir("/dev", 0755);
  mknod("/dev/fuse", S_IFCHR | 0600, makedev(10, 229));
}

// Runs `body` in a fresh sandbox with the observer mounted at /observed; the body's
// checks report through the exit code (0 = all held).
int with_observer(const ObserverOptions& options, const std::function<int(ObserverFs&)>& body) {
  return run_in_sandbox("tmpfs", [&](const SandboxEnv&) {
    make_dev_fuse();
    mkdir(kMnt, 0755);
    ObserverFs fs;
    if (std::string why = fs.mount(kMnt, options); !why.empty()) {
      fprintf(stderr, "%s\n", why.c_str());
      return 77;
    }
    int code = body(fs);
    fs.unmount();
    return code;
  });
}

bool root() { return geteuid() == 0; }

int count(const FuseTrace& t, FuseOp op, const char* name) {
  int n = 0;
  for (const auto& r : t.requests) n += r.op == op && r.name == name;
  return n;
}

TEST(ObserverFs, ServesANamespaceAndRecordsRequestsWithTheirThread) {
  if (!root()) GTEST_SKIP() << "needs root for mount namespaces and FUSE mounts";
  ObserverOptions options;
  int code = with_observer(options, [](ObserverFs& fs) {
    int fails = 0;
    auto check = [&fails](bool ok, const char* what) {
      if (!ok) fprintf(stderr, "FAILED: %s\n", what), ++fails;
    };
    check(mkdir("/observed/d", 0755) == 0, "mkdir");
    int fd = open("/observed/d/f", O_CREAT | O_EXCL | O_WRONLY, 0644);
    check(fd >= 0, "create");
    close(fd);
    check(open("/observed/d/f", O_CREAT | O_EXCL | O_WRONLY, 0644) < 0 && errno == EEXIST, "EEXIST");
    check(symlink("f", "/observed/d/s") == 0, "symlink");
    fd = open("/observed/d/s", O_RDONLY);
    check(fd >= 0, "open through symlink");
    close(fd);
    check(rename("/observed/d/f", "/observed/d/g") == 0, "rename");
    check(access("/observed/d/f", F_OK) < 0 && errno == ENOENT, "old name gone");
    check(link("/observed/d/g", "/observed/d/h") == 0, "link");
    check(unlink("/observed/d/g") == 0, "unlink");
    check(rmdir("/observed/d") < 0 && errno == ENOTEMPTY, "ENOTEMPTY");
    check(mknod("/observed/p", S_IFIFO | 0600, 0) == 0, "mknod fifo");
    pid_t self = static_cast<pid_t>(syscall(SYS_gettid));
    FuseTrace t = fs.take_trace();
    check(count(t, FuseOp::kMkdir, "d") == 1, "one MKDIR");
    check(count(t, FuseOp::kCreate, "f") == 1, "one CREATE (atomic_open)");
    check(count(t, FuseOp::kRename, "f") == 1, "one RENAME");
    check(count(t, FuseOp::kMknod, "p") == 1, "one MKNOD");
    bool all_from_me = true;
    for (const auto& r : t.requests)
      if (r.op != FuseOp::kForget && r.op != FuseOp::kRelease) all_from_me &= r.tid == self;
    check(all_from_me, "requests carry the calling thread's id");
    check(oracles::check_lookup_single(t).violations.empty(), "lookup.single holds");
    check(oracles::check_negative_fresh(t).violations.empty(), "negative.fresh holds");
    return fails;
  });
  EXPECT_EQ(code, 0);
}

// In nocreate mode CREATE answers ENOSYS and the kernel falls back to MKNOD + OPEN
// (fuse_atomic_open -> fuse_mknod once fc->no_create is set).
TEST(ObserverFs, NoCreatePersonalityMakesTheKernelUseMknod) {
  if (!root()) GTEST_SKIP() << "needs root";
  ObserverOptions options;
  ASSERT_TRUE(observer_options_by_name("nocreate", options));
  int code = with_observer(options, [](ObserverFs& fs) {
    int a = open("/observed/a", O_CREAT | O_WRONLY, 0644);
    int b = open("/observed/b", O_CREAT | O_WRONLY, 0644);
    close(a), close(b);
    FuseTrace t = fs.take_trace();
    bool ok = a >= 0 && b >= 0 && count(t, FuseOp::kMknod, "a") == 1 && count(t, FuseOp::kMknod, "b") == 1 &&
              count(t, FuseOp::kCreate, "b") == 0;
    return ok ? 0 : 1;
  });
  EXPECT_EQ(code, 0);
}

// Injected errors reach the caller; the same seed injects on the same requests.
TEST(ObserverFs, InjectsErrorsPerRequestType) {
  if (!root()) GTEST_SKIP() << "needs root";
  ObserverOptions options;
  options.faults[static_cast<int>(FuseOp::kMkdir)] = {.error = EIO, .error_permille = 1000};
  int code = with_observer(options, [](ObserverFs&) {
    return mkdir("/observed/d", 0755) < 0 && errno == EIO ? 0 : 1;
  });
  EXPECT_EQ(code, 0);
}

// A reproducer's faults: section applies while mounted, and the same faults hit the same
// requests on every run: which ones is decided from (seed, type, name, occurrence).
TEST(ObserverFs, ReproducerFaultsRepeat) {
  if (!root()) GTEST_SKIP() << "needs root";
  int code = run_in_sandbox("tmpfs", [](const SandboxEnv&) {
    make_dev_fuse();
    auto run_once = [](const char* mnt) {
      mkdir(mnt, 0755);
      ObserverFs fs;
      std::string outcome;
      if (!fs.mount(mnt, {}).empty()) return outcome;
      fs.set_faults({{.kind = FuseFault::Kind::kError, .op = FuseOp::kMkdir, .error = EIO, .permille = 500}});
      for (int i = 0; i < 40; ++i) {
        std::string path = std::string(mnt) + "/d" + std::to_string(i % 4);
        outcome += mkdir(path.c_str(), 0755) == 0 ? 'o' : errno == EIO ? 'e' : 'x';
        rmdir(path.c_str());
      }
      return outcome;
    };
    std::string first = run_once("/one"), second = run_once("/two");
    fprintf(stderr, "%s\n%s\n", first.c_str(), second.c_str());
    bool mixed = first.find('e') != std::string::npos && first.find('o') != std::string::npos;
    return mixed && first.size() == 40 && first == second ? 0 : 1;
  });
  EXPECT_EQ(code, 0);
}

// After drop_caches 2 at quiescence the kernel has forgotten every node it was given.
TEST(ObserverFs, ForgetsBalanceAfterDropCaches) {
  if (!root()) GTEST_SKIP() << "needs root";
  ObserverOptions options;
  int code = run_in_sandbox("tmpfs", [&](const SandboxEnv& env) {
    make_dev_fuse();
    mkdir(kMnt, 0755);
    ObserverFs fs;
    if (!fs.mount(kMnt, options).empty()) return 77;
    for (const char* p : {"/observed/a", "/observed/b", "/observed/c"}) close(open(p, O_CREAT | O_WRONLY, 0644));
    mkdir("/observed/d", 0755);
    struct stat st;
    stat("/observed/d", &st);
    if (env.drop_caches_fd < 0 || pwrite(env.drop_caches_fd, "2", 1, 0) != 1) return 77;
    usleep(200'000);  // FORGETs are queued asynchronously
    FuseTrace t = fs.take_trace();
    auto r = oracles::check_lookup_balance(t, /*quiescent=*/true);
    for (const auto& v : r.violations) fprintf(stderr, "%s: %s\n", v.title.c_str(), v.detail.c_str());
    fs.unmount();
    return r.violations.empty() && r.checks >= 8 ? 0 : 1;
  });
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace nfz::fuse
