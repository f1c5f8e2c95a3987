// io_uring inline openat of a FIFO with no reader: -ENXIO, where open(2) waits.
// cc repro.c -luring && ./a.out    (run it in an empty scratch directory)
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  struct io_uring ring;
  struct io_uring_cqe *cqe;
  unlink("nameifuzz-fifo");
  if (mkfifo("nameifuzz-fifo", 0644) != 0) return perror("mkfifo"), 2;
  if (io_uring_queue_init(8, &ring, 0) != 0) return perror("io_uring_queue_init"), 2;
  io_uring_prep_openat(io_uring_get_sqe(&ring), AT_FDCWD, "nameifuzz-fifo", O_WRONLY, 0);
  io_uring_submit(&ring);
  io_uring_wait_cqe(&ring, &cqe);
  int res = cqe->res;
  io_uring_cqe_seen(&ring, cqe);
  unlink("nameifuzz-fifo");
  printf("io_uring openat(O_WRONLY) of a FIFO with no reader: %s\n", res < 0 ? strerror(-res) : "an fd");
  printf("open(2) would block until a reader opens it (fifo(7))\n");
  return res == -ENXIO ? 1 : 0;
}
