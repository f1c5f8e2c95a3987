// io_uring inline openat of a FIFO with no reader: -ENXIO at once, where open(2) waits.
// cc repro-handwritten.c -luring && ./a.out    (run it in an empty scratch directory)
// Exit 1: -ENXIO (reproduced). Exit 0: the open waited for a reader, as open(2) does (a
// reader is opened after 2 s to let it finish).
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
  struct __kernel_timespec two_seconds = {.tv_sec = 2};
  unlink("nameifuzz-fifo");
  if (mkfifo("nameifuzz-fifo", 0644) != 0) return perror("mkfifo"), 2;
  if (io_uring_queue_init(8, &ring, 0) != 0) return perror("io_uring_queue_init"), 2;
  io_uring_prep_openat(io_uring_get_sqe(&ring), AT_FDCWD, "nameifuzz-fifo", O_WRONLY, 0);
  io_uring_submit(&ring);
  int waited = io_uring_wait_cqe_timeout(&ring, &cqe, &two_seconds) == -ETIME;
  int reader = -1;
  if (waited) {  // the open waits in fifo_open() for a reader: give it one
    reader = open("nameifuzz-fifo", O_RDONLY | O_NONBLOCK);
    io_uring_wait_cqe(&ring, &cqe);
  }
  int res = cqe->res;
  io_uring_cqe_seen(&ring, cqe);
  if (res >= 0) close(res);
  if (reader >= 0) close(reader);
  unlink("nameifuzz-fifo");
  printf("io_uring openat(O_WRONLY) of a FIFO with no reader: %s\n",
         waited ? "waited for a reader, as open(2) does" : res < 0 ? strerror(-res) : "an fd at once");
  return res == -ENXIO ? 1 : 0;
}
