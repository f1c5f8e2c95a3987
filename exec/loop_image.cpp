#include "exec/loop_image.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <ftw.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace nfz {
namespace {

struct ImageFormat {
  TargetKind kind;
  const char* fstype;
  off_t size;  // sparse: only what mkfs and the runs write takes space
  std::vector<const char*> mkfs;
};

// xfs refuses images under 300 MiB (mkfs.xfs since xfsprogs 5.19); btrfs wants > 114 MiB.
const std::vector<ImageFormat>& formats() {
  static const std::vector<ImageFormat> table = {
      {TargetKind::kExt4, "ext4", 128 << 20, {"mkfs.ext4", "-q", "-F", "-E", "nodiscard,lazy_itable_init=1"}},
      {TargetKind::kXfs, "xfs", 320 << 20, {"mkfs.xfs", "-q", "-f", "-K"}},
      {TargetKind::kBtrfs, "btrfs", 256 << 20, {"mkfs.btrfs", "-q", "-f", "-K"}},
  };
  return table;
}

const ImageFormat* format_of(TargetKind kind) {
  for (const auto& f : formats())
    if (f.kind == kind) return &f;
  return nullptr;
}

// Runs argv with stdout/stderr to a pipe; returns "" or the tool's own message.
std::string run_tool(std::vector<const char*> argv) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return std::string("pipe: ") + strerror(errno);
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    execvp(argv[0], const_cast<char* const*>(argv.data()));
    dprintf(2, "%s not found (scripts/setup installs it)", argv[0]);
    _exit(127);
  }
  close(pipefd[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = read(pipefd[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (auto nl = out.find('\n'); nl != std::string::npos) out.resize(nl);
  return std::string(argv[0]) + " failed: " + (out.empty() ? "exit " + std::to_string(WEXITSTATUS(status)) : out);
}

// The pid in "<prefix><pid>[-...]", or -1.
pid_t pid_in(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return -1;
  name.remove_prefix(prefix.size());
  pid_t pid = 0;
  size_t i = 0;
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9'; ++i) pid = pid * 10 + (name[i] - '0');
  return i == 0 ? -1 : pid;
}

int sweep_images() {
  int removed = 0;
  DIR* d = opendir(kImageDir);
  if (!d) return 0;
  while (dirent* e = readdir(d)) {
    // <fstype>-<pid>-<n>.img
    std::string_view name = e->d_name;
    auto dash = name.find('-');
    if (dash == std::string_view::npos) continue;
    pid_t pid = pid_in(name.substr(dash + 1), "");
    if (pid <= 0 || pid_alive(pid)) continue;
    removed += unlinkat(dirfd(d), e->d_name, 0) == 0;
  }
  closedir(d);
  return removed;
}

// Loop devices whose backing file is one of ours of a dead pid (or already deleted): a
// kill between LOOP_CONFIGURE and the mount leaves the device attached with no mount to
// trigger autoclear.
int sweep_loops() {
  int removed = 0;
  DIR* d = opendir("/sys/block");
  if (!d) return 0;
  while (dirent* e = readdir(d)) {
    if (strncmp(e->d_name, "loop", 4) != 0) continue;
    std::ifstream in(std::string("/sys/block/") + e->d_name + "/loop/backing_file");
    std::string backing;
    if (!std::getline(in, backing) || backing.find("/nameifuzz-images/") == std::string::npos) continue;
    auto slash = backing.rfind('/');
    std::string_view file = std::string_view(backing).substr(slash + 1);
    auto dash = file.find('-');
    pid_t pid = dash == std::string_view::npos ? -1 : pid_in(file.substr(dash + 1), "");
    if (pid > 0 && pid_alive(pid)) continue;
    int fd = open((std::string("/dev/") + e->d_name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    removed += ioctl(fd, LOOP_CLR_FD, 0) == 0;  // EBUSY while mounted: autoclear then does it
    close(fd);
  }
  closedir(d);
  return removed;
}

int sweep_run_dirs() {
  int removed = 0;
  DIR* d = opendir("/run");
  if (!d) return 0;
  std::string_view prefix = std::string_view(kRunDirPrefix).substr(5);  // "nameifuzz-"
  while (dirent* e = readdir(d)) {
    pid_t pid = pid_in(e->d_name, prefix);
    if (pid <= 0 || pid_alive(pid)) continue;
    removed += remove_tree(std::string("/run/") + e->d_name);
  }
  closedir(d);
  return removed;
}

}  // namespace

int sweep_stale_runs(const std::string& base, std::string_view prefix) {
  int removed = 0;
  DIR* d = opendir(base.c_str());
  if (!d) return 0;
  std::vector<std::string> stale;
  while (dirent* e = readdir(d)) {
    pid_t pid = pid_in(e->d_name, prefix);
    if (pid > 0 && !pid_alive(pid)) stale.push_back(base + "/" + e->d_name);
  }
  closedir(d);
  for (const auto& p : stale) removed += remove_tree(p);
  return removed;
}

const char* fstype_of(TargetKind kind) {
  if (const ImageFormat* f = format_of(kind)) return f->fstype;
  return kind == TargetKind::kOverlay ? "overlay" : "tmpfs";
}

bool pid_alive(pid_t pid) { return kill(pid, 0) == 0 || errno == EPERM; }

std::string make_image(TargetKind kind, const std::string& path) {
  const ImageFormat* f = format_of(kind);
  if (!f) return "not a loop-image target";
  if (mkdir(kImageDir, 0700) != 0 && errno != EEXIST) return std::string("mkdir ") + kImageDir + ": " + strerror(errno);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "create " + path + ": " + strerror(errno);
  int r = ftruncate(fd, f->size);
  int err = errno;
  close(fd);
  if (r != 0) return "truncate " + path + ": " + strerror(err);
  std::vector<const char*> argv = f->mkfs;
  argv.push_back(path.c_str());
  return run_tool(argv);
}

std::string attach_loop(const std::string& image, int& fd, std::string& device) {
  int control = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (control < 0) return std::string("/dev/loop-control: ") + strerror(errno);
  int backing = open(image.c_str(), O_RDWR | O_CLOEXEC);
  if (backing < 0) {
    close(control);
    return "open " + image + ": " + strerror(errno);
  }
  std::string why;
  // A free device can be taken by someone else between GET_FREE and CONFIGURE (EBUSY).
  for (int attempt = 0; attempt < 16; ++attempt) {
    int n = ioctl(control, LOOP_CTL_GET_FREE);
    if (n < 0) {
      why = std::string("LOOP_CTL_GET_FREE: ") + strerror(errno);
      break;
    }
    device = "/dev/loop" + std::to_string(n);
    fd = open(device.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      why = "open " + device + ": " + strerror(errno);
      continue;
    }
    loop_config config{};
    config.fd = static_cast<uint32_t>(backing);
    // Direct I/O: the backing file is not cached a second time in the host's page cache,
    // where its dirty pages (charged to whoever wrote them) would defeat the memory-
    // pressure helper: reclaim could not free them before the host's writeback.
    config.info.lo_flags = LO_FLAGS_AUTOCLEAR | LO_FLAGS_DIRECT_IO;
    strncpy(reinterpret_cast<char*>(config.info.lo_file_name), image.c_str(), LO_NAME_SIZE - 1);
    if (ioctl(fd, LOOP_CONFIGURE, &config) == 0) {
      why.clear();
      break;
    }
    why = "LOOP_CONFIGURE " + device + ": " + strerror(errno);
    close(fd);
    fd = -1;
    if (errno != EBUSY) break;
  }
  close(backing);
  close(control);
  return why;
}

int sweep_stale() { return sweep_loops() + sweep_images() + sweep_run_dirs(); }

bool remove_tree(const std::string& path) {
  static bool all;
  all = true;
  auto remove_one = [](const char* p, const struct stat*, int type, FTW*) -> int {
    if (remove(p) != 0 && errno != ENOENT) all = false;
    (void)type;
    return 0;
  };
  if (nftw(path.c_str(), remove_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0 && errno != ENOENT) return false;
  return all;
}

}  // namespace nfz
