// IORING_OP_MKDIRAT that fails (EEXIST), linked (IOSQE_IO_LINK) to an IORING_OP_NOP: the
// NOP runs and completes 0, where a failed request should sever the link and the NOP get
// -ECANCELED. The same holds for UNLINKAT, RENAMEAT, SYMLINKAT and LINKAT; a failed
// OPENAT does break its chain.
// cc repro.c -luring && ./a.out    (run it in an empty scratch directory)
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// Submits `first` linked to a NOP; returns the NOP's result.
static int nop_after(struct io_uring *ring, int first_is_mkdir, int *first_res) {
  struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
  struct io_uring_cqe *cqe;
  int nop_res = 0;
  if (first_is_mkdir) io_uring_prep_mkdirat(sqe, AT_FDCWD, "nameifuzz-dir", 0755);
  else io_uring_prep_openat(sqe, AT_FDCWD, "nameifuzz-absent", O_RDONLY, 0);
  sqe->flags |= IOSQE_IO_LINK;
  sqe->user_data = 1;
  sqe = io_uring_get_sqe(ring);
  io_uring_prep_nop(sqe);
  sqe->user_data = 2;
  io_uring_submit(ring);
  for (int seen = 0; seen < 2; ++seen) {
    io_uring_wait_cqe(ring, &cqe);
    if (cqe->user_data == 1) *first_res = cqe->res;
    else nop_res = cqe->res;
    io_uring_cqe_seen(ring, cqe);
  }
  return nop_res;
}

int main(void) {
  struct io_uring ring;
  int first = 0;
  rmdir("nameifuzz-dir");
  if (mkdir("nameifuzz-dir", 0755) != 0) return perror("mkdir"), 2;
  if (io_uring_queue_init(8, &ring, 0) != 0) return perror("io_uring_queue_init"), 2;
  int after_open = nop_after(&ring, 0, &first);
  printf("openat (res %d) -> linked nop: %d\n", first, after_open);
  int after_mkdir = nop_after(&ring, 1, &first);
  printf("mkdirat (res %d) -> linked nop: %d%s\n", first, after_mkdir,
         after_mkdir == 0 ? "  (the failed mkdirat did not break the link)" : "");
  rmdir("nameifuzz-dir");
  return first == -EEXIST && after_mkdir == 0 ? 1 : 0;
}
