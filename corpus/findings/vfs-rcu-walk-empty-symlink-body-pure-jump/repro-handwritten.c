// A walk through a btrfs symlink that another thread creates and unlinks in a loop can
// end in the directory that holds the link, as if the link's body were empty (one
// reading, not checked: pick_link() takes an empty body as a "pure jump"). Here the
// body is "/../d", the link itself, so every walk of "d/./c" should fail: ELOOP, or
// ENOENT once the link is gone. The O_CREAT|O_EXCL open sometimes succeeds, and the
// file it makes is "/c" in the root.
//
// Build: cc -O2 -pthread -o repro repro-handwritten.c
// Run as root: ./repro DIR SECONDS (DIR an empty directory on a btrfs mount; the
// program chroots there). Exit 1: an open succeeded; 0: none did.
// Met on 6.18.44 with btrfs: 1 to 3 successes in 30 to 60 s. Not met on ext4 or xfs in 40 s,
// nor when the loop only renames one symlink in and out of "d".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_int stop;
static long oks, eloop, enoent, other;

static void* mutate(void* unused) {
  (void)unused;
  while (!stop) {
    symlink("/../d", "d");
    unlink("d");
  }
  return NULL;
}

static void* walk(void* unused) {
  (void)unused;
  while (!stop) {
    int fd = open("d/./c", O_RDONLY | O_CREAT | O_EXCL, 0);
    if (fd < 0) {
      if (errno == ELOOP) eloop++;
      else if (errno == ENOENT) enoent++;
      else other++;
      continue;
    }
    struct stat made, root_c;
    fstat(fd, &made);
    int in_root = stat("/c", &root_c) == 0 && root_c.st_ino == made.st_ino;
    printf("open(\"d/./c\", O_CREAT|O_EXCL) = %d: inode %lu, %s\n", fd, (unsigned long)made.st_ino,
           in_root ? "the root's \"c\"" : "not the root's \"c\"");
    oks++;
    close(fd);
    unlink("/c");
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s DIR SECONDS\n", argv[0]);
    return 2;
  }
  if (chroot(argv[1]) != 0 || chdir("/") != 0) {
    perror("chroot");
    return 2;
  }
  pthread_t t[2];
  pthread_create(&t[0], NULL, mutate, NULL);
  pthread_create(&t[1], NULL, walk, NULL);
  sleep(atoi(argv[2]));
  stop = 1;
  pthread_join(t[0], NULL);
  pthread_join(t[1], NULL);
  unlink("/d");
  printf("ok %ld, ELOOP %ld, ENOENT %ld, other %ld\n", oks, eloop, enoent, other);
  return oks ? 1 : 0;
}
