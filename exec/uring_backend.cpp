#include "exec/uring_backend.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/sysmacros.h>

#include "exec/clock.hpp"
#include "exec/inject.hpp"
#include "exec/syscall_backend.hpp"

namespace nfz {
namespace {

__kernel_timespec timespec_until(int64_t deadline_ns) {
  int64_t left = std::max<int64_t>(deadline_ns - monotonic_ns(), 0);
  return {left / 1'000'000'000, left % 1'000'000'000};
}

// A register holding a direct descriptor is no fd: -1 gets the kernel's own EBADF.
int plain_fd(int8_t slot, const FdTable& fds) {
  if (slot == kNoSlot) return AT_FDCWD;
  return fds.plain(slot);
}

}  // namespace

void put_fixed_files(io_uring& ring) { io_uring_unregister_files(&ring); }

UringRing::~UringRing() {
  if (!ready_) return;
  put_fixed_files(ring_);
  io_uring_queue_exit(&ring_);
}

std::string UringRing::init(bool high_fd) {
  // One task submits and reaps (the thread that made the ring); io-wq completions are
  // posted when it next enters to wait (DEFER_TASKRUN), so a CQE seen right after the
  // submit-only enter is one the submission itself completed: inline.
  unsigned flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  int r = io_uring_queue_init(2 * kMaxChain, &ring_, flags);
  if (r == -EINVAL) r = io_uring_queue_init(2 * kMaxChain, &ring_, 0);  // kernels before 6.1
  if (r < 0) return std::string("io_uring_queue_init: ") + strerror(-r);
  ready_ = true;
  if (int high = high_fd ? fcntl(ring_.ring_fd, F_DUPFD_CLOEXEC, kServedFdBase) : -1; high >= 0) {
    close(ring_.ring_fd);
    ring_.ring_fd = ring_.enter_ring_fd = high;  // no registered ring fd: enter uses this one
  }
  if (int r = io_uring_register_files_sparse(&ring_, kSlotCount); r < 0)
    return std::string("io_uring_register_files_sparse: ") + strerror(-r);
  return {};
}

bool UringRing::clear_fixed() {
  if (!ready_ || !fixed_used_) return true;
  fixed_used_ = false;
  put_fixed_files(ring_);
  if (io_uring_register_files_sparse(&ring_, kSlotCount) == 0) return true;
  io_uring_queue_exit(&ring_);
  ready_ = false;
  return false;
}

void UringRing::prep(const Op& op, size_t index, bool link_next, FdTable& fds) {
  fixed_used_ |= op.issue.fixed;
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  const char* p = op.path.c_str();
  switch (inject::phantom(op) ? OpKind::kSleep : op.kind) {  // a phantom is a NOP: 0, nothing done
    case OpKind::kOpen: {
      int dfd = plain_fd(op.dirfd, fds);
      const uint32_t open_flags = inject::open_flags(op);
      if (op.openat2) {
        how_[index] = open_how{.flags = open_flags, .mode = op.mode, .resolve = op.resolve};
        if (op.issue.fixed) io_uring_prep_openat2_direct(sqe, dfd, p, &how_[index], op.fd);
        else io_uring_prep_openat2(sqe, dfd, p, &how_[index]);
      } else {
        int flags = static_cast<int>(open_flags);
        if (op.issue.fixed) io_uring_prep_openat_direct(sqe, dfd, p, flags, op.mode, op.fd);
        else io_uring_prep_openat(sqe, dfd, p, flags, op.mode);
      }
      break;
    }
    case OpKind::kClose:
      if (op.issue.fixed) io_uring_prep_close_direct(sqe, op.fd);
      else io_uring_prep_close(sqe, closing_[index] = fds.take(op.fd));  // the kernel's close owns it now
      break;
    case OpKind::kMkdir: io_uring_prep_mkdirat(sqe, AT_FDCWD, p, op.mode); break;
    case OpKind::kRmdir: io_uring_prep_unlinkat(sqe, AT_FDCWD, p, AT_REMOVEDIR); break;
    case OpKind::kUnlink: io_uring_prep_unlinkat(sqe, AT_FDCWD, p, 0); break;
    case OpKind::kRename:
      io_uring_prep_renameat(sqe, AT_FDCWD, p, AT_FDCWD, op.path2.c_str(), op.flags);
      break;
    case OpKind::kSymlink: io_uring_prep_symlinkat(sqe, p, AT_FDCWD, op.path2.c_str()); break;
    case OpKind::kLink: io_uring_prep_linkat(sqe, AT_FDCWD, p, AT_FDCWD, op.path2.c_str(), 0); break;
    case OpKind::kStatx:
      io_uring_prep_statx(sqe, AT_FDCWD, p, static_cast<int>(op.flags), STATX_BASIC_STATS, &statx_[index]);
      break;
    default:  // mknod and harness actions never come here (validate_op)
      io_uring_prep_nop(sqe);
      break;
  }
  unsigned flags = 0;
  if (op.issue.via == Via::kUringAsync) flags |= IOSQE_ASYNC;
  if (link_next) flags |= IOSQE_IO_LINK;
  io_uring_sqe_set_flags(sqe, flags);
  io_uring_sqe_set_data64(sqe, index);
}

void apply_uring_result(const Op& op, int res, const struct statx& stx, int closing, FdTable& fds, Event& ev) {
  ev.result = res;
  if (op.kind == OpKind::kClose && op.issue.fixed) fds.forget_fixed(op.fd);
  if (op.kind == OpKind::kClose && !op.issue.fixed && res == -ECANCELED) fds.restore(op.fd, closing);
  if (res < 0) return;
  if (op.kind == OpKind::kStatx) {
    record_identity(stx, ev);
  } else if (op.kind == OpKind::kOpen) {
    if (op.issue.fixed) {
      fds.put_fixed(op.fd);
      return;
    }
    record_identity(res, ev);
    if (op.fd == kNoSlot) close(res);
    else fds.put(op.fd, res);
  }
}

void UringRing::run_chain(std::span<const Op> chain, FdTable& fds, std::span<Event> events,
                          int64_t deadline_ns, const std::atomic<bool>* cut) {
  // The call starts before prep(): prep reads the fd registers (a close takes its fd).
  int64_t call = monotonic_ns();
  for (size_t i = 0; i < chain.size(); ++i) prep(chain[i], i, i + 1 < chain.size(), fds);
  uint64_t nvcsw = thread_nvcsw();
  int submitted = io_uring_submit(&ring_);  // io_uring_enter(to_submit=n, min_complete=0)
  inject::after_submit();
  uint32_t slept = static_cast<uint32_t>(thread_nvcsw() - nvcsw);
  for (Event& ev : events) {
    ev.call_ns = call;
    ev.nvcsw = slept;
    ev.how = Completion::kUnknown;
    ev.return_ns = -1;
  }
  if (submitted < 0) {
    for (Event& ev : events) ev.result = submitted, ev.return_ns = monotonic_ns();
    return;
  }
  reap(chain, fds, events, deadline_ns, cut);
}

void UringRing::reap(std::span<const Op> chain, FdTable& fds, std::span<Event> events, int64_t deadline_ns,
                     const std::atomic<bool>* cut) {
  size_t pending = chain.size();
  bool inline_window = true, cancelled = false;
  while (pending > 0) {
    io_uring_cqe* cqe = nullptr;
    int r = inline_window ? io_uring_peek_cqe(&ring_, &cqe) : 0;
    if (inline_window && r != 0) {
      inline_window = false;
      continue;
    }
    if (!inline_window) {
      __kernel_timespec ts = timespec_until(deadline_ns);
      r = !cancelled && cut && cut->load(std::memory_order_relaxed) ? -ETIME : io_uring_wait_cqe_timeout(&ring_, &cqe, &ts);
    }
    if (r == -ETIME || r == -EINTR) {
      if (cancelled) break;  // even cancellation did not end them: leave them hung
      io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
      io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
      io_uring_sqe_set_data64(sqe, kCancelTag);
      io_uring_submit(&ring_);
      cancelled = true;
      deadline_ns = monotonic_ns() + 1'000'000'000;
      continue;
    }
    if (r < 0) break;
    uint64_t tag = io_uring_cqe_get_data64(cqe);
    int res = cqe->res;
    io_uring_cqe_seen(&ring_, cqe);
    if (tag == kCancelTag || tag >= chain.size()) continue;
    Event& ev = events[tag];
    // After a cancel the op still counts as hung (it returned only because we cancelled
    // it), but what it opened is kept in its register so that nothing leaks.
    apply_uring_result(chain[tag], res, statx_[tag], closing_[tag], fds, ev);
    // Stamped after the result is applied: an open's return covers its register update,
    // so that an op of another thread called after it sees the new fd (real-time order).
    if (!cancelled) {
      ev.how = inline_window ? Completion::kInline : Completion::kPunted;
      ev.return_ns = monotonic_ns();
    }
    --pending;
  }
  for (Event& ev : events)
    if (!ev.returned()) ev.how = Completion::kHung;
}

}  // namespace nfz
