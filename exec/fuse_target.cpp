#include "exec/fuse_target.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace nfz {
namespace {

constexpr const char* kFusectl = "/sys/fs/fuse/connections";

// fusectl names a connection after its superblock's s_dev in the kernel's encoding
// (fuse_ctl_add_conn(): "%u", fc->dev), MAJOR << 20 | MINOR, not glibc's st_dev.
std::string connection_dir(dev_t dev) {
  return std::string(kFusectl) + "/" + std::to_string((major(dev) << 20) | minor(dev));
}

}  // namespace

bool abort_fuse_of(int pidfd) {
  int fd = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, kFuseAbortFd, 0));
  if (fd < 0) return false;
  bool done = write(fd, "1", 1) == 1;
  close(fd);
  return done;
}

std::string FuseTarget::mount(const std::string& root, const std::string& personality) {
  fuse::ObserverOptions options;
  if (!fuse::observer_options_by_name(personality, options)) return "unknown FUSE personality '" + personality + "'";
  if (std::string why = fs_.mount(root, options); !why.empty()) return why;
  struct stat st;
  if (stat(root.c_str(), &st) != 0) return "stat " + root + ": " + strerror(errno);
  std::string abort_file = connection_dir(st.st_dev) + "/abort";
  // The host may not mount fusectl; we are in our own mount namespace, so mount one here.
  if (access(abort_file.c_str(), W_OK) != 0)
    ::mount("nameifuzz-fusectl", kFusectl, "fusectl", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  abort_fd_ = open(abort_file.c_str(), O_WRONLY | O_CLOEXEC);
  if (abort_fd_ >= 0 && abort_fd_ != kFuseAbortFd && dup3(abort_fd_, kFuseAbortFd, O_CLOEXEC) == kFuseAbortFd) {
    close(abort_fd_);
    abort_fd_ = kFuseAbortFd;
  }
  return {};
}

void FuseTarget::finish() {
  // "/" is the observer's root now; MNT_DETACH is what allows unmounting one's own root.
  umount2("/", MNT_DETACH);
  if (abort_fd_ < 0) return;  // no fusectl: the serving threads end with the process
  if (write(abort_fd_, "1", 1) != 1) return;
  close(abort_fd_);
  abort_fd_ = -1;
  fs_.unmount();  // its own umount2 by host path misses harmlessly; the loop has ended
}

}  // namespace nfz
