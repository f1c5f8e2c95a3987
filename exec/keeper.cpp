#include "exec/keeper.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nfz {

std::string Keeper::start(const std::function<int()>& mount_there) {
  stop();
  int status_pipe[2];
  if (pipe2(status_pipe, O_CLOEXEC) != 0) return std::string("pipe: ") + strerror(errno);
  pid_t owner = getpid();
  fflush(nullptr);
  pid_ = fork();
  if (pid_ < 0) {
    close(status_pipe[0]);
    close(status_pipe[1]);
    return std::string("fork: ") + strerror(errno);
  }
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // our death unmounts it, and autoclear detaches a loop
    if (getppid() != owner) _exit(0);
    int err = 0;
    if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) err = errno;
    if (!err) err = mount_there();
    if (write(status_pipe[1], &err, sizeof err) != sizeof err) _exit(1);
    if (err) _exit(1);
    for (int fd = 0; fd < 1024; ++fd) close(fd);
    for (;;) pause();
  }
  close(status_pipe[1]);
  int err = EIO;
  bool got = read(status_pipe[0], &err, sizeof err) == sizeof err;
  close(status_pipe[0]);
  if (!got || err) {
    stop();
    return strerror(got ? err : EIO);
  }
  ns_fd_ = open(("/proc/" + std::to_string(pid_) + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC);
  if (ns_fd_ < 0) {
    std::string why = std::string("open the keeper's mount namespace: ") + strerror(errno);
    stop();
    return why;
  }
  return {};
}

void Keeper::stop() {
  if (ns_fd_ >= 0) close(ns_fd_);
  ns_fd_ = -1;
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {}
  }
  pid_ = -1;
}

}  // namespace nfz
