#include "exec/sandbox.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nfz {
namespace {

constexpr int kExitEnvironment = 2;

struct TargetSpec {
  std::string_view name;
  const char* fstype;
  const char* source;
  const char* options;
};
constexpr TargetSpec kTargets[] = {
    {"tmpfs", "tmpfs", "nameifuzz-tmpfs", "mode=0755,size=256m,nr_inodes=65536"},
};

const TargetSpec* find_target(std::string_view name) {
  for (const auto& t : kTargets)
    if (t.name == name) return &t;
  return nullptr;
}

[[noreturn]] void environment_failure(const char* what) {
  fprintf(stderr, "nameifuzz: sandbox: %s: %s%s\n", what, strerror(errno),
          errno == EPERM ? " (the sandbox needs root: CAP_SYS_ADMIN for mount namespaces)" : "");
  _exit(kExitEnvironment);
}

// In the child: private namespace, fresh target, chroot. Never returns on failure.
SandboxEnv enter(const TargetSpec& target) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (mkdir(kMountPoint, 0700) != 0 && errno != EEXIST) environment_failure("mkdir " "/run/nameifuzz");
  if (unshare(CLONE_NEWNS) != 0) environment_failure("unshare(CLONE_NEWNS)");
  // Mount events must not propagate back to the host's namespace.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) environment_failure("make / private");
  SandboxEnv env;
  env.target = std::string(target.name);
  env.drop_caches_fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
  if (mount(target.source, kMountPoint, target.fstype, MS_NOSUID, target.options) != 0)
    environment_failure("mount target");
  if (chdir(kMountPoint) != 0 || chroot(".") != 0 || chdir("/") != 0) environment_failure("chroot");
  umask(0);  // modes in a program are exact
  return env;
}

}  // namespace

bool known_target(std::string_view target) { return find_target(target) != nullptr; }

int run_in_sandbox(std::string_view target_name, const std::function<int(const SandboxEnv&)>& body) {
  const TargetSpec* target = find_target(target_name);
  if (!target) {
    fprintf(stderr, "nameifuzz: unknown target '%.*s'\n", static_cast<int>(target_name.size()), target_name.data());
    return kExitEnvironment;
  }
  fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    perror("nameifuzz: fork");
    return kExitEnvironment;
  }
  if (pid == 0) {
    SandboxEnv env = enter(*target);
    int code = body(env);
    fflush(nullptr);
    _exit(code);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  fprintf(stderr, "nameifuzz: sandbox child killed by signal %d\n", WTERMSIG(status));
  return kExitEnvironment;
}

}  // namespace nfz
