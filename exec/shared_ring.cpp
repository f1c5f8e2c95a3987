#include "exec/shared_ring.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/sysmacros.h>

#include "exec/clock.hpp"
#include "exec/inject.hpp"
#include "exec/syscall_backend.hpp"

namespace nfz {
namespace {

uint64_t tag_of(int thread, size_t index) { return (static_cast<uint64_t>(thread) << 16) | index; }

}  // namespace

SharedRing::~SharedRing() {
  if (!ready_) return;
  put_fixed_files(ring_);  // before the run's oracles look (uring_backend.hpp)
  io_uring_queue_exit(&ring_);
}

std::string SharedRing::init(int threads) {
  threads_ = threads;
  slots_ = std::make_unique<Slot[]>(static_cast<size_t>(threads));
  if (int r = io_uring_queue_init(static_cast<unsigned>(2 * kMaxChain * threads), &ring_, 0); r < 0)
    return std::string("io_uring_queue_init: ") + strerror(-r);
  ready_ = true;
  if (int r = io_uring_register_files_sparse(&ring_, kSlotCount); r < 0)
    return std::string("io_uring_register_files_sparse: ") + strerror(-r);
  return {};
}

void SharedRing::prep(int thread, const Op& op, size_t index, bool link_next, FdTable& fds) {
  Slot& slot = slots_[thread];
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  const char* p = op.path.c_str();
  int dfd = op.dirfd == kNoSlot ? AT_FDCWD : fds.plain(op.dirfd);
  const uint32_t open_flags = inject::open_flags(op);
  switch (inject::phantom(op) ? OpKind::kSleep : op.kind) {  // a phantom is a NOP: 0, nothing done
    case OpKind::kOpen:
      slot.how[index] = open_how{.flags = op.openat2 ? open_flags : open_flags | O_LARGEFILE, .mode = op.mode,
                                 .resolve = op.openat2 ? op.resolve : 0};
      if (op.openat2) {
        if (op.issue.fixed) io_uring_prep_openat2_direct(sqe, dfd, p, &slot.how[index], op.fd);
        else io_uring_prep_openat2(sqe, dfd, p, &slot.how[index]);
      } else {
        int flags = static_cast<int>(open_flags);
        if (op.issue.fixed) io_uring_prep_openat_direct(sqe, dfd, p, flags, op.mode, op.fd);
        else io_uring_prep_openat(sqe, dfd, p, flags, op.mode);
      }
      break;
    case OpKind::kClose:
      if (op.issue.fixed) io_uring_prep_close_direct(sqe, op.fd);
      else io_uring_prep_close(sqe, slot.closing[index] = fds.take(op.fd));
      break;
    case OpKind::kMkdir: io_uring_prep_mkdirat(sqe, AT_FDCWD, p, op.mode); break;
    case OpKind::kRmdir: io_uring_prep_unlinkat(sqe, AT_FDCWD, p, AT_REMOVEDIR); break;
    case OpKind::kUnlink: io_uring_prep_unlinkat(sqe, AT_FDCWD, p, 0); break;
    case OpKind::kRename: io_uring_prep_renameat(sqe, AT_FDCWD, p, AT_FDCWD, op.path2.c_str(), op.flags); break;
    case OpKind::kSymlink: io_uring_prep_symlinkat(sqe, p, AT_FDCWD, op.path2.c_str()); break;
    case OpKind::kLink: io_uring_prep_linkat(sqe, AT_FDCWD, p, AT_FDCWD, op.path2.c_str(), 0); break;
    case OpKind::kStatx:
      io_uring_prep_statx(sqe, AT_FDCWD, p, static_cast<int>(op.flags), STATX_BASIC_STATS, &slot.stx[index]);
      break;
    default: io_uring_prep_nop(sqe); break;
  }
  unsigned flags = 0;
  if (op.issue.via == Via::kUringAsync) flags |= IOSQE_ASYNC;
  if (link_next) flags |= IOSQE_IO_LINK;
  io_uring_sqe_set_flags(sqe, flags);
  io_uring_sqe_set_data64(sqe, tag_of(thread, index));
  slot.done[index].store(false, std::memory_order_relaxed);
}

void SharedRing::drain(int inline_owner) {
  io_uring_cqe* cqe = nullptr;
  while (io_uring_peek_cqe(&ring_, &cqe) == 0) {
    uint64_t tag = io_uring_cqe_get_data64(cqe);
    int res = cqe->res;
    io_uring_cqe_seen(&ring_, cqe);
    if (tag == kCancelTag) continue;
    int owner = static_cast<int>(tag >> 16);
    size_t index = tag & 0xffff;
    if (owner >= threads_ || index >= kMaxChain) continue;
    Slot& slot = slots_[owner];
    slot.res[index] = res;
    slot.return_ns[index] = monotonic_ns();
    slot.inline_[index] = owner == inline_owner;
    slot.done[index].store(true, std::memory_order_release);
  }
}

void SharedRing::run_chain(int thread, std::span<const Op> chain, FdTable& fds, std::span<Event> events,
                           int64_t deadline_ns, const std::atomic<bool>* cut) {
  Slot& slot = slots_[thread];
  int submitted;
  {
    std::lock_guard lock(mu_);
    int64_t call = monotonic_ns();  // before prep(), which reads the fd registers
    for (size_t i = 0; i < chain.size(); ++i) prep(thread, chain[i], i, i + 1 < chain.size(), fds);
    uint64_t nvcsw = thread_nvcsw();
    submitted = io_uring_submit(&ring_);  // io_uring_enter(to_submit=n, min_complete=0)
    inject::after_submit();
    uint32_t slept = static_cast<uint32_t>(thread_nvcsw() - nvcsw);
    for (Event& ev : events) ev.call_ns = call, ev.nvcsw = slept, ev.how = Completion::kUnknown, ev.return_ns = -1;
    if (submitted >= 0) drain(thread);
  }
  if (submitted < 0) {
    for (Event& ev : events) ev.result = submitted, ev.return_ns = monotonic_ns();
    return;
  }
  bool cancelled = false;
  int64_t op_deadline = deadline_ns;
  for (;;) {
    size_t pending = 0;
    for (size_t i = 0; i < chain.size(); ++i) pending += !slot.done[i].load(std::memory_order_acquire);
    if (pending == 0) break;
    std::unique_lock lock(mu_);
    drain(-1);
    if (!cancelled && cut && cut->load(std::memory_order_relaxed)) op_deadline = deadline_ns = monotonic_ns() - 1;
    if (monotonic_ns() > deadline_ns) {
      if (cancelled) break;  // even cancellation did not end them: leave them hung
      for (size_t i = 0; i < chain.size(); ++i) {
        if (slot.done[i].load(std::memory_order_acquire)) continue;
        io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
        io_uring_prep_cancel64(sqe, tag_of(thread, i), 0);
        io_uring_sqe_set_data64(sqe, kCancelTag);
      }
      io_uring_submit(&ring_);
      cancelled = true;
      deadline_ns = monotonic_ns() + 1'000'000'000;
      continue;
    }
    // Wait briefly for any completion (ours or another thread's), then let others in.
    io_uring_cqe* cqe = nullptr;
    __kernel_timespec ts{0, 200'000};
    io_uring_wait_cqe_timeout(&ring_, &cqe, &ts);
  }
  for (size_t i = 0; i < chain.size(); ++i) {
    Event& ev = events[i];
    if (!slot.done[i].load(std::memory_order_acquire)) {
      ev.how = Completion::kHung;
      continue;
    }
    // An op that returned only because we cancelled it still counts as hung, but what it
    // opened is kept in its register so that nothing leaks.
    bool returned = !cancelled || slot.return_ns[i] <= op_deadline;
    ev.how = !returned ? Completion::kHung : slot.inline_[i] ? Completion::kInline : Completion::kPunted;
    apply_uring_result(chain[i], slot.res[i], slot.stx[i], slot.closing[i], fds, ev);
    // After the register update: an op called after this return sees the new fd.
    if (returned) ev.return_ns = monotonic_ns();
  }
}

}  // namespace nfz
