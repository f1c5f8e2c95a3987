#include "exec/peer_wait.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <thread>

#include "exec/fd_table.hpp"

namespace nfz {
namespace {

// Reads a small /proc file of `dir` into `buf` (no allocation: the coordinator probes
// while the workers run). Returns its text without the trailing newline, or "".
std::string_view read_small(int dir, const char* path, char* buf, size_t size) {
  int fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  ssize_t n = read(fd, buf, size);
  close(fd);
  if (n <= 0) return {};
  std::string_view text(buf, static_cast<size_t>(n));
  if (text.ends_with('\n')) text.remove_suffix(1);
  return text;
}

bool in_wait_for_partner(int task_dir, std::string_view tid) {
  char path[32], buf[64];
  snprintf(path, sizeof path, "%.*s/wchan", static_cast<int>(tid.size()), tid.data());
  return read_small(task_dir, path, buf, sizeof buf) == "wait_for_partner";
}

// The io-wq workers of `tid`: threads named "iou-wrk-<tid>" (a task's comm keeps 15
// characters, TASK_COMM_LEN).
bool io_wq_waits_for_peer(int task_dir, pid_t tid) {
  char want[16];
  snprintf(want, sizeof want, "iou-wrk-%d", static_cast<int>(tid));
  int dir = openat(task_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return false;
  alignas(dirent64) char entries[4096];
  bool found = false;
  for (long n; !found && (n = syscall(SYS_getdents64, dir, entries, sizeof entries)) > 0;) {
    for (long off = 0; off < n && !found;) {
      const auto* e = reinterpret_cast<const dirent64*>(entries + off);
      off += e->d_reclen;
      if (e->d_name[0] == '.') continue;
      char path[32], comm[32];
      snprintf(path, sizeof path, "%s/comm", e->d_name);
      found = read_small(task_dir, path, comm, sizeof comm) == want && in_wait_for_partner(task_dir, e->d_name);
    }
  }
  close(dir);
  return found;
}

}  // namespace

namespace {

bool probe(int task_dir, pid_t tid, bool io_wq) {
  char name[16];
  snprintf(name, sizeof name, "%d", static_cast<int>(tid));
  if (in_wait_for_partner(task_dir, name)) return true;
  return io_wq && io_wq_waits_for_peer(task_dir, tid);
}

// Reads /proc on a thread of its own fd table (unshare(CLONE_FILES), then everything
// but the task directory closed): the fds its reads take are not the program's, whose
// opens get the lowest free number the same with and without probes. One per process,
// started before its first program; one caller at a time (the run's coordinator).
class Prober {
 public:
  // Returns once the thread has its own fd table: it never holds a program's files.
  explicit Prober(int task_dir) : task_dir_(task_dir) {
    std::thread([this] { serve(); }).detach();
    ready_.wait(false);
  }
  bool ask(pid_t tid, bool io_wq) {
    tid_ = tid, io_wq_ = io_wq;
    const uint32_t asked = asked_.fetch_add(1, std::memory_order_release) + 1;
    asked_.notify_one();
    for (uint32_t a; (a = answered_.load(std::memory_order_acquire)) != asked;) answered_.wait(a);
    return answer_;
  }

 private:
  void serve() {
    const bool alone = unshare(CLONE_FILES) == 0;
    if (alone && task_dir_ > 0) syscall(SYS_close_range, 0u, static_cast<unsigned>(task_dir_) - 1, 0u);
    if (alone) syscall(SYS_close_range, static_cast<unsigned>(task_dir_) + 1, ~0u, 0u);
    ready_.store(true);
    ready_.notify_one();
    for (uint32_t seen = 0;;) {
      asked_.wait(seen);
      seen = asked_.load(std::memory_order_acquire);
      answer_ = alone && probe(task_dir_, tid_, io_wq_);  // shared, it would take the program's fd numbers
      answered_.store(seen, std::memory_order_release);
      answered_.notify_one();
    }
  }

  const int task_dir_;
  pid_t tid_ = 0;
  bool io_wq_ = false, answer_ = false;
  std::atomic<uint32_t> asked_{0}, answered_{0};
  std::atomic<bool> ready_{false};
};

Prober* g_prober = nullptr;  // the process's; a forked child starts its own (threads do not survive fork())
pid_t g_prober_pid = 0;

}  // namespace

int start_peer_prober() {
  int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  int high = fcntl(fd, F_DUPFD_CLOEXEC, kServedFdBase);
  close(fd);
  if (high < 0) return -1;
  g_prober = new Prober(high);  // lives as long as the process
  g_prober_pid = getpid();
  return high;
}

bool waits_for_peer(int task_dir, pid_t tid, bool io_wq) {
  if (task_dir < 0 || !g_prober || g_prober_pid != getpid()) return false;
  return g_prober->ask(tid, io_wq);
}

}  // namespace nfz
