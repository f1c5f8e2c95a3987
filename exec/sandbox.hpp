// The sandbox every generated op runs in (DESIGN §6): a child process in a private mount
// namespace, chrooted into a fresh instance of the target, so that no path a program
// makes (absolute symlinks, `..` chains) can reach the host. Mounts made there vanish
// with the namespace when the child exits, however it exits.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace nfz {

// Mount points of ours on the host: one empty directory, named so a reader of
// /proc/mounts can tell our mounts (made only inside private namespaces) from theirs.
inline constexpr const char* kMountPoint = "/run/nameifuzz";

// What the body may use that the chroot hides.
struct SandboxEnv {
  std::string target;
  int drop_caches_fd = -1;  // /proc/sys/vm/drop_caches, opened before the chroot
};

// Target names this build can mount.
bool known_target(std::string_view target);

// Runs `body` in the sandbox and returns its exit code. An environment failure (not
// root, no mount namespaces) is printed as one line and returns 2.
int run_in_sandbox(std::string_view target, const std::function<int(const SandboxEnv&)>& body);

}  // namespace nfz
