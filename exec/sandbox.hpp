// The sandbox every generated op runs in (docs/TARGETS.md): a child process in a private mount
// namespace, chrooted into a fresh instance of the target, so that no path a program
// makes (absolute symlinks, `..` chains) can reach the host. Mounts made there vanish
// with the namespace when the child exits, however it exits.
//
// A Sandbox is one prepared target on the host side. tmpfs, overlay and the FUSE observer
// are mounted afresh in every run's namespace. A loop-image target is formatted once and mounted once by a
// keeper process in a namespace of its own; each run joins that namespace, takes a fresh
// directory there, binds it over its own root and chroots into it. dir:PATH works the
// same on the user's directory. Nothing of ours is ever mounted in the host's namespace.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include <sys/types.h>

#include "exec/fd_table.hpp"
#include "exec/keeper.hpp"
#include "exec/target.hpp"

namespace nfz::fuse {
class ObserverFs;
}

namespace nfz {

inline constexpr int kExitEnvironment = 2;

// What the body may use that the chroot hides.
struct SandboxEnv {
  std::string target;
  int drop_caches_fd = -1;  // /proc/sys/vm/drop_caches, opened before the chroot
  // The process's /proc/self/task, opened before the chroot, at a high fd: where the
  // coordinator sees an op wait for a FIFO peer (exec/peer_wait.hpp). -1 with a procfs
  // (the body runs in a new PID namespace, where its tids are not the host's).
  int task_dir_fd = -1;
  bool procfs = false;      // a fresh procfs of the run's own PID namespace is at /proc
  // fuse:* targets: the observer serving the run's root, for its trace, faults and
  // invalidations (its trace starts empty: the sandbox's own setup requests are dropped).
  fuse::ObserverFs* observer = nullptr;
  // Moves the run into another fresh empty directory, its new root (a second program in
  // the same child: the stress loop's syscall twin): of the resident instance, or of a
  // fuse:* run's own mount. Returns false when it could not. Null elsewhere
  // (Sandbox::second_root_in_run()).
  std::function<bool()> fresh_root;
};

// Makes `name` in the directory `base_fd` and chroots into it (the process may be chrooted
// elsewhere: base_fd is outside its root). False when it could not.
bool enter_fresh_root(int base_fd, const std::string& name);

struct SandboxOptions {
  // Mount a procfs at /proc inside the root, in a new PID namespace (magic links:
  // RESOLVE_NO_MAGICLINKS, /proc/self/fd/N). Never the host's: its /proc/1/root is the
  // host's root and would lead out of any chroot.
  bool procfs = false;
  // Runs join this memory cgroup (its cgroup.procs) before anything else: the memory-
  // pressure helper, exec/memory_cgroup.hpp. Empty: none.
  std::string cgroup_procs;
  // Resident (the stress loop): the target's mount is made once, held by a keeper, and
  // every run takes a fresh empty directory of it instead of a mount of its own; a new
  // instance every `fresh_every` runs (0: only when it runs low on space or inodes, or
  // after a hang). fuse:* targets and runs with a procfs still mount per run
  // (docs/EXECUTOR.md says what differs).
  bool resident = false;
  uint32_t fresh_every = 256;
};

// How one run ended.
struct RunStatus {
  int exit_code = 0;       // the body's, or kExitEnvironment
  bool stalled = false;    // the watchdog saw no progress and killed the run
  bool abandoned = false;  // the run did not die even then (stuck in the kernel)
};

// Lets the parent tell a hung run from a slow one: `progress` returns a number that
// grows while the run makes progress (ops done); no growth for `stall_ns` kills the run.
struct Watchdog {
  std::function<uint64_t()> progress;
  int64_t stall_ns = 0;  // 0: no watchdog
};

class Sandbox {
 public:
  // Prepares `target` on the host (sweeping stale leftovers of killed runs first).
  // Returns null and a one-line reason on an environment problem.
  static std::unique_ptr<Sandbox> open(const TargetSpec& target, const SandboxOptions& options, std::string& why);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Runs `body` in a fresh sandbox child and returns how it ended.
  RunStatus run(const std::function<int(const SandboxEnv&)>& body, const Watchdog& watchdog = {});

  // Served runs (docs/EXECUTOR.md), where served() says: one long-lived child of the
  // instance runs body after body, each in a fresh empty directory, and closes every fd a
  // body left open before the next; no fork, exit or new address space per run. The child
  // is forked on the first begin_served() with that call's `body`, which later calls must
  // repeat (a body reads its request from memory shared before that fork); it is replaced
  // with the instance, and after a run that did not end with exit code 0.
  // begin_served() hands a run to the child and returns at once (false and `status` when
  // it could not), so that the caller can do other work; end_served() waits for its end.
  bool served() const { return resident() && target_.kind != TargetKind::kDir; }
  bool begin_served(const std::function<int(const SandboxEnv&)>& body, RunStatus& status);
  RunStatus end_served(const Watchdog& watchdog);
  // Ends the served child (the next begin_served() forks a new one).
  void stop_served();

  // After a run was abandoned: the filesystem may be wedged, so make a new instance
  // (a new image and loop device) for the next runs. Returns why it failed, or "".
  std::string rebuild();

  const TargetSpec& target() const { return target_; }
  // Whether runs share a resident instance (SandboxOptions::resident, where it applies).
  bool resident() const { return options_.resident && target_.kind != TargetKind::kFuse && !options_.procfs; }
  // Whether a run can take a second fresh root (SandboxEnv::fresh_root).
  bool second_root_in_run() const { return resident() || (target_.kind == TargetKind::kFuse && options_.resident); }

 private:
  Sandbox(TargetSpec target, SandboxOptions options) : target_(std::move(target)), options_(options) {}
  std::string instance_tag();
  std::string start_instance();
  std::string start_memory_instance();
  std::string start_dir_instance();
  void stop_instance();
  bool instance_worn() const;
  std::string fresh_directory() const;
  [[noreturn]] void run_child(const std::function<int(const SandboxEnv&)>& body);
  void enter_child(SandboxEnv& env);
  int open_base_fd() const;
  [[noreturn]] void serve_child(const std::function<int(const SandboxEnv&)>& body, int request_fd, int reply_fd);
  std::string start_served(const std::function<int(const SandboxEnv&)>& body);
  bool wait_run(pid_t pid, int pidfd, int reply_fd, const Watchdog& watchdog, RunStatus& status);
  void reap(pid_t pid, int pidfd, RunStatus& status);
  bool renew_if_worn(RunStatus& status);

  struct ServedChild {
    pid_t pid = -1;
    int pidfd = -1;
    int request_fd = -1;  // the parent's ends, at fds >= kServedFdBase
    int reply_fd = -1;
  };

  TargetSpec target_;
  SandboxOptions options_;
  std::string run_dir_;    // /run/nameifuzz-<pid>-<seq>: this sandbox's host directories
  int instance_ = 0;
  std::string image_;      // loop targets: the image file
  Keeper keeper_;          // loop targets and resident runs: holds the mount in its namespace
  std::string base_;       // fresh-directory targets: where run directories are made
  uint64_t runs_ = 0;
  uint64_t runs_in_instance_ = 0;
  int leftovers_ = -1;     // our slot in exec/leftovers.hpp's table
  std::vector<pid_t> abandoned_;  // runs stuck in the kernel, reaped once they die
  ServedChild served_;
};

// Target names this build can mount (target_names() lists them).
bool known_target(std::string_view target);

// Runs `body` once in a sandbox on a target prepared for it, and returns its exit code.
// An environment failure (not root, no mount namespaces) is printed as one line and
// returns kExitEnvironment.
int run_in_sandbox(std::string_view target, const std::function<int(const SandboxEnv&)>& body);

}  // namespace nfz
