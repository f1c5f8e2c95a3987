// ---- check (nonblock.issue): an io_uring request issued inline made the submitting
// task sleep: its voluntary context switches (getrusage RUSAGE_THREAD) rose across the
// submit-only io_uring_enter ----
// Whether io_uring issues the op inline (io_openat_force_async(): not with O_CREAT,
// O_TRUNC or O_TMPFILE; every other op of the program goes to io-wq at prep).
static int issued_inline(const struct op *op) {
  if (op->via != URING) return 0;
  if (op->kind == CLOSE) return 1;
  return op->kind == OPEN && !(op->flags & (O_CREAT | O_TRUNC)) && (op->flags & O_TMPFILE) != O_TMPFILE;
}

#ifndef SLEEP_US_MIN
#define SLEEP_US_MIN 0  // off FUSE: any sleep counts
#endif
#if FS_KIND == FS_FUSE
static const char *const req_names[R_COUNT] = {
    "LOOKUP", "FORGET", "GETATTR", "SETATTR", "READLINK", "SYMLINK", "MKNOD", "MKDIR", "UNLINK", "RMDIR", "RENAME", "LINK",
    "OPEN", "RELEASE", "CREATE", "OPENDIR", "READDIR", "RELEASEDIR", "STATFS", "ACCESS", "FLUSH", "READ", "WRITE"};
#endif

// The FUSE request the submitting thread sent during the enter, or -1.
static int request_from_submitter(int l, const struct outcome *o) {
#if FS_KIND == FS_FUSE
  long long to = o->call_ns + o->enter_us * 1000LL + 1000;
  for (int k = 0; k < shared->fuse_seen && k < FUSE_LOG; ++k) {
    const struct seen_request *r = &shared->fuse[k];
    if (r->tid == shared->tid[l] && r->recv_ns >= o->call_ns && r->recv_ns <= to && (WATCH_REQ < 0 || r->req == WATCH_REQ))
      return r->req;
  }
#endif
  (void)l, (void)o;
  return -1;
}

static int try_once(char *why, size_t len) {
  fresh_run(0);
  int judged = 0, near = 0;
  why[0] = 0;
  for (int l = 0; l < NLISTS; ++l)
    for (int i = 0; i < lists[l].n;) {
      int n = chain_length(lists[l].ops, lists[l].n, i), eligible = 1;
      for (int k = i; k < i + n; ++k) eligible &= issued_inline(&lists[l].ops[k]);
      const struct outcome *o = &shared->out[lists[l].first + i];
      int at = i;
      i += n;
      if (!eligible || !o->ran) continue;
      int req = request_from_submitter(l, o);
      int slept = o->nvcsw > 0 && o->enter_us >= SLEEP_US_MIN && (FS_KIND != FS_FUSE || req >= 0);
#if FS_KIND == FS_FUSE
      const char *cause = req >= 0 ? req_names[req] : "no request";
#else
      const char *cause = "";
#endif
      if (slept) {
        snprintf(why, len, "%s: the submit-only io_uring_enter slept %ld us (nvcsw +%ld)%s%s%s", where(l, at), o->enter_us,
                 o->nvcsw, FS_KIND == FS_FUSE ? ", waiting for FUSE " : "", cause,
                 FS_KIND == FS_FUSE ? " from the submitting thread" : "");
        return 1;
      }
      // Not reproduced: say what the op nearest to it did (a request from its submitter first).
      if (!judged++ || (req >= 0 && !near))
        near = req >= 0, snprintf(why, len, "%s: the submit-only io_uring_enter took %ld us (nvcsw +%ld)%s%s", where(l, at), o->enter_us,
                 o->nvcsw, FS_KIND == FS_FUSE ? "; from the submitting thread: " : "", cause);
    }
  if (!judged) snprintf(why, len, "no inline io_uring op ran");
  return 0;
}
