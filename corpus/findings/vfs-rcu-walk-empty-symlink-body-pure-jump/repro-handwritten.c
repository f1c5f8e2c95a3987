// A walk through a symlink that another thread creates and unlinks in a loop can end in
// the directory that holds the link. The body is "/../d", the link itself, so every walk
// of "d/./c" should fail: ELOOP, or ENOENT once the link is gone. The O_CREAT|O_EXCL open
// sometimes succeeds, and the file it makes is "/c" in the root. Why: an RCU walk reads
// the body after step_into() checked the link's d_seq; the unlink evicts the inode
// meanwhile and eviction empties the body (ext4_evict_inode() clears a fast symlink's
// i_data, btrfs_evict_inode() sets i_size to 0, at which page_get_link() terminates it);
// pick_link() takes an empty body as a pure jump and drops the link without checking its
// d_seq again (fs/namei.c), so the walk goes on in the link's directory.
//
// Build: cc -O2 -pthread -o repro repro-handwritten.c
// Run as root: ./repro DIR SECONDS (DIR an empty directory on an ext4 or btrfs mount; the
// program chroots there). Exit 1: an open succeeded; 0: none did.
// Met on 6.18.44 with btrfs (1 to 3 successes in 30 to 60 s; not in 40 s on ext4 there),
// and under qemu (TCG) on Debian's 6.1.192 with ext4 and btrfs and 6.12.117 with btrfs.
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
