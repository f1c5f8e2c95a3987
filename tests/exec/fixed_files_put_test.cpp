// A ring's fixed files are closed by the time clear_fixed() or the ring's end returns
// (exec/uring_backend.hpp put_fixed_files()): the FUSE oracles take their balance right
// after a run, and a file the kernel still holds keeps its lookup.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <variant>

#include "core/text.hpp"
#include "exec/clock.hpp"
#include "exec/fd_table.hpp"
#include "exec/history_buffer.hpp"
#include "exec/uring_backend.hpp"
#include "tests/exec/sandbox_helpers.hpp"

namespace nfz {
namespace {

// A file of its own under TMPDIR, watched for its close (IN_CLOSE_NOWRITE comes at __fput()).
class WatchedFile {
 public:
  WatchedFile() {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::string(tmp ? tmp : "/tmp") + "/nameifuzz-fixed-put-XXXXXX";
    int fd = mkstemp(path_.data());
    if (fd >= 0) close(fd);
    watch_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (watch_ >= 0) inotify_add_watch(watch_, path_.c_str(), IN_CLOSE_NOWRITE);
  }
  ~WatchedFile() {
    if (watch_ >= 0) close(watch_);
    unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }
  bool closed() const {
    alignas(inotify_event) char buf[4096];
    return read(watch_, buf, sizeof buf) > 0;
  }

 private:
  std::string path_;
  int watch_ = -1;
};

Op fixed_open(const std::string& path) {
  return std::get<Op>(parse_op("f0 = open(\"" + path + "\", O_RDONLY) [uring fixed]", "test", 1));
}

// Opens `path` into fixed slot 0 of `ring`; false when io_uring is unavailable.
bool open_fixed(UringRing& ring, const std::string& path) {
  const Op op = fixed_open(path);
  FdTable fds;
  Event e;
  ring.run_chain(std::span<const Op>(&op, 1), fds, std::span<Event>(&e, 1), monotonic_ns() + 5'000'000'000);
  return e.result == 0;
}

TEST(FixedFilesPut, ByTheTimeClearFixedReturns) {
  WatchedFile file;
  UringRing ring;
  if (!ring.init().empty()) GTEST_SKIP() << "io_uring unavailable";
  ASSERT_TRUE(open_fixed(ring, file.path()));
  EXPECT_FALSE(file.closed()) << "the fixed slot holds the file";
  EXPECT_TRUE(ring.clear_fixed());
  EXPECT_TRUE(file.closed());
  ASSERT_TRUE(open_fixed(ring, file.path())) << "the table is there again, empty";
}

TEST(FixedFilesPut, ByTheTimeTheRingIsGone) {
  WatchedFile file;
  {
    UringRing ring;
    if (!ring.init().empty()) GTEST_SKIP() << "io_uring unavailable";
    ASSERT_TRUE(open_fixed(ring, file.path()));
    EXPECT_FALSE(file.closed());
  }
  EXPECT_TRUE(file.closed());
}

// A program thread's own ring ends in that thread, so that its table is unregistered: from
// the thread that ran the program (run_concurrent()'s caller) the kernel refuses it on a
// single-issuer ring, and the file stays in its slot until io_ring_exit_work() runs.
TEST(FixedFilesPut, ByTheTimeAConcurrentRunReturns) {
  if (!test::is_root()) GTEST_SKIP() << "needs root for mount namespaces";
  std::string why;
  auto sandbox = test::open_sandbox("tmpfs", why);
  ASSERT_TRUE(sandbox) << why;
  Program left_in_a_slot = test::program_of("nameifuzz program v1\nthread 0:\n  f0 = open(\"/f\", O_RDONLY) [uring fixed]\n");
  RunStatus status = sandbox->run([&](const SandboxEnv& env) {
    close(open("/f", O_WRONLY | O_CREAT, 0644));
    int watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (watch < 0 || inotify_add_watch(watch, "/f", IN_OPEN | IN_CLOSE_NOWRITE) < 0) return 3;
    HistoryBuffer buffer;
    buffer.reset(left_in_a_slot);
    if (run_concurrent(left_in_a_slot, env, {}, buffer) != kRunOk) return 3;
    bool opened = false, closed = false;
    alignas(inotify_event) char buf[4096];
    for (ssize_t n; (n = read(watch, buf, sizeof buf)) > 0;)
      for (char* p = buf; p < buf + n; p += sizeof(inotify_event) + reinterpret_cast<inotify_event*>(p)->len) {
        opened |= (reinterpret_cast<inotify_event*>(p)->mask & IN_OPEN) != 0;
        closed |= (reinterpret_cast<inotify_event*>(p)->mask & IN_CLOSE_NOWRITE) != 0;
      }
    return !opened ? 4 : closed ? 0 : 1;
  });
  EXPECT_EQ(status.exit_code, 0) << "1: the fixed slot still held the file when run_concurrent returned; 4: the open did not run";
}

}  // namespace
}  // namespace nfz
