// ---- issue: each op as a plain system call or as io_uring requests, as nameifuzz's
// executor issues them (exec/syscall_backend.cpp, exec/uring_backend.cpp) ----
#define FUSE_LOG 8192

struct shared {  // written by the run's child process, read by the parent's check
  struct outcome out[TOTAL_OPS + 1];
  pid_t tid[NLISTS];
  _Atomic int abandoned;  // an op still had not returned after its deadline and a cancel
  int fuse_seen;
  // The FUSE requests, as they came; `held`: a MKNOD, MKDIR or CREATE of a name the server held then.
  struct seen_request { int req; pid_t tid; long long recv_ns; int held; } fuse[FUSE_LOG];
};
static struct shared *shared;

#define CANCEL_TAG (~0ULL)
#define GRACE_NS 1000000000LL

struct worker {
  const struct list *list;
  struct outcome *out;
  struct io_uring ring;
  int have_ring;
  struct open_how how[MAX_CHAIN];
  struct statx stx[MAX_CHAIN];
  int closing[MAX_CHAIN];
  _Atomic long long op_started;  // 0 between ops
  _Atomic int via_syscall, interrupted, finished;
  _Atomic pid_t tid;
};

static int twin;  // issue.equivalent's second run: every op a plain system call

// The op as this run issues it: as written, or (twin) as a plain system call.
static struct op issued(const struct op *op) {
  struct op o = *op;
  if (twin) o.via = SYSCALL, o.link = 0, o.fixed = 0;
  return o;
}

// The run gave up on an op that did not come back: whatever returns after that (ended
// by fuse_abort() or by its own latency) came back too late to count as returned.
static int gave_up(void) { return atomic_load(&shared->abandoned); }

static int dirfd_of(const struct op *op) { return op->dirfd < 0 ? AT_FDCWD : reg_plain(op->dirfd); }

static long issue_syscall(const struct op *op, struct statx *stx) {
  const char *p = op->path;
  switch (op->kind) {
  case OPEN:
    if (!op->openat2) return openat(dirfd_of(op), p, (int)op->flags, op->mode);
    struct open_how how = {.flags = op->flags, .mode = op->mode, .resolve = op->resolve};
    return syscall(SYS_openat2, dirfd_of(op), p, &how, sizeof how);
  case CLOSE: return close(reg_take(op->fd));  // an empty register: close(-1), EBADF
  case MKDIR: return mkdir(p, op->mode);
  case RMDIR: return rmdir(p);
  case UNLINK: return unlink(p);
  case RENAME: return syscall(SYS_renameat2, AT_FDCWD, p, AT_FDCWD, op->path2, op->flags);
  case SYMLINK: return symlink(p, op->path2);
  case LINK: return link(p, op->path2);
  case MKNOD: return mknod(p, op->mode, makedev(op->major, op->minor));
  case STATX: return statx(AT_FDCWD, p, (int)op->flags, STATX_BASIC_STATS, stx);
  default: return errno = EINVAL, -1;
  }
}

static void run_syscall(struct worker *w, const struct op *op, struct outcome *out) {
  struct statx stx;
  long nvcsw = thread_nvcsw();
  long long call = now_ns();
  atomic_store(&w->via_syscall, 1);
  atomic_store(&w->op_started, call);
  long r = issue_syscall(op, &stx);
  int err = errno;
  atomic_store(&w->op_started, 0);
  if (gave_up()) return;
  out->call_ns = call;
  out->enter_us = (long)((now_ns() - call) / 1000);
  out->nvcsw = thread_nvcsw() - nvcsw;
  out->res = r < 0 ? -err : (int)r;
  out->ran = 1;
  // The watchdog interrupts a syscall past its deadline (a FIFO open waiting for its
  // other end): that op hung.
  if (atomic_exchange(&w->interrupted, 0) && out->res == -EINTR) out->hung = 1;
  if (r >= 0 && op->kind == OPEN) {
    if (op->fd < 0) close((int)r);
    else reg_put(op->fd, (int)r);
  }
}

static void harness_action(const struct op *op, struct outcome *out);

static void prep(struct worker *w, const struct op *op, int i, int link_next) {
  struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);
  const char *p = op->path;
  switch (op->kind) {
  case OPEN:
    if (op->openat2) {
      w->how[i] = (struct open_how){.flags = op->flags, .mode = op->mode, .resolve = op->resolve};
      if (op->fixed) io_uring_prep_openat2_direct(sqe, dirfd_of(op), p, &w->how[i], (unsigned)op->fd);
      else io_uring_prep_openat2(sqe, dirfd_of(op), p, &w->how[i]);
    } else if (op->fixed) {
      io_uring_prep_openat_direct(sqe, dirfd_of(op), p, (int)op->flags, op->mode, (unsigned)op->fd);
    } else {
      io_uring_prep_openat(sqe, dirfd_of(op), p, (int)op->flags, op->mode);
    }
    break;
  case CLOSE:
    if (op->fixed) io_uring_prep_close_direct(sqe, (unsigned)op->fd);
    else io_uring_prep_close(sqe, w->closing[i] = reg_take(op->fd));
    break;
  case MKDIR: io_uring_prep_mkdirat(sqe, AT_FDCWD, p, op->mode); break;
  case RMDIR: io_uring_prep_unlinkat(sqe, AT_FDCWD, p, AT_REMOVEDIR); break;
  case UNLINK: io_uring_prep_unlinkat(sqe, AT_FDCWD, p, 0); break;
  case RENAME: io_uring_prep_renameat(sqe, AT_FDCWD, p, AT_FDCWD, op->path2, op->flags); break;
  case SYMLINK: io_uring_prep_symlinkat(sqe, p, AT_FDCWD, op->path2); break;
  case LINK: io_uring_prep_linkat(sqe, AT_FDCWD, p, AT_FDCWD, op->path2, 0); break;
  case STATX: io_uring_prep_statx(sqe, AT_FDCWD, p, (int)op->flags, STATX_BASIC_STATS, &w->stx[i]); break;
  default: io_uring_prep_nop(sqe); break;  // io_uring has no mknod; harness actions are no requests
  }
  unsigned flags = 0;
  if (op->via == URING_ASYNC) flags |= IOSQE_ASYNC;
  if (link_next) flags |= IOSQE_IO_LINK;
  io_uring_sqe_set_flags(sqe, flags);
  io_uring_sqe_set_data64(sqe, (uint64_t)i);
}

static void apply_cqe(struct worker *w, const struct op *op, int i, int res, struct outcome *out) {
  out->res = res;
  out->ran = 1;
  if (op->kind == CLOSE && op->fixed) reg_forget_fixed(op->fd);
  if (op->kind == CLOSE && !op->fixed && res == -ECANCELED) reg_restore(op->fd, w->closing[i]);
  if (res < 0 || op->kind != OPEN) return;
  if (op->fixed) reg_put(op->fd, REG_FIXED);
  else if (op->fd < 0) close(res);
  else reg_put(op->fd, res);
}

// Waits for the chain's CQEs until the deadline, then cancels what is left (as the
// executor does) and waits one more second.
static void reap(struct worker *w, const struct op *chain, int n, struct outcome *out, long long deadline) {
  int pending = n, inline_window = 1, cancelled = 0;
  while (pending > 0) {
    struct io_uring_cqe *cqe = NULL;
    int r;
    if (inline_window) {
      if (io_uring_peek_cqe(&w->ring, &cqe) != 0) {
        inline_window = 0;
        continue;
      }
      r = 0;
    } else {
      long long left = deadline - now_ns();
      if (left < 0) left = 0;
      struct __kernel_timespec ts = {left / 1000000000LL, left % 1000000000LL};
      r = io_uring_wait_cqe_timeout(&w->ring, &cqe, &ts);
    }
    if (r == -ETIME || r == -EINTR) {
      if (cancelled) break;
      struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);
      io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
      io_uring_sqe_set_data64(sqe, CANCEL_TAG);
      io_uring_submit(&w->ring);
      cancelled = 1;
      deadline = now_ns() + GRACE_NS;
      continue;
    }
    if (r < 0 || gave_up()) break;
    uint64_t tag = io_uring_cqe_get_data64(cqe);
    int res = cqe->res;
    io_uring_cqe_seen(&w->ring, cqe);
    if (tag == CANCEL_TAG || tag >= (uint64_t)n) continue;
    apply_cqe(w, &chain[tag], (int)tag, res, &out[tag]);
    out[tag].hung = cancelled;
    out[tag].inline_ = inline_window && !cancelled;
    --pending;
  }
  for (int i = 0; i < n; ++i)
    if (!out[i].ran) out[i].hung = 1;
}

// Submits chain[0..n) with one submit-only io_uring_enter (min_complete 0) and reaps it.
static void run_chain(struct worker *w, const struct op *chain, int n, struct outcome *out) {
  for (int i = 0; i < n; ++i) prep(w, &chain[i], i, i + 1 < n);
  atomic_store(&w->via_syscall, 0);
  long long call = now_ns();
  atomic_store(&w->op_started, call);
  long nvcsw = thread_nvcsw();
  int submitted = io_uring_submit(&w->ring);
  long slept = thread_nvcsw() - nvcsw;
  long enter_us = (long)((now_ns() - call) / 1000);
  if (gave_up()) return;
  for (int i = 0; i < n; ++i) out[i].nvcsw = slept, out[i].enter_us = enter_us, out[i].call_ns = call;
  if (submitted < 0) {
    for (int i = 0; i < n; ++i) out[i].res = submitted, out[i].ran = 1;
  } else {
    reap(w, chain, n, out, call + DEADLINE_NS);
  }
  atomic_store(&w->op_started, 0);
}

// How many ops from ops[i] one io_uring_enter submits: a linked chain (exec/issue.cpp).
static int chain_length(const struct op *ops, int n, int i) {
  int end = i + 1;
  while (end < n && end - i < MAX_CHAIN && ops[end - 1].link && ops[end].via != SYSCALL &&
         !is_harness_action(ops[end].kind))
    ++end;
  return end - i;
}
