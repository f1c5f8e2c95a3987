// ---- check (nonblock.walk): openat2(RESOLVE_CACHED) left RCU mode: it answered an
// errno only a filesystem's ->lookup, ->d_revalidate or IO gives, or (FUSE) a LOOKUP or
// READLINK came from the caller's thread while it ran. With LOOKUP_CACHED every
// try_to_unlazy() fails with -EAGAIN instead. ----
static int walk_decidable(int res) {
  static const int decidable[] = {EAGAIN, ENOENT, EINVAL, ENAMETOOLONG, EBADF, EMFILE, ENFILE, ENOTDIR, ELOOP, EXDEV,
                                  EACCES, EPERM, EISDIR, EEXIST, ENXIO, ENODEV, EROFS, ETXTBSY, EOPNOTSUPP};
  if (res >= 0) return 1;
  for (size_t i = 0; i < sizeof decidable / sizeof decidable[0]; ++i)
    if (-res == decidable[i]) return 1;
  return 0;
}

// The LOOKUP or READLINK the op's thread sent during the call (the syscall, or the
// submit-only io_uring_enter, where the inline attempt walks), or -1.
static int walk_request(int l, const struct outcome *o) {
#if FS_KIND == FS_FUSE
  long long to = o->call_ns + o->enter_us * 1000LL + 1000;
  for (int k = 0; k < shared->fuse_seen && k < FUSE_LOG; ++k) {
    const struct seen_request *r = &shared->fuse[k];
    if (r->tid == shared->tid[l] && r->recv_ns >= o->call_ns && r->recv_ns <= to && (r->req == R_LOOKUP || r->req == R_READLINK))
      return r->req;
  }
#endif
  (void)l, (void)o;
  return -1;
}

static int try_once(char *why, size_t len) {
  fresh_run(0);
  int judged = 0;
  for (int l = 0; l < NLISTS; ++l)
    for (int i = 0; i < lists[l].n; ++i) {
      const struct op *op = &lists[l].ops[i];
      const struct outcome *o = &shared->out[lists[l].first + i];
      if (op->kind != OPEN || !(op->resolve & RESOLVE_CACHED) || !o->ran || o->hung) continue;
      if (o->res == -ECANCELED && i > 0 && lists[l].ops[i - 1].link) continue;  // cancelled by its chain: no walk
      ++judged;
      if (!walk_decidable(o->res)) {
        snprintf(why, len, "%s answered %s, which only a walk that left RCU mode gives", where(l, i), errname(o->res));
        return 1;
      }
      int req = walk_request(l, o);
      if (req >= 0) {
        snprintf(why, len, "%s: the filesystem saw a %s from the caller's thread during the walk", where(l, i),
                 req == 0 ? "LOOKUP" : "READLINK");  // 0: R_LOOKUP
        return 1;
      }
    }
  snprintf(why, len, "%d RESOLVE_CACHED open%s answered within the RCU walk", judged, judged == 1 ? "" : "s");
  return 0;
}
