// ---- a minimal FUSE server (libfuse3 low level): names in memory, no data, and the
// finding's fault (latency or an errno) on one request type. `--no-fault` (or
// NFZ_REPRO_NO_FAULT=1) answers every request at once. ----
enum req { R_LOOKUP, R_FORGET, R_GETATTR, R_SETATTR, R_READLINK, R_SYMLINK, R_MKNOD, R_MKDIR, R_UNLINK, R_RMDIR,
           R_RENAME, R_LINK, R_OPEN, R_RELEASE, R_CREATE, R_OPENDIR, R_READDIR, R_RELEASEDIR, R_STATFS, R_ACCESS,
           R_FLUSH, R_READ, R_WRITE, R_COUNT };

struct fault { enum req req; int is_error; unsigned min_us, max_us; int error; unsigned permille; };
