// ---- runtime: the op table's types, the fd registers, clocks ----
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum kind { OPEN, CLOSE, MKDIR, RMDIR, UNLINK, RENAME, SYMLINK, LINK, MKNOD, STATX, DROP_CACHES, REVALIDATE, SLEEP };
enum via { SYSCALL, URING, URING_ASYNC };

// One op of the program, as the .nfz line in `text` says. fd registers: -1 is none.
struct op {
  enum kind kind;
  enum via via;
  int link, fixed, openat2, dirfd, fd;
  unsigned flags, resolve, mode, major, minor, arg;
  const char *path, *path2, *text;
};

// What one op did: `res` is the result or -errno; `hung`: it did not complete before the
// deadline (interrupted or cancelled); `inline_`: its CQE was posted when the submit-only
// io_uring_enter returned; `nvcsw`, `enter_us`: the submitter's voluntary context switches
// and the time across that io_uring_enter (or across the syscall).
struct outcome {
  int res, ran, hung, inline_;
  long nvcsw;
  long enter_us;
  long long call_ns;
};

// A list of ops run by one thread (list 0 is the setup, run alone first).
struct list {
  const struct op *ops;
  int n;
  int first;  // index of its first outcome
};

#define SLOTS 16
#define REG_EMPTY (-1)
#define REG_FIXED (-2)
#define MAX_CHAIN 64

static _Atomic int regs[SLOTS];
static int drop_caches_fd = -1;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long thread_nvcsw(void) {
  struct rusage ru;
  getrusage(RUSAGE_THREAD, &ru);
  return ru.ru_nvcsw;
}

static void die(const char *what) {
  fprintf(stderr, "repro: %s: %s\n", what, strerror(errno));
  exit(2);
}

// The plain fd in register `slot`, -1 (EBADF) when it holds none or a fixed slot.
static int reg_plain(int slot) {
  if (slot < 0) return -1;
  int v = atomic_load(&regs[slot]);
  return v >= 0 ? v : -1;
}

static void reg_put(int slot, int v) {
  int old = atomic_exchange(&regs[slot], v);
  if (old >= 0) close(old);
}

static int reg_take(int slot) {
  int v = atomic_exchange(&regs[slot], REG_EMPTY);
  return v >= 0 ? v : -1;
}

// Gives back an fd taken for an io_uring close that never ran (-ECANCELED).
static void reg_restore(int slot, int fd) {
  int expected = REG_EMPTY;
  if (fd >= 0 && !atomic_compare_exchange_strong(&regs[slot], &expected, fd)) close(fd);
}

static void reg_forget_fixed(int slot) {
  int expected = REG_FIXED;
  atomic_compare_exchange_strong(&regs[slot], &expected, REG_EMPTY);
}

static void regs_reset(void) {
  for (int i = 0; i < SLOTS; ++i) reg_put(i, REG_EMPTY);
}

static int is_harness_action(enum kind k) { return k == DROP_CACHES || k == REVALIDATE || k == SLEEP; }
