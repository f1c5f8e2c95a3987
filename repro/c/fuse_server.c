// ---- the FUSE server's state and requests ----
static int faults_off;

struct node { mode_t mode; dev_t rdev; unsigned nlink; char *target; };
struct entry { fuse_ino_t parent, ino; char *name; };
static struct node *nodes;  // by inode number; 1 is the root
static size_t node_count, node_cap;
static struct entry *entries;
static size_t entry_count, entry_cap;
static pthread_mutex_t fs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fuse_session *session;
static unsigned long occurrences[R_COUNT];
static __thread int logged = -1;  // the index in shared->fuse of this thread's request

// Logs the request for the check, then applies its faults: sleeps the latency, and
// returns the errno to answer with (0: answer normally). Which requests get an error and
// how long each waits depends on how many of that type came before, not on timing.
static int arrive(fuse_req_t req, enum req r) {
  pthread_mutex_lock(&fs_lock);
  unsigned long nth = occurrences[r]++;
  int k = shared->fuse_seen;
  if (k < FUSE_LOG) shared->fuse[k] = (struct seen_request){r, fuse_req_ctx(req)->pid, now_ns(), 0}, shared->fuse_seen = k + 1;
  logged = k < FUSE_LOG ? k : -1;
  pthread_mutex_unlock(&fs_lock);
  unsigned long h = (nth + 1) * 0x9e3779b97f4a7c15ul;
  h ^= h >> 31;
  int err = 0;
  for (int i = 0; i < NFAULTS && !faults_off; ++i) {
    const struct fault *f = &faults[i];
    if (f->req != r) continue;
    if (f->is_error && h % 1000 < f->permille) err = f->error;
    if (!f->is_error) usleep(f->min_us + (unsigned)(h % (f->max_us - f->min_us + 1)));
  }
  return err;
}

// For negative.fresh: the request being served creates a name the server holds (called
// with fs_lock held; the kernel holds the parent's i_rwsem across the request).
static void note_held(void) {
  if (logged >= 0) shared->fuse[logged].held = 1;
}

static double timeout(void) { return FUSE_STRICT ? 365.0 * 86400 : 0.0; }

static struct stat attr_of(fuse_ino_t ino) {
  struct stat st = {0};
  st.st_ino = ino;
  st.st_mode = nodes[ino].mode;
  st.st_nlink = nodes[ino].nlink;
  st.st_rdev = nodes[ino].rdev;
  st.st_blksize = 4096;
  return st;
}

static struct entry *find_entry(fuse_ino_t parent, const char *name) {
  for (size_t i = 0; i < entry_count; ++i)
    if (entries[i].parent == parent && strcmp(entries[i].name, name) == 0) return &entries[i];
  return NULL;
}

static int has_children(fuse_ino_t dir) {
  for (size_t i = 0; i < entry_count; ++i)
    if (entries[i].parent == dir) return 1;
  return 0;
}

static void add_entry(fuse_ino_t parent, const char *name, fuse_ino_t ino) {
  if (entry_count == entry_cap) entries = realloc(entries, (entry_cap = 2 * entry_cap + 16) * sizeof *entries);
  entries[entry_count++] = (struct entry){parent, ino, strdup(name)};
}

static void remove_entry(struct entry *e) {
  free(e->name);
  *e = entries[--entry_count];
}

static fuse_ino_t new_node(mode_t mode, dev_t rdev, const char *target) {
  if (node_count == node_cap) nodes = realloc(nodes, (node_cap = 2 * node_cap + 16) * sizeof *nodes);
  nodes[node_count] = (struct node){mode, rdev, S_ISDIR(mode) ? 2 : 1, target ? strdup(target) : NULL};
  return node_count++;
}

static void reply_entry_of(fuse_req_t req, fuse_ino_t ino) {  // called with fs_lock held
  struct fuse_entry_param e = {0};
  e.entry_timeout = e.attr_timeout = timeout();
  if (ino) e.ino = ino, e.attr = attr_of(ino);
  pthread_mutex_unlock(&fs_lock);
  fuse_reply_entry(req, &e);
}

static void fail(fuse_req_t req, int err) {  // called with fs_lock held
  pthread_mutex_unlock(&fs_lock);
  fuse_reply_err(req, err);
}

static void do_lookup(fuse_req_t req, fuse_ino_t parent, const char *name) {
  int err = arrive(req, R_LOOKUP);
  if (err) return (void)fuse_reply_err(req, err);
  pthread_mutex_lock(&fs_lock);
  struct entry *e = find_entry(parent, name);
  reply_entry_of(req, e ? e->ino : 0);  // no entry: a negative entry, cached as long
}

static void do_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  (void)ino, (void)nlookup;
  fuse_reply_none(req);
}

static void do_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  (void)fi;
  int err = arrive(req, R_GETATTR);
  if (err) return (void)fuse_reply_err(req, err);
  pthread_mutex_lock(&fs_lock);
  struct stat st = attr_of(ino);
  pthread_mutex_unlock(&fs_lock);
  fuse_reply_attr(req, &st, timeout());
}

static void do_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi) {
  (void)fi;
  int err = arrive(req, R_SETATTR);
  if (err) return (void)fuse_reply_err(req, err);
  pthread_mutex_lock(&fs_lock);
  if (to_set & FUSE_SET_ATTR_MODE) nodes[ino].mode = (nodes[ino].mode & S_IFMT) | (attr->st_mode & 07777);
  struct stat st = attr_of(ino);
  pthread_mutex_unlock(&fs_lock);
  fuse_reply_attr(req, &st, timeout());
}

static void do_readlink(fuse_req_t req, fuse_ino_t ino) {
  int err = arrive(req, R_READLINK);
  if (err) return (void)fuse_reply_err(req, err);
  pthread_mutex_lock(&fs_lock);
  if (!nodes[ino].target) return fail(req, EINVAL);
  char *target = strdup(nodes[ino].target);
  pthread_mutex_unlock(&fs_lock);
  fuse_reply_readlink(req, target);
  free(target);
}

// MKNOD, MKDIR, SYMLINK: a new node under `parent`.
static void make_node(fuse_req_t req, enum req r, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev,
                      const char *target) {
  int err = arrive(req, r);
  if (err) return (void)fuse_reply_err(req, err);
  pthread_mutex_lock(&fs_lock);
  if (find_entry(parent, name)) {
    if (r != R_SYMLINK) note_held();
    return fail(req, EEXIST);
  }
  fuse_ino_t ino = new_node(mode, rdev, target);
  add_entry(parent, name, ino);
  if (S_ISDIR(mode)) nodes[parent].nlink++;
  reply_entry_of(req, ino);
}

static void do_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev) {
  make_node(req, R_MKNOD, parent, name, mode, rdev, NULL);
}
static void do_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode) {
  make_node(req, R_MKDIR, parent, name, S_IFDIR | (mode & 07777), 0, NULL);
}
static void do_symlink(fuse_req_t req, const char *target, fuse_ino_t parent, const char *name) {
  make_node(req, R_SYMLINK, parent, name, S_IFLNK | 0777, 0, target);
}

static void do_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t parent, const char *name) {
  int err = arrive(req, R_LINK);
  if (err) return (void)fuse_reply_err(req, err);
  pthread_mutex_lock(&fs_lock);
  if (find_entry(parent, name)) return fail(req, EEXIST);
  add_entry(parent, name, ino);
  nodes[ino].nlink++;
  reply_entry_of(req, ino);
}

// UNLINK and RMDIR.
static void remove_name(fuse_req_t req, enum req r, fuse_ino_t parent, const char *name) {
  int err = arrive(req, r);
  if (err) return (void)fuse_reply_err(req, err);
  pthread_mutex_lock(&fs_lock);
  struct entry *e = find_entry(parent, name);
  if (!e) return fail(req, ENOENT);
  fuse_ino_t ino = e->ino;
  int dir = S_ISDIR(nodes[ino].mode);
  if (r == R_RMDIR && !dir) return fail(req, ENOTDIR);
  if (r == R_UNLINK && dir) return fail(req, EISDIR);
  if (dir && has_children(ino)) return fail(req, ENOTEMPTY);
  remove_entry(e);
  if (dir) nodes[parent].nlink--, nodes[ino].nlink = 0;
  else nodes[ino].nlink--;
  pthread_mutex_unlock(&fs_lock);
  fuse_reply_err(req, 0);
}

static void do_unlink(fuse_req_t req, fuse_ino_t parent, const char *name) { remove_name(req, R_UNLINK, parent, name); }
static void do_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name) { remove_name(req, R_RMDIR, parent, name); }

static void do_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t new_parent, const char *new_name,
                      unsigned flags) {
  int err = arrive(req, R_RENAME);
  if (err) return (void)fuse_reply_err(req, err);
  pthread_mutex_lock(&fs_lock);
  struct entry *from = find_entry(parent, name), *to = find_entry(new_parent, new_name);
  if (!from) return fail(req, ENOENT);
  if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE)) return fail(req, EINVAL);
  if (to && (flags & RENAME_NOREPLACE)) return fail(req, EEXIST);
  if (flags & RENAME_EXCHANGE) {
    if (!to) return fail(req, ENOENT);
    fuse_ino_t t = from->ino;
    from->ino = to->ino, to->ino = t;
    pthread_mutex_unlock(&fs_lock);
    return (void)fuse_reply_err(req, 0);
  }
  if (to && to->ino != from->ino) {
    int from_dir = S_ISDIR(nodes[from->ino].mode), to_dir = S_ISDIR(nodes[to->ino].mode);
    if (to_dir && !from_dir) return fail(req, EISDIR);
    if (!to_dir && from_dir) return fail(req, ENOTDIR);
    if (to_dir && has_children(to->ino)) return fail(req, ENOTEMPTY);
    nodes[to->ino].nlink = to_dir ? 0 : nodes[to->ino].nlink - 1;
    to->ino = from->ino;
    remove_entry(from);
  } else if (!to) {
    from->parent = new_parent;
    free(from->name);
    from->name = strdup(new_name);
  }
  pthread_mutex_unlock(&fs_lock);
  fuse_reply_err(req, 0);
}

static void do_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  (void)ino;
  int err = arrive(req, R_OPEN);
  if (err) return (void)fuse_reply_err(req, err);
  fuse_reply_open(req, fi);
}

static void do_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  (void)ino;
  int err = arrive(req, R_OPENDIR);
  if (err) return (void)fuse_reply_err(req, err);
  fuse_reply_open(req, fi);
}

static void do_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi) {
  int err = arrive(req, R_CREATE);
  if (FUSE_NOCREATE) err = ENOSYS;  // the kernel then falls back to MKNOD and OPEN
  if (err) return (void)fuse_reply_err(req, err);
  pthread_mutex_lock(&fs_lock);
  struct entry *e = find_entry(parent, name);
  if (e) note_held();
  if (e && (fi->flags & O_EXCL)) return fail(req, EEXIST);
  fuse_ino_t ino = e ? e->ino : new_node(S_IFREG | (mode & 07777), 0, NULL);
  if (!e) add_entry(parent, name, ino);
  struct fuse_entry_param ep = {.ino = ino, .attr = attr_of(ino), .entry_timeout = timeout(), .attr_timeout = timeout()};
  pthread_mutex_unlock(&fs_lock);
  fuse_reply_create(req, &ep, fi);
}

// Lists "." and ".." only: no op of the program reads a directory.
static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
  (void)fi;
  char buf[512];
  size_t used = 0;
  const char *names[] = {".", ".."};
  if (size > sizeof buf) size = sizeof buf;
  for (off_t i = off; i < 2; ++i) {
    struct stat st = {.st_ino = ino, .st_mode = S_IFDIR};
    size_t len = fuse_add_direntry(req, buf + used, size - used, names[i], &st, i + 1);
    if (len > size - used) break;
    used += len;
  }
  fuse_reply_buf(req, buf, used);
}

static void do_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  (void)ino, (void)fi;
  fuse_reply_err(req, 0);
}

static void do_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
  (void)ino, (void)size, (void)off, (void)fi;
  fuse_reply_buf(req, NULL, 0);
}

static const struct fuse_lowlevel_ops server_ops = {
    .lookup = do_lookup, .forget = do_forget, .getattr = do_getattr, .setattr = do_setattr,
    .readlink = do_readlink, .mknod = do_mknod, .mkdir = do_mkdir, .symlink = do_symlink, .link = do_link,
    .unlink = do_unlink, .rmdir = do_rmdir, .rename = do_rename, .open = do_open, .create = do_create,
    .read = do_read, .release = do_release, .opendir = do_opendir, .readdir = do_readdir,
    .releasedir = do_release,
};

// The revalidate op: the kernel drops every entry the server handed out.
static void revalidate(void) {
  pthread_mutex_lock(&fs_lock);
  size_t n = entry_count;
  struct entry *copy = malloc((n + 1) * sizeof *copy);
  for (size_t i = 0; i < n; ++i) copy[i] = (struct entry){entries[i].parent, entries[i].ino, strdup(entries[i].name)};
  pthread_mutex_unlock(&fs_lock);
  for (size_t i = 0; i < n; ++i) {
    fuse_lowlevel_notify_inval_entry(session, copy[i].parent, copy[i].name, strlen(copy[i].name));
    free(copy[i].name);
  }
  free(copy);
}

static sem_t server_ready;
static int fuse_abort_fd = -1;

// Ends the connection through fusectl: a thread waiting for an answer the server will
// never write (it was read by a serving thread that exit killed) waits uninterruptibly
// in request_wait_answer() and holds the files table, so closing /dev/fuse never comes.
// Async-signal-safe: the parent-death handler calls it.
static void fuse_abort(void) {
  if (fuse_abort_fd >= 0 && write(fuse_abort_fd, "1", 1) == 1) fuse_abort_fd = -1;
}

// fusectl names a connection after its superblock's s_dev in the kernel's encoding
// (fuse_ctl_add_conn(): "%u", fc->dev), MAJOR << 20 | MINOR, not glibc's st_dev.
static void open_fuse_abort(const char *dir) {
  struct stat st;
  char path[96];
  if (stat(dir, &st) != 0) die("stat the FUSE root");
  snprintf(path, sizeof path, "/sys/fs/fuse/connections/%u/abort", major(st.st_dev) << 20 | minor(st.st_dev));
  if (access(path, W_OK) != 0)  // no fusectl on the host: mount one in this namespace
    mount("nfz-repro-fusectl", "/sys/fs/fuse/connections", "fusectl", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  fuse_abort_fd = open(path, O_WRONLY | O_CLOEXEC);
}

// The serving thread first gets a root and cwd of its own (unshare(CLONE_FS), inherited
// by the threads libfuse starts): the run chroots into this very mount, and a serving
// thread that walked it would wait on itself.
static void *serve(void *arg) {
  (void)arg;
  if (unshare(CLONE_FS) != 0) die("unshare(CLONE_FS)");
  sem_post(&server_ready);
  struct fuse_loop_config *config = fuse_loop_cfg_create();
  fuse_loop_cfg_set_max_threads(config, 16);
  fuse_session_loop_mt(session, config);
  fuse_loop_cfg_destroy(config);
  return NULL;
}

// Mounts the server over `dir` (as root, no fusermount3: libfuse takes the open
// /dev/fuse as "/dev/fd/N") and starts serving.
static void fuse_mount_root(const char *dir) {
  new_node(0, 0, NULL);  // inode 0: none
  new_node(S_IFDIR | 0755, 0, NULL);
  int dev = open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (dev < 0) die("open /dev/fuse");
  char data[128], fd_path[32];
  snprintf(data, sizeof data, "fd=%d,rootmode=40000,user_id=0,group_id=0,default_permissions", dev);
  if (mount("nfz-repro-fuse", dir, "fuse.nfz-repro", MS_NOSUID, data) != 0) die("mount fuse");
  char *argv[] = {"repro", NULL};
  struct fuse_args args = FUSE_ARGS_INIT(1, argv);
  session = fuse_session_new(&args, &server_ops, sizeof server_ops, NULL);
  snprintf(fd_path, sizeof fd_path, "/dev/fd/%d", dev);
  if (!session || fuse_session_mount(session, fd_path) != 0) fprintf(stderr, "repro: fuse_session_mount failed\n"), exit(2);
  sem_init(&server_ready, 0, 0);
  pthread_t t;
  if (pthread_create(&t, NULL, serve, NULL) != 0) die("pthread_create");
  sem_wait(&server_ready);
  open_fuse_abort(dir);
}
