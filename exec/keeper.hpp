// A keeper holds a target's mount for the runs of a Sandbox: a process in a mount namespace
// of its own that makes the mount once and then only waits, so that every run joins that
// namespace (setns) and takes a fresh directory there instead of making a mount of its own.
// It dies with its owner (PR_SET_PDEATHSIG), and its namespace, its mounts and (through
// LO_FLAGS_AUTOCLEAR) a loop device under them go with it.
#pragma once

#include <functional>
#include <string>
#include <sys/types.h>

namespace nfz {

class Keeper {
 public:
  Keeper() = default;
  Keeper(const Keeper&) = delete;
  Keeper& operator=(const Keeper&) = delete;
  ~Keeper() { stop(); }

  // Forks the keeper; in its new private namespace it runs `mount_there`, which returns 0
  // or an errno. Returns why it failed ("" on success).
  std::string start(const std::function<int()>& mount_there);
  void stop();

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Its mount namespace, for runs to setns() into (-1 when not running).
  int namespace_fd() const { return ns_fd_; }

 private:
  pid_t pid_ = -1;
  int ns_fd_ = -1;
};

}  // namespace nfz
