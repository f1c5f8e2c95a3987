#include "exec/issue.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "exec/clock.hpp"
#include "exec/fuse/observer_fs.hpp"
#include "exec/uring_backend.hpp"

namespace nfz {

void run_harness_action(const Op& op, const SandboxEnv& env, Event& ev) {
  ev.how = Completion::kSyscall;
  ev.call_ns = monotonic_ns();
  ev.result = 0;
  switch (op.kind) {
    case OpKind::kDropCaches: {
      char level = static_cast<char>('0' + op.arg);
      if (env.drop_caches_fd < 0 || pwrite(env.drop_caches_fd, &level, 1, 0) != 1) ev.result = -errno;
      break;
    }
    case OpKind::kSleep: usleep(op.arg); break;
    case OpKind::kRevalidate:  // fuse_lowlevel_notify_inval_entry() for every entry; elsewhere nothing
      if (env.observer) env.observer->invalidate_all();
      break;
    default: break;
  }
  ev.return_ns = monotonic_ns();
}

size_t chain_end(const std::vector<Op>& ops, size_t begin) {
  size_t end = begin + 1;
  while (end < ops.size() && end - begin < kMaxChain && ops[end - 1].issue.link &&
         ops[end].issue.via != Via::kSyscall && !is_harness_action(ops[end].kind))
    ++end;
  return end;
}

bool needs_uring(const Program& p) {
  auto uses = [](const std::vector<Op>& ops) {
    for (const auto& op : ops)
      if (op.issue.via != Via::kSyscall) return true;
    return false;
  };
  if (uses(p.setup)) return true;
  for (const auto& t : p.threads)
    if (uses(t)) return true;
  return false;
}

void explain_hang(const Op& op, const FdTable& fds, Event& ev) {
  if (op.kind != OpKind::kOpen || ev.how != Completion::kHung) return;
  int dfd = op.dirfd == kNoSlot ? AT_FDCWD : fds.plain(op.dirfd);
  struct stat st;
  int flags = (op.flags & O_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0;
  if (fstatat(dfd, op.path.c_str(), &st, flags) == 0 && S_ISFIFO(st.st_mode)) ev.dev = st.st_dev, ev.ino = st.st_ino;
}

}  // namespace nfz
