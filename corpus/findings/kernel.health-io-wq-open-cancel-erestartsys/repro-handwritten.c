// IORING_OP_OPENAT of a FIFO with no writer, forced to io-wq (IOSQE_ASYNC), then
// cancelled with IORING_OP_ASYNC_CANCEL while it waits: the open's CQE has res -512
// (-ERESTARTSYS, include/linux/errno.h: "should never be seen by user programs").
// cc repro.c -luring && ./a.out    (run it in an empty scratch directory)
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { kOpen = 1, kCancel = 2 };

int main(void) {
  struct io_uring ring;
  struct io_uring_cqe *cqe;
  struct io_uring_sqe *sqe;
  int open_res = 0;
  unlink("nameifuzz-fifo");
  if (mkfifo("nameifuzz-fifo", 0644) != 0) return perror("mkfifo"), 2;
  if (io_uring_queue_init(8, &ring, 0) != 0) return perror("io_uring_queue_init"), 2;
  sqe = io_uring_get_sqe(&ring);
  io_uring_prep_openat(sqe, AT_FDCWD, "nameifuzz-fifo", O_RDONLY, 0);
  sqe->flags |= IOSQE_ASYNC;
  sqe->user_data = kOpen;
  io_uring_submit(&ring);
  usleep(100 * 1000);  // the worker now waits in fifo_open() for a writer
  sqe = io_uring_get_sqe(&ring);
  io_uring_prep_cancel64(sqe, kOpen, 0);
  sqe->user_data = kCancel;
  io_uring_submit(&ring);
  for (int seen = 0; seen < 2; ++seen) {
    if (io_uring_wait_cqe(&ring, &cqe) != 0) return perror("io_uring_wait_cqe"), 2;
    if (cqe->user_data == kOpen) open_res = cqe->res;
    else printf("cancel: res %d\n", cqe->res);
    io_uring_cqe_seen(&ring, cqe);
  }
  unlink("nameifuzz-fifo");
  printf("open: res %d%s\n", open_res, open_res == -512 ? " (-ERESTARTSYS leaked to user space)" : "");
  return open_res == -512 ? 1 : 0;
}
