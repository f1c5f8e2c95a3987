// ---- check (negative.fresh): the kernel sent MKNOD, MKDIR or CREATE for a name the
// server holds. lookup_open() and filename_create() (fs/namei.c) send them only for a
// name they believe absent, under the parent's exclusive i_rwsem, and every change to
// the server's names came through this kernel: it trusted a negative dentry the server
// never answered for (e.g. a LOOKUP of a held name answered ENOENT) ----
static const char *const created_names[R_COUNT] = {[R_MKNOD] = "MKNOD", [R_MKDIR] = "MKDIR", [R_CREATE] = "CREATE"};

static int try_once(char *why, size_t len) {
  fresh_run(0);
  int checked = 0;
  for (int k = 0; k < shared->fuse_seen && k < FUSE_LOG; ++k) {
    const struct seen_request *r = &shared->fuse[k];
    if (r->req != R_MKNOD && r->req != R_MKDIR && r->req != R_CREATE) continue;
    ++checked;
    if (!r->held) continue;
    snprintf(why, len, "FUSE %s of a name the server holds, from tid %d", created_names[r->req], (int)r->tid);
    return 1;
  }
  snprintf(why, len, "none of %d MKNOD, MKDIR or CREATE requests named a name the server holds", checked);
  return 0;
}
