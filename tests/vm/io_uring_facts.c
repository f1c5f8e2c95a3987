// The behaviours docs/FINDINGS.md states beyond the reproducers, checked on the kernel it
// runs on (scripts/kernel-matrix --facts runs it in each VM). Prints one line per fact.
// cc io_uring_facts.c -luring && ./a.out    (in an empty scratch directory)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static struct io_uring ring;
static int pipe_fds[2];
static struct statx stx;

// Completes the two requests in flight: the first's result in *first, the second's returned.
static int reap2(int *first) {
  struct io_uring_cqe *cqe;
  int second = 0;
  io_uring_submit(&ring);
  for (int seen = 0; seen < 2; ++seen) {
    io_uring_wait_cqe(&ring, &cqe);
    if (cqe->user_data == 1) *first = cqe->res;
    else second = cqe->res;
    io_uring_cqe_seen(&ring, cqe);
  }
  return second;
}

static void prep_failing(struct io_uring_sqe *sqe, const char *op) {
  if (!strcmp(op, "openat")) io_uring_prep_openat(sqe, AT_FDCWD, "absent", O_RDONLY, 0);
  else if (!strcmp(op, "close")) io_uring_prep_close(sqe, 1000);
  else if (!strcmp(op, "mkdirat")) io_uring_prep_mkdirat(sqe, AT_FDCWD, "dir", 0755);
  else if (!strcmp(op, "unlinkat")) io_uring_prep_unlinkat(sqe, AT_FDCWD, "absent", 0);
  else if (!strcmp(op, "renameat")) io_uring_prep_renameat(sqe, AT_FDCWD, "absent", AT_FDCWD, "x", 0);
  else if (!strcmp(op, "symlinkat")) io_uring_prep_symlinkat(sqe, "t", AT_FDCWD, "dir");
  else if (!strcmp(op, "linkat")) io_uring_prep_linkat(sqe, AT_FDCWD, "absent", AT_FDCWD, "y", 0);
  else if (!strcmp(op, "statx")) io_uring_prep_statx(sqe, AT_FDCWD, "absent", 0, STATX_BASIC_STATS, &stx);
  else if (!strcmp(op, "fsync")) io_uring_prep_fsync(sqe, pipe_fds[0], 0);
  else if (!strcmp(op, "fallocate")) io_uring_prep_fallocate(sqe, pipe_fds[1], 0, 0, 4096);
  else if (!strcmp(op, "sync_file_range")) io_uring_prep_sync_file_range(sqe, pipe_fds[0], 4096, 0, 0);
}

static void chain_facts(void) {
  static const char *ops[] = {"openat", "close", "mkdirat", "unlinkat", "renameat", "symlinkat",
                              "linkat", "statx", "fsync", "fallocate", "sync_file_range"};
  mkdir("dir", 0755);
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; ++i) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    prep_failing(sqe, ops[i]);
    sqe->flags |= IOSQE_IO_LINK;
    sqe->user_data = 1;
    sqe = io_uring_get_sqe(&ring);
    io_uring_prep_nop(sqe);
    sqe->user_data = 2;
    int first = 0, nop = reap2(&first);
    printf("chain: failed %-15s (res %4d): linked nop %4d: %s\n", ops[i], first, nop,
           first >= 0 ? "the op did not fail" : nop == -ECANCELED ? "breaks the chain" : "does NOT break the chain");
  }
}

// An inline O_RDONLY open of a FIFO with no writer, then read(): open(2) would wait for a writer.
static void fifo_read_fact(void) {
  struct io_uring_cqe *cqe;
  mkfifo("fifo", 0644);
  io_uring_prep_openat(io_uring_get_sqe(&ring), AT_FDCWD, "fifo", O_RDONLY, 0);
  io_uring_submit(&ring);
  struct __kernel_timespec two_seconds = {.tv_sec = 2};
  if (io_uring_wait_cqe_timeout(&ring, &cqe, &two_seconds) == -ETIME) {
    // The open waits for a writer, as open(2) does; a writer lets it finish. fifo_open()
    // counted the waiting reader, so an O_NONBLOCK open for writing succeeds.
    int writer = open("fifo", O_WRONLY | O_NONBLOCK);
    io_uring_wait_cqe(&ring, &cqe);
    printf("fifo: inline O_RDONLY open with no writer: waits for a writer (as open(2)); after one opened: res %s\n",
           cqe->res >= 0 ? "an fd" : "an error");
    if (cqe->res >= 0) close(cqe->res);
    io_uring_cqe_seen(&ring, cqe);
    if (writer >= 0) close(writer);
    return;
  }
  int fd = cqe->res;
  io_uring_cqe_seen(&ring, cqe);
  if (fd < 0) {
    printf("fifo: inline O_RDONLY open with no writer: res %d\n", fd);
    return;
  }
  char c;
  alarm(2);
  ssize_t n = read(fd, &c, 1);
  alarm(0);
  printf("fifo: inline O_RDONLY open with no writer: an fd at once; read() = %zd%s\n", n,
         n == 0 ? " (EOF at once, no writer waited for)" : "");
  close(fd);
}

// A cancelled IOSQE_ASYNC op that waits interruptibly on an io-wq worker.
static void cancel_fact(const char *what, int is_splice) {
  struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
  int out = open("/dev/null", O_WRONLY);
  if (is_splice) io_uring_prep_splice(sqe, pipe_fds[0], -1, out, -1, 1, 0);
  else io_uring_prep_openat(sqe, AT_FDCWD, "fifo", O_RDONLY, 0);
  sqe->flags |= IOSQE_ASYNC;
  sqe->user_data = 1;
  io_uring_submit(&ring);
  usleep(100 * 1000);
  sqe = io_uring_get_sqe(&ring);
  io_uring_prep_cancel64(sqe, 1, 0);
  sqe->user_data = 2;
  int res = 0, cancel = reap2(&res);
  printf("cancel: IOSQE_ASYNC %s cancelled while it waits (cancel %d): res %d%s\n", what, cancel, res,
         res == -512 ? " (-ERESTARTSYS)" : res == -EINTR ? " (-EINTR)" : res == -ECANCELED ? " (-ECANCELED)" : "");
  close(out);
}

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  struct utsname u;
  uname(&u);
  printf("kernel: %s %s\n", u.release, u.version);
  signal(SIGALRM, on_alarm);
  if (io_uring_queue_init(8, &ring, 0) != 0) return perror("io_uring_queue_init"), 2;
  if (pipe(pipe_fds) != 0) return perror("pipe"), 2;
  chain_facts();
  fifo_read_fact();
  cancel_fact("openat of a FIFO with no writer", 0);
  cancel_fact("splice from an empty pipe", 1);
  return 0;
}
