#include "exec/sandbox.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "exec/clock.hpp"
#include "exec/fuse_target.hpp"
#include "exec/peer_wait.hpp"
#include "exec/leftovers.hpp"
#include "exec/loop_image.hpp"
#include "exec/memory_cgroup.hpp"

namespace nfz {
namespace {

constexpr const char* kTmpfsOptions = "mode=0755,size=256m,nr_inodes=65536";
constexpr const char* kRunPrefix = "nameifuzz-run-";

// In a sandbox child: one line, then exit 2 (the parent reports the exit code).
[[noreturn]] void environment_failure(const std::string& what) {
  int err = errno;
  fprintf(stderr, "nameifuzz: sandbox: %s: %s%s\n", what.c_str(), strerror(err),
          err == EPERM ? " (the sandbox needs root: CAP_SYS_ADMIN for mount namespaces)" : "");
  fflush(stderr);
  _exit(kExitEnvironment);
}

[[noreturn]] void environment_failure_why(const std::string& why) {
  fprintf(stderr, "nameifuzz: sandbox: %s\n", why.c_str());
  fflush(stderr);
  _exit(kExitEnvironment);
}

// A fresh tmpfs at `root`, or an overlay there over a tmpfs at `parts` holding its lower,
// upper and work directories. Returns 0 or the errno of the mount that failed.
int mount_memory_target(TargetKind kind, const std::string& root, const std::string& parts) {
  if (kind != TargetKind::kOverlay)
    return mount("nameifuzz-tmpfs", root.c_str(), "tmpfs", MS_NOSUID, kTmpfsOptions) == 0 ? 0 : errno;
  if (mount("nameifuzz-overlay-parts", parts.c_str(), "tmpfs", MS_NOSUID, kTmpfsOptions) != 0) return errno;
  for (const char* sub : {"/lower", "/upper", "/work"}) mkdir((parts + sub).c_str(), 0755);
  std::string options = "lowerdir=" + parts + "/lower,upperdir=" + parts + "/upper,workdir=" + parts + "/work";
  return mount("nameifuzz-overlay", root.c_str(), "overlay", MS_NOSUID, options.c_str()) == 0 ? 0 : errno;
}

void must_mount(const char* source, const std::string& target, const char* fstype, unsigned long flags,
                const char* options) {
  if (mount(source, target.c_str(), fstype, flags, options) != 0) environment_failure(std::string("mount ") + fstype + " at " + target);
}

// Removes earlier runs' directories of this sandbox from `base` (a run cannot remove its
// own: it is chrooted inside it, and keeps no fd outside that a program could reach).
void remove_old_runs(const std::string& base, const std::string& prefix) {
  DIR* d = opendir(base.c_str());
  if (!d) return;
  std::vector<std::string> old;
  while (dirent* e = readdir(d))
    if (strncmp(e->d_name, prefix.c_str(), prefix.size()) == 0) old.push_back(base + "/" + e->d_name);
  closedir(d);
  for (const auto& p : old) remove_tree(p);
}

std::atomic<int> g_sandbox_seq{0};

}  // namespace

bool known_target(std::string_view target) { return parse_target(target).has_value(); }

std::unique_ptr<Sandbox> Sandbox::open(const TargetSpec& target, const SandboxOptions& options, std::string& why) {
  if (geteuid() != 0) {
    why = "the sandbox needs root (mount namespaces, mounts, loop devices)";
    return nullptr;
  }
  sweep_stale();
  std::unique_ptr<Sandbox> sb(new Sandbox(target, options));
  sb->run_dir_ = kRunDirPrefix + std::to_string(getpid()) + "-" + std::to_string(g_sandbox_seq++);
  if (mkdir(sb->run_dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    why = "mkdir " + sb->run_dir_ + ": " + strerror(errno);
    return nullptr;
  }
  for (const char* sub : {"/root", "/parts"}) mkdir((sb->run_dir_ + sub).c_str(), 0755);
  sb->leftovers_ = register_leftovers(sb->run_dir_);
  if (target.kind == TargetKind::kDir) {
    struct stat st;
    if (stat(target.dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      why = target.dir + " is not a directory";
      return nullptr;
    }
    sweep_stale_runs(target.dir, kRunPrefix);  // what a killed process left there
    sb->base_ = target.dir;
  }
  if (on_loop_image(target.kind) || sb->resident()) {
    why = sb->start_instance();
    if (!why.empty()) return nullptr;
  }
  return sb;
}

std::string Sandbox::instance_tag() {
  return std::string(fstype_of(target_.kind)) + "-" + std::to_string(getpid()) + "-" +
         run_dir_.substr(run_dir_.rfind('-') + 1) + "-" + std::to_string(instance_++);
}

std::string Sandbox::start_instance() {
  runs_in_instance_ = 0;
  if (target_.kind == TargetKind::kDir) return start_dir_instance();
  if (!on_loop_image(target_.kind)) return start_memory_instance();
  std::string tag = instance_tag();
  const char* fstype = fstype_of(target_.kind);
  image_ = std::string(kImageDir) + "/" + tag + ".img";
  set_leftover_image(leftovers_, image_, -1);
  if (std::string why = make_image(target_.kind, image_); !why.empty()) return why;
  int loop_fd = -1;
  std::string device;
  if (std::string why = attach_loop(image_, loop_fd, device); !why.empty()) return why;
  // The mount source as /proc/mounts shows it is the path given to mount(2): a link named
  // after us, so that a reader of /proc/mounts can tell our mounts from the host's.
  std::string source = run_dir_ + "/" + tag + ".dev";
  std::string mount_point = run_dir_ + "/" + tag;
  unlink(source.c_str());
  if (symlink(device.c_str(), source.c_str()) != 0 || (mkdir(mount_point.c_str(), 0755) != 0 && errno != EEXIST)) {
    close(loop_fd);
    return "make " + mount_point + ": " + strerror(errno);
  }
  std::string why = keeper_.start([&] {
    return mount(source.c_str(), mount_point.c_str(), fstype, MS_NOSUID, nullptr) == 0 ? 0 : errno;
  });
  close(loop_fd);  // from now on only the keeper's mount holds the device
  if (!why.empty()) {
    why = std::string("mount ") + fstype + " on " + device + ": " + why;
    stop_instance();
    return why;
  }
  set_leftover_image(leftovers_, image_, keeper_.pid());
  base_ = mount_point;
  return {};
}

// tmpfs and overlay held by a keeper (resident runs): one mount serves many programs.
std::string Sandbox::start_memory_instance() {
  std::string tag = instance_tag();
  std::string mount_point = run_dir_ + "/" + tag;
  std::string parts = mount_point + "-parts";
  for (const std::string& dir : {mount_point, parts})
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return "mkdir " + dir + ": " + strerror(errno);
  std::string why = keeper_.start([&] { return mount_memory_target(target_.kind, mount_point, parts); });
  if (!why.empty()) return std::string("mount ") + fstype_of(target_.kind) + ": " + why;
  set_leftover_image(leftovers_, "", keeper_.pid());
  base_ = mount_point;
  return {};
}

// dir:PATH, resident: the keeper holds only a private namespace for the runs to share.
std::string Sandbox::start_dir_instance() {
  std::string why = keeper_.start([] { return 0; });
  if (!why.empty()) return "a private mount namespace: " + why;
  set_leftover_image(leftovers_, "", keeper_.pid());
  base_ = target_.dir;
  return {};
}

void Sandbox::stop_instance() {
  keeper_.stop();
  if (!image_.empty()) unlink(image_.c_str());
  image_.clear();
  set_leftover_image(leftovers_, "", -1);
}

std::string Sandbox::rebuild() {
  stop_served();
  if (!keeper_.running() && !on_loop_image(target_.kind)) return {};
  stop_instance();
  return start_instance();
}

// Whether the resident instance should make way for a fresh one before the next run:
// every options_.fresh_every runs, and when its space or inodes run low.
bool Sandbox::instance_worn() const {
  if (options_.fresh_every && runs_in_instance_ >= options_.fresh_every) return true;
  if (target_.kind == TargetKind::kDir || !keeper_.running()) return false;
  struct statvfs st {};
  std::string where = "/proc/" + std::to_string(keeper_.pid()) + "/root" + base_;
  if (statvfs(where.c_str(), &st) != 0) return false;
  return st.f_bfree * 8 < st.f_blocks || (st.f_files && st.f_ffree * 8 < st.f_files);
}

Sandbox::~Sandbox() {
  stop_served();
  stop_instance();
  if (target_.kind == TargetKind::kDir)
    remove_old_runs(base_, kRunPrefix + std::to_string(getpid()) + "-" + run_dir_.substr(run_dir_.rfind('-') + 1) + "-");
  remove_tree(run_dir_);
  unregister_leftovers(leftovers_);
}

// A run's fresh directory of the long-lived filesystem. Earlier runs' directories go with
// a resident instance when it is replaced (a tmpfs or image is dropped whole, far cheaper
// than removing each tree); on dir:PATH, and without a resident instance, each run removes
// its predecessors' first.
std::string Sandbox::fresh_directory() const {
  std::string prefix = kRunPrefix + std::to_string(getppid()) + "-" + run_dir_.substr(run_dir_.rfind('-') + 1) + "-";
  if (!resident() || target_.kind == TargetKind::kDir) remove_old_runs(base_, prefix);
  std::string dir = base_ + "/" + prefix + std::to_string(runs_);
  if (mkdir(dir.c_str(), 0755) != 0) environment_failure("mkdir " + dir);
  return dir;
}

// A fuse:* run whose parent dies must abort its connection before it goes: a program thread
// waiting on a request the (dying) serving threads had read waits uninterruptibly
// (request_wait_answer()) and holds the process, and with it the /dev/fuse fd whose release
// would end the wait. Plain SIGKILL left such a task in D state for good (hung-task reports
// in kmsg an hour later); the fd at kFuseAbortFd is the connection's fusectl abort file.
static void abort_fuse_and_die(int) {
  if (write(kFuseAbortFd, "1", 1) < 0) {}
  signal(SIGKILL, SIG_DFL);
  raise(SIGKILL);
}

// What every sandbox child does first: die with its parent, join the cgroup and the
// instance's namespace, open what the chroot will hide.
void Sandbox::enter_child(SandboxEnv& env) {
  if (target_.kind == TargetKind::kFuse) {
    struct sigaction sa {};
    sa.sa_handler = abort_fuse_and_die;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGHUP);
  } else {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
  }
  // The run's threads share the main malloc arena: a new thread's first allocation would
  // make an arena (mmap and page faults in every run) and size the arena limit from
  // get_nprocs(), which reads /sys/devices/system/cpu/online, i.e. a lookup in the
  // program's own root once chrooted.
  mallopt(M_ARENA_MAX, 1);
  if (!options_.cgroup_procs.empty() && !join_cgroup(options_.cgroup_procs)) environment_failure("join " + options_.cgroup_procs);
  if (keeper_.namespace_fd() >= 0 && setns(keeper_.namespace_fd(), CLONE_NEWNS) != 0)
    environment_failure("join the target's namespace");
  env.target = target_.name;
  env.drop_caches_fd = ::open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
  if (!options_.procfs) env.task_dir_fd = start_peer_prober();
}

// The resident instance's directory, held for fresh roots only: no op reaches it (ops
// name the fds they opened). High, so that the program's fds get the numbers they get in
// a fresh run.
int Sandbox::open_base_fd() const {
  int fd = ::open(base_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  int high = fcntl(fd, F_DUPFD_CLOEXEC, kServedFdBase);
  close(fd);
  return high;
}

void Sandbox::run_child(const std::function<int(const SandboxEnv&)>& body) {
  SandboxEnv env;
  enter_child(env);
  if (resident()) {
    std::string root = fresh_directory();
    int base_fd = open_base_fd();
    if (chdir(root.c_str()) != 0 || chroot(".") != 0 || chdir("/") != 0) environment_failure("chroot");
    std::string next = root.substr(root.rfind('/') + 1) + "-2";
    env.fresh_root = [base_fd, next]() mutable {
      bool ok = enter_fresh_root(base_fd, next);
      if (base_fd >= 0) close(base_fd);
      base_fd = -1;
      return ok;
    };
    umask(0);
    int code = body(env);
    fflush(nullptr);
    _exit(code);
  }
  if (unshare(CLONE_NEWNS) != 0) environment_failure("unshare(CLONE_NEWNS)");
  // Mount events must not propagate back to the host's (or the keeper's) namespace.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) environment_failure("make / private");
  std::string root = run_dir_ + "/root";
  switch (target_.kind) {
    case TargetKind::kTmpfs:
    case TargetKind::kOverlay:
      if (int err = mount_memory_target(target_.kind, root, run_dir_ + "/parts"); err != 0) {
        errno = err;
        environment_failure(std::string("mount ") + fstype_of(target_.kind) + " at " + root);
      }
      break;
    case TargetKind::kFuse: break;  // below, in the process that runs the body: it serves on threads
    default: {  // a fresh directory of the long-lived filesystem, bound over our root
      std::string dir = fresh_directory();
      must_mount(dir.c_str(), root, nullptr, MS_BIND, nullptr);
      break;
    }
  }
  if (options_.procfs) {
    // A procfs shows the PID namespace of its mounter: a new one, so that /proc/1 is ours.
    if (unshare(CLONE_NEWPID) != 0) environment_failure("unshare(CLONE_NEWPID)");
    pid_t init = fork();
    if (init < 0) environment_failure("fork");
    if (init > 0) {
      int status = 0;
      while (waitpid(init, &status, 0) < 0 && errno == EINTR) {}
      _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
  }
  FuseTarget fuse_target;
  if (target_.kind == TargetKind::kFuse) {
    if (std::string why = fuse_target.mount(root, target_.fuse); !why.empty()) environment_failure_why(why);
    env.observer = fuse_target.observer();
  }
  if (options_.procfs) {
    mkdir((root + "/proc").c_str(), 0555);
    must_mount("nameifuzz-proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    env.procfs = true;
  }
  if (chdir(root.c_str()) != 0 || chroot(".") != 0 || chdir("/") != 0) environment_failure("chroot");
  umask(0);  // modes in a program are exact
  if (target_.kind == TargetKind::kFuse)  // a second program gets a fresh directory of the same mount
    env.fresh_root = [] {
      return mkdir("/nameifuzz-then", 0755) == 0 && chdir("/nameifuzz-then") == 0 && chroot(".") == 0 && chdir("/") == 0;
    };
  if (env.observer) env.observer->take_trace();  // the chroot's and /proc's requests are ours, not the program's
  int code = body(env);
  if (env.observer) fuse_target.finish();
  fflush(nullptr);
  _exit(code);
}

// Before a run on a resident instance: a fresh instance when this one is worn.
bool Sandbox::renew_if_worn(RunStatus& status) {
  if (!resident() || !instance_worn()) return true;
  if (std::string why = rebuild(); !why.empty()) {
    fprintf(stderr, "nameifuzz: %s: a fresh instance: %s\n", target_.name.c_str(), why.c_str());
    status.exit_code = kExitEnvironment;
    return false;
  }
  return true;
}

RunStatus Sandbox::run(const std::function<int(const SandboxEnv&)>& body, const Watchdog& watchdog) {
  RunStatus status;
  if (!renew_if_worn(status)) return status;
  fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    perror("nameifuzz: fork");
    status.exit_code = kExitEnvironment;
    return status;
  }
  if (pid == 0) run_child(body);
  ++runs_;
  ++runs_in_instance_;
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (wait_run(pid, pidfd, -1, watchdog, status)) reap(pid, pidfd, status);
  return status;
}

// Waits until `reply_fd` is readable (a served run's end: true, the child lives on) or the
// child is gone (true, reap() it) or abandoned (false). A run without progress for the
// watchdog's time is killed.
bool Sandbox::wait_run(pid_t pid, int pidfd, int reply_fd, const Watchdog& watchdog, RunStatus& status) {
  uint64_t last = watchdog.progress ? watchdog.progress() : 0;
  int64_t last_change = monotonic_ns();
  int64_t killed_at = 0;
  bool fuse_aborted = false;
  for (;;) {
    pollfd p[2] = {{pidfd, POLLIN, 0}, {reply_fd, POLLIN, 0}};
    int ready = pidfd >= 0 ? poll(p, reply_fd >= 0 && !killed_at ? 2 : 1, 50) : 1;  // without pidfds: a blocking waitpid
    if (ready > 0) return true;
    int64_t now = monotonic_ns();
    if (killed_at) {
      // A thread waiting on a FUSE request the (now dead) serving threads had read waits
      // uninterruptibly (request_wait_answer()) and holds the process, and with it the
      // /dev/fuse fd whose release would end the wait: only an abort frees it.
      if (target_.kind == TargetKind::kFuse && !fuse_aborted && now - killed_at > 100'000'000) {
        abort_fuse_of(pidfd);
        fuse_aborted = true;
      }
      if (now - killed_at > 2'000'000'000) {  // stuck in the kernel: leave it, go on
        status.abandoned = true;
        status.exit_code = kExitEnvironment;
        abandoned_.push_back(pid);
        if (pidfd >= 0) close(pidfd);
        return false;
      }
      continue;
    }
    if (watchdog.stall_ns <= 0 || !watchdog.progress) continue;
    if (uint64_t p2 = watchdog.progress(); p2 != last) {
      last = p2;
      last_change = now;
    } else if (now - last_change > watchdog.stall_ns) {
      // Abort a FUSE run's connection before the kill, while its fd table can still be
      // reached (pidfd_getfd() finds none once the group leader has exited and only its
      // threads stuck in request_wait_answer() remain: measured, a zombie left behind).
      if (target_.kind == TargetKind::kFuse) fuse_aborted = abort_fuse_of(pidfd);
      kill(pid, SIGKILL);
      status.stalled = true;
      killed_at = now;
    }
  }
}

// The child is gone (or going): its exit status into `status`.
void Sandbox::reap(pid_t pid, int pidfd, RunStatus& status) {
  if (pidfd >= 0) close(pidfd);
  int ws = 0;
  while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(ws)) status.exit_code = WEXITSTATUS(ws);
  else if (!status.stalled) {
    fprintf(stderr, "nameifuzz: sandbox child killed by signal %d\n", WTERMSIG(ws));
    status.exit_code = kExitEnvironment;
  }
  std::erase_if(abandoned_, [](pid_t old) { return waitpid(old, nullptr, WNOHANG) != 0; });  // finally died
}

int run_in_sandbox(std::string_view target_name, const std::function<int(const SandboxEnv&)>& body) {
  auto target = parse_target(target_name);
  if (!target) {
    fprintf(stderr, "nameifuzz: unknown target '%.*s' (known: %.*s)\n", static_cast<int>(target_name.size()),
            target_name.data(), static_cast<int>(kKnownTargets.size()), kKnownTargets.data());
    return kExitEnvironment;
  }
  std::string why;
  auto sandbox = Sandbox::open(*target, {}, why);
  if (!sandbox) {
    fprintf(stderr, "nameifuzz: %s: %s\n", target->name.c_str(), why.c_str());
    return kExitEnvironment;
  }
  return sandbox->run(body).exit_code;
}

}  // namespace nfz
