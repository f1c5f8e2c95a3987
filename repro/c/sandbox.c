// ---- sandbox: each run gets a fresh, empty root in a private mount namespace ----
#if FS_KIND == FS_LOOP
#include <linux/loop.h>
static char loop_dev[64];
static char loop_image[128];

static void detach_loop(void) {
  int fd = open(loop_dev, O_RDWR | O_CLOEXEC);
  if (fd >= 0) ioctl(fd, LOOP_CLR_FD, 0), close(fd);
  unlink(loop_image);
}

// A sparse image on a free loop device, made once; each run formats it again.
static void attach_loop(void) {
  snprintf(loop_image, sizeof loop_image, "/var/tmp/nfz-repro-%d.img", (int)getpid());
  int img = open(loop_image, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (img < 0 || ftruncate(img, (off_t)LOOP_IMAGE_MB << 20) != 0) die("image file");
  int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (ctl < 0) die("open /dev/loop-control");
  for (int attempt = 0; attempt < 10; ++attempt) {
    int n = ioctl(ctl, LOOP_CTL_GET_FREE);
    if (n < 0) die("LOOP_CTL_GET_FREE");
    snprintf(loop_dev, sizeof loop_dev, "/dev/loop%d", n);
    int dev = open(loop_dev, O_RDWR | O_CLOEXEC);
    if (dev < 0) die(loop_dev);
    int r = ioctl(dev, LOOP_SET_FD, img);
    close(dev);
    if (r == 0) {
      close(ctl);
      close(img);
      atexit(detach_loop);
      return;
    }
    if (errno != EBUSY) die("LOOP_SET_FD");
  }
  die("no free loop device");
}

static void format_loop(void) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>&1", MKFS, loop_dev);
  if (system(cmd) != 0) fprintf(stderr, "repro: %s failed (is it installed?)\n", cmd), exit(2);
}
#endif

// In the run's child: unshare the mount namespace (nothing propagates back to the
// host), mount the target at /tmp/root (under a private tmpfs on /tmp), chroot into it.
static void make_root(void) {
  if (unshare(CLONE_NEWNS) != 0) die("unshare(CLONE_NEWNS)");
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) die("mount --make-rprivate /");
  if (mount("nfz-repro-scratch", "/tmp", "tmpfs", 0, "size=1m") != 0) die("mount tmpfs on /tmp");
  if (mkdir("/tmp/root", 0755) != 0) die("mkdir /tmp/root");
#if FS_KIND == FS_TMPFS
  if (mount("nfz-repro", "/tmp/root", "tmpfs", 0, "size=256m,nr_inodes=65536") != 0) die("mount tmpfs");
#elif FS_KIND == FS_LOOP
  if (mount(loop_dev, "/tmp/root", FS_TYPE, 0, NULL) != 0) die("mount " FS_TYPE);
#else
  fuse_mount_root("/tmp/root");
#endif
  drop_caches_fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
  if (chroot("/tmp/root") != 0 || chdir("/") != 0) die("chroot");
  umask(0);  // modes as the program writes them
}
