// Served runs (Sandbox::begin_served(), end_served()): one long-lived child per resident instance runs
// program after program. Per run it takes the parent's request (the run's number) from a
// pipe, makes a fresh directory of the instance and chroots there, runs the body, closes
// every fd the body left behind and answers with the body's exit code. What a run sees is
// what a forked run sees: an empty root directory and a table of only the harness's fds.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "exec/sandbox.hpp"

namespace nfz {
namespace {

constexpr const char* kServedPrefix = "nameifuzz-run-";

// The fds open now, in ascending order (read before the chroot hides /proc).
std::vector<int> open_fds() {
  std::vector<int> fds;
  DIR* d = opendir("/proc/self/fd");
  if (!d) return fds;
  int self = dirfd(d);
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.' && atoi(e->d_name) != self) fds.push_back(atoi(e->d_name));
  closedir(d);
  std::sort(fds.begin(), fds.end());
  return fds;
}

// Closes every fd below kServedFdBase but `keep` (ascending): what a body opened and
// left, in a few calls. The harness's own fds from there up stay (kept rings among them).
void close_all_but(const std::vector<int>& keep) {
  unsigned from = 0;
  for (int fd : keep) {
    if (fd >= kServedFdBase) break;
    if (static_cast<unsigned>(fd) > from) syscall(SYS_close_range, from, static_cast<unsigned>(fd) - 1, 0);
    from = static_cast<unsigned>(fd) + 1;
  }
  if (from < kServedFdBase) syscall(SYS_close_range, from, static_cast<unsigned>(kServedFdBase) - 1, 0);
}

bool read_full(int fd, void* buf, size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

int move_high(int fd) {
  int high = fcntl(fd, F_DUPFD_CLOEXEC, kServedFdBase);
  close(fd);
  return high;
}

}  // namespace

bool enter_fresh_root(int base_fd, const std::string& name) {
  return base_fd >= 0 && mkdirat(base_fd, name.c_str(), 0755) == 0 && fchdir(base_fd) == 0 &&
         chdir(name.c_str()) == 0 && chroot(".") == 0 && chdir("/") == 0;
}

void Sandbox::serve_child(const std::function<int(const SandboxEnv&)>& body, int request_fd, int reply_fd) {
  SandboxEnv env;
  enter_child(env);
  const int base_fd = open_base_fd();
  if (base_fd < 0) _exit(kExitEnvironment);
  umask(0);
  const std::vector<int> ours = open_fds();
  const std::string prefix = kServedPrefix + std::to_string(getppid()) + "-" + run_dir_.substr(run_dir_.rfind('-') + 1) + "-";
  uint64_t run = 0;
  while (read_full(request_fd, &run, sizeof run)) {
    const std::string name = prefix + std::to_string(run);
    if (!enter_fresh_root(base_fd, name)) _exit(kExitEnvironment);
    env.fresh_root = [base_fd, next = name + "-2"] { return enter_fresh_root(base_fd, next); };
    int code = body(env);
    fflush(nullptr);
    close_all_but(ours);
    if (write(reply_fd, &code, sizeof code) != sizeof code) _exit(kExitEnvironment);
    if (code != 0) _exit(code);  // a hung worker may still hold the run's fds and rings
  }
  _exit(0);
}

std::string Sandbox::start_served(const std::function<int(const SandboxEnv&)>& body) {
  int request[2], reply[2];
  if (pipe2(request, O_CLOEXEC) != 0) return std::string("pipe: ") + strerror(errno);
  if (pipe2(reply, O_CLOEXEC) != 0) {
    close(request[0]);
    close(request[1]);
    return std::string("pipe: ") + strerror(errno);
  }
  for (int* end : {&request[0], &request[1], &reply[0], &reply[1]}) *end = move_high(*end);
  fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {request[0], request[1], reply[0], reply[1]}) close(fd);
    return std::string("fork: ") + strerror(errno);
  }
  if (pid == 0) {
    close(request[1]);
    close(reply[0]);
    serve_child(body, request[0], reply[1]);
  }
  close(request[0]);
  close(reply[1]);
  served_ = {pid, static_cast<int>(syscall(SYS_pidfd_open, pid, 0)), request[1], reply[0]};
  return {};
}

void Sandbox::stop_served() {
  if (served_.pid <= 0) return;
  close(served_.request_fd);
  close(served_.reply_fd);
  kill(served_.pid, SIGKILL);
  RunStatus ignored;
  ignored.stalled = true;  // killed on purpose: not worth a line
  reap(served_.pid, served_.pidfd, ignored);
  served_ = {};
}

bool Sandbox::begin_served(const std::function<int(const SandboxEnv&)>& body, RunStatus& status) {
  status = {};
  if (!renew_if_worn(status)) return false;
  if (served_.pid <= 0) {
    if (std::string why = start_served(body); !why.empty()) {
      fprintf(stderr, "nameifuzz: %s: a served child: %s\n", target_.name.c_str(), why.c_str());
      status.exit_code = kExitEnvironment;
      return false;
    }
  }
  uint64_t run = runs_;
  ++runs_;
  ++runs_in_instance_;
  if (write(served_.request_fd, &run, sizeof run) != sizeof run) {
    stop_served();  // it died between runs
    status.exit_code = kExitEnvironment;
    return false;
  }
  return true;
}

RunStatus Sandbox::end_served(const Watchdog& watchdog) {
  RunStatus status;
  if (!wait_run(served_.pid, served_.pidfd, served_.reply_fd, watchdog, status)) {  // abandoned
    close(served_.request_fd);
    close(served_.reply_fd);
    served_ = {};
    return status;
  }
  int code = 0;
  if (!status.stalled && read_full(served_.reply_fd, &code, sizeof code)) {
    status.exit_code = code;
    if (code == 0) return status;
  }
  // It ended (or ends now: a code other than 0 ends it): reap it.
  close(served_.request_fd);
  close(served_.reply_fd);
  RunStatus end = status;
  reap(served_.pid, served_.pidfd, end);
  if (!status.stalled && status.exit_code == 0) status = end;  // died without answering
  served_ = {};
  return status;
}

}  // namespace nfz
