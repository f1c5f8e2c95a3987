#include "exec/syscall_backend.hpp"

#include <cerrno>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "exec/clock.hpp"
#include "exec/inject.hpp"

namespace nfz {
namespace {

int dirfd_of(const Op& op, const FdTable& fds) {
  if (op.dirfd == kNoSlot) return AT_FDCWD;
  return fds.plain(op.dirfd);  // a direct descriptor is no fd
}

long issue_open(const Op& op, const FdTable& fds) {
  int dfd = dirfd_of(op, fds);
  const uint32_t flags = inject::open_flags(op);
  if (!op.openat2) return openat(dfd, op.path.c_str(), static_cast<int>(flags), op.mode);
  open_how how{};
  how.flags = flags;
  how.mode = op.mode;
  how.resolve = op.resolve;
  return syscall(SYS_openat2, dfd, op.path.c_str(), &how, sizeof how);
}

long issue(const Op& op, FdTable& fds, struct statx* stx) {
  const char* p = op.path.c_str();
  if (inject::phantom(op)) return 0;
  switch (op.kind) {
    case OpKind::kOpen: return issue_open(op, fds);
    case OpKind::kClose:  // a direct descriptor is no fd: close(-1) gets the kernel's EBADF
      return close(fds.take(op.fd));
    case OpKind::kMkdir: return mkdir(p, op.mode);
    case OpKind::kRmdir: return rmdir(p);
    case OpKind::kUnlink: return unlink(p);
    case OpKind::kRename: return syscall(SYS_renameat2, AT_FDCWD, p, AT_FDCWD, op.path2.c_str(), op.flags);
    case OpKind::kSymlink: return symlink(p, op.path2.c_str());
    case OpKind::kLink: return link(p, op.path2.c_str());
    case OpKind::kMknod: return mknod(p, op.mode, makedev(op.major, op.minor));
    case OpKind::kStatx: return statx(AT_FDCWD, p, static_cast<int>(op.flags), STATX_BASIC_STATS, stx);
    default: return (errno = EINVAL), -1;
  }
}

}  // namespace

void record_identity(int fd, Event& ev) {
  struct stat st;
  if (fstat(fd, &st) == 0) ev.dev = st.st_dev, ev.ino = st.st_ino, ev.type = st.st_mode & S_IFMT;
}

void record_identity(const struct statx& stx, Event& ev) {
  ev.dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
  ev.ino = stx.stx_ino;
  ev.type = stx.stx_mode & S_IFMT;
  ev.nlink = static_cast<int32_t>(stx.stx_nlink);
}

void run_syscall(const Op& op, FdTable& fds, Event& ev) {
  struct statx stx;
  ev.how = Completion::kSyscall;
  uint64_t nvcsw = thread_nvcsw();
  ev.call_ns = monotonic_ns();
  long r = issue(op, fds, &stx);
  int err = errno;
  ev.nvcsw = static_cast<uint32_t>(thread_nvcsw() - nvcsw);
  ev.result = r < 0 ? -err : static_cast<int32_t>(r);
  if (r >= 0 && op.kind == OpKind::kStatx) {
    record_identity(stx, ev);
  } else if (r >= 0 && op.kind == OpKind::kOpen) {
    record_identity(static_cast<int>(r), ev);
    if (op.fd == kNoSlot) close(static_cast<int>(r));
    else fds.put(op.fd, static_cast<int>(r));
  }
  // After the register update: an op called after this return sees the new fd.
  ev.return_ns = monotonic_ns();
}

}  // namespace nfz
