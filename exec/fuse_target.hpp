// The FUSE observer as a sandbox target (docs/TARGETS.md): in a sandbox child, the observer is
// mounted over the run's root before the chroot (it opens the host's /dev/fuse), serves
// on threads of the child for the whole body, and goes when the body is done.
//
// The child is chrooted inside the observer's mount, so the observer's own unmount (by
// its host path) cannot reach it afterwards, and our root keeps the superblock alive
// past a lazy unmount: the connection is ended through fusectl's per-connection `abort`
// file, opened before the chroot. Aborting also frees a body thread stuck on a request
// the server will never answer, which would otherwise hold the process (and its serving
// threads' /dev/fuse fd) forever: FUSE's classic self-deadlock.
#pragma once

#include <string>

#include "exec/fuse/observer_fs.hpp"

namespace nfz {

// The run child keeps its connection's abort file at this fd, so that the parent can end
// the connection of a run it killed but that does not die (pidfd_getfd()).
inline constexpr int kFuseAbortFd = 1000;

// In the parent: aborts the FUSE connection of the run `pidfd` refers to. Returns whether
// it could (a run on another target, or one already gone, has no such fd).
bool abort_fuse_of(int pidfd);

class FuseTarget {
 public:
  // Mounts the observer with `personality` ("strict", "churn+latency", ...) at `root`
  // (a host path, before the chroot). Returns why it could not, or "".
  std::string mount(const std::string& root, const std::string& personality);
  fuse::ObserverFs* observer() { return &fs_; }
  // After the body, chrooted at the mount: detaches it, aborts the connection and stops
  // the serving threads.
  void finish();

 private:
  fuse::ObserverFs fs_;
  int abort_fd_ = -1;
};

}  // namespace nfz
