// PID 1 of a `nameifuzz vm` guest (static, no libraries): mounts the pseudo filesystems,
// loads the modules in /etc/nfz/modules, mounts the host's 9p share at /out, runs the
// command in /etc/nfz/argv in /scratch (a tmpfs; /scratch/findings is /out/findings),
// prints "nfz-vm: exit N" on the console and reboots (qemu -no-reboot exits). The host reads that line.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGV_MAX 256

static void say(const char* what, const char* detail) {
  fprintf(stderr, "nfz-vm: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
}

static void must_mount(const char* src, const char* dst, const char* type, const char* opts) {
  mkdir(dst, 0755);
  if (mount(src, dst, type, 0, opts) != 0 && errno != EBUSY) {
    char detail[256];
    snprintf(detail, sizeof detail, "%s on %s: %s", type, dst, strerror(errno));
    say("mount", detail);
  }
}

static char* read_all(const char* path, size_t* len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  size_t cap = 4096, n = 0;
  char* buf = malloc(cap + 1);
  for (ssize_t r; (r = read(fd, buf + n, cap - n)) > 0;) {
    n += r;
    if (n == cap) buf = realloc(buf, (cap *= 2) + 1);
  }
  close(fd);
  buf[n] = 0;
  *len = n;
  return buf;
}

static void load_modules(void) {
  size_t len;
  char* list = read_all("/etc/nfz/modules", &len);
  if (!list) return;
  for (char* line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
    int fd = open(line, O_RDONLY | O_CLOEXEC);
    // A compressed module (Debian's 6.12 ships .ko.xz) is the kernel's to decompress
    // (CONFIG_MODULE_DECOMPRESS): finit_module() takes it only with this flag.
    const size_t n = strlen(line);
    const int compressed = n > 3 && strcmp(line + n - 3, ".ko") != 0;
    const int flags = compressed ? 4 /* MODULE_INIT_COMPRESSED_FILE */ : 0;
    if (fd < 0 || (syscall(SYS_finit_module, fd, "", flags) != 0 && errno != EEXIST)) {
      char detail[512];
      snprintf(detail, sizeof detail, "%s: %s", line, strerror(errno));
      say("module", detail);
    }
    if (fd >= 0) close(fd);
  }
  free(list);
}

static void mount_share(void) {
  mkdir("/out", 0755);
  if (mount("nfzout", "/out", "9p", 0, "trans=virtio,version=9p2000.L,msize=262144,cache=none") != 0) {
    say("9p share not mounted (findings stay in the guest)", strerror(errno));
    return;
  }
  mkdir("/out/findings", 0755);
  symlink("/out/findings", "/scratch/findings");
}

static int run_command(void) {
  size_t len;
  char* words = read_all("/etc/nfz/argv", &len);
  if (!words || len == 0) return say("no command", NULL), 2;
  char* argv[ARGV_MAX + 1];
  int argc = 0;
  for (size_t i = 0; i < len && argc < ARGV_MAX; i += strlen(words + i) + 1) argv[argc++] = words + i;
  argv[argc] = NULL;
  pid_t pid = fork();
  if (pid == 0) {
    chdir("/scratch");
    setsid();
    execv(argv[0], argv);
    say("exec", strerror(errno));
    _exit(127);
  }
  // As PID 1 we also reap every orphan: wait until the command's own status comes.
  for (;;) {
    int status;
    pid_t got = wait(&status);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return 2;
    if (got != pid) continue;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
}

int main(void) {
  setenv("PATH", "/bin", 1);
  setenv("HOME", "/root", 1);
  must_mount("devtmpfs", "/dev", "devtmpfs", NULL);
  must_mount("proc", "/proc", "proc", NULL);
  must_mount("sysfs", "/sys", "sysfs", NULL);
  must_mount("cgroup2", "/sys/fs/cgroup", "cgroup2", NULL);
  must_mount("tmpfs", "/tmp", "tmpfs", "mode=1777");
  must_mount("tmpfs", "/run", "tmpfs", "mode=755");
  must_mount("tmpfs", "/var/tmp", "tmpfs", "mode=1777");
  must_mount("tmpfs", "/scratch", "tmpfs", "mode=755");
  mkdir("/dev/shm", 01777);
  must_mount("tmpfs", "/dev/shm", "tmpfs", "mode=1777");
  load_modules();
  mount_share();
  int code = run_command();
  sync();
  umount2("/out", MNT_DETACH);
  fprintf(stderr, "\nnfz-vm: exit %d\n", code);
  fflush(stderr);
  // A reboot, not a power-off: qemu -no-reboot exits on it, and it needs no ACPI.
  reboot(RB_AUTOBOOT);
  return 0;
}
