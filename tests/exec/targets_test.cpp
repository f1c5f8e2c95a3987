// Every target (target_names()) gives each run a fresh, empty root in which files,
// directories and symlinks work, an absolute symlink resolves inside the sandbox, and
// nothing of ours stays mounted or attached on the host once the Sandbox goes.
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "exec/fuse/observer_fs.hpp"
#include "exec/loop_image.hpp"
#include "tests/exec/sandbox_helpers.hpp"

namespace nfz::test {
namespace {

constexpr const char* kUserDir = "/var/tmp/nameifuzz-test-targets-dir";

std::string concrete(const std::string& name) { return name == "dir:PATH" ? std::string("dir:") + kUserDir : name; }

bool mkfs_missing(const std::string& target) {
  for (const char* fs : {"ext4", "xfs", "btrfs"})
    if (target == fs)
      return access(("/usr/sbin/mkfs." + target).c_str(), X_OK) != 0 && access(("/sbin/mkfs." + target).c_str(), X_OK) != 0;
  return false;
}

// Names in the root other than "." and "..".
int entries_in_root() {
  DIR* d = opendir("/");
  if (!d) return -1;
  int n = 0;
  while (dirent* e = readdir(d)) n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(d);
  return n;
}

// What statfs("/") must say inside a run of `target` (0: any, for dir:PATH).
long expected_magic(const std::string& target) {
  static const std::pair<const char*, long> kMagic[] = {
      {"tmpfs", TMPFS_MAGIC}, {"ext4", EXT4_SUPER_MAGIC}, {"xfs", XFS_SUPER_MAGIC}, {"btrfs", BTRFS_SUPER_MAGIC},
      {"overlay", OVERLAYFS_SUPER_MAGIC}, {"fuse", FUSE_SUPER_MAGIC}};
  for (const auto& [prefix, magic] : kMagic)
    if (target.starts_with(prefix)) return magic;
  return 0;
}

// The body: each failed check exits with its own code, so a failure names its step.
int files_dirs_symlinks(const SandboxEnv& env) {
  struct statfs sfs;
  if (statfs("/", &sfs) != 0) return 9;
  if (long magic = expected_magic(env.target); magic && sfs.f_type != magic) return 8;  // really that filesystem
  if (entries_in_root() != 0) return 10;  // fresh per run
  if (mkdir("/d", 0755) != 0 || mkdir("/d/e", 0700) != 0) return 11;
  int fd = open("/d/f", O_CREAT | O_EXCL | O_WRONLY, 0644);
  if (fd < 0 || write(fd, "x", 1) != 1 || close(fd) != 0) return 12;
  // Absolute symlinks, and `..` past the root, resolve inside: "/" is the run's root.
  if (symlink("/d", "/abs") != 0 || symlink("/d/e/../../../../d/f", "/d/e/up") != 0) return 13;
  struct stat via_abs, via_up, direct;
  if (stat("/abs/f", &via_abs) != 0 || stat("/d/e/up", &via_up) != 0 || stat("/d/f", &direct) != 0) return 14;
  bool fuse = env.target.starts_with("fuse:");
  if (via_abs.st_ino != direct.st_ino || via_up.st_ino != direct.st_ino) return 15;
  if (!fuse && direct.st_size != 1) return 15;  // the observer keeps names, not data
  if ((direct.st_mode & 07777) != 0644) return 16;  // umask 0: modes are exact
  if (rename("/abs/f", "/d/e/g") != 0 || unlink("/d/e/g") != 0 || unlink("/d/e/up") != 0 ||
      rmdir("/d/e") != 0)
    return 17;
  char buf[16];
  ssize_t n = readlink("/abs", buf, sizeof buf);
  if (n != 2 || memcmp(buf, "/d", 2) != 0) return 18;
  if (access("/etc/passwd", F_OK) == 0) return 19;  // the host's files are out of reach
  if ((env.observer != nullptr) != fuse) return 20;
  if (fuse && env.observer->take_trace().requests.empty()) return 21;  // the observer saw our requests
  return 0;
}

class Targets : public ::testing::TestWithParam<std::string> {};

TEST_P(Targets, FreshRootFilesDirsSymlinksAndNothingLeftBehind) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces, mounts and loop devices";
  const std::string target = concrete(GetParam());
  if (mkfs_missing(target)) GTEST_SKIP() << "mkfs." << target << " is not installed (scripts/setup images)";
  if (target.starts_with("fuse:") && access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
  {
    std::string why;
    auto sandbox = open_sandbox(target, why);
    ASSERT_TRUE(sandbox) << why;
    for (int run = 0; run < 2; ++run) {  // the second run must not see the first's files
      RunStatus status = sandbox->run(files_dirs_symlinks);
      EXPECT_EQ(status.exit_code, 0) << "run " << run << " failed at step " << status.exit_code;
    }
    if (on_loop_image(parse_target(target)->kind)) EXPECT_FALSE(loops_of(getpid()).empty());
  }
  EXPECT_TRUE(our_host_mounts().empty()) << our_host_mounts().front();
  // Autoclear detaches once the keeper's namespace (and so the mount) is gone.
  for (int i = 0; i < 100 && !loops_of(getpid()).empty(); ++i) usleep(20'000);
  EXPECT_TRUE(loops_of(getpid()).empty()) << loops_of(getpid()).front();
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(kImageDir, ec))
    EXPECT_EQ(e.path().filename().string().find("-" + std::to_string(getpid()) + "-"), std::string::npos) << e.path();
  for (const auto& e : std::filesystem::directory_iterator("/run", ec))
    EXPECT_FALSE(e.path().filename().string().starts_with("nameifuzz-" + std::to_string(getpid()) + "-")) << e.path();
  if (target.starts_with("dir:")) {
    EXPECT_TRUE(std::filesystem::is_empty(kUserDir)) << "run directories stay in " << kUserDir;
    std::filesystem::remove(kUserDir, ec);
  }
}

INSTANTIATE_TEST_SUITE_P(All, Targets, ::testing::ValuesIn(target_names()), [](const auto& info) {
  std::string name = info.param;
  for (char& c : name)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
});

TEST(TargetNames, EveryListedNameParsesAndUnknownOnesDoNot) {
  for (const auto& name : target_names()) EXPECT_TRUE(known_target(concrete(name))) << name;
  for (const char* bad : {"", "ext3", "dir:", "dir:relative", "fuse:", "fuse:lazy", "fuse:strict+slow", "tmpfs "})
    EXPECT_FALSE(known_target(bad)) << bad;
  EXPECT_EQ(parse_target("fuse:churn+latency")->fuse, "churn+latency");
  EXPECT_EQ(parse_target("dir:/srv/x")->dir, "/srv/x");
}

}  // namespace
}  // namespace nfz::test

namespace nfz::test {
namespace {

// With SandboxOptions::procfs a run has its own procfs: /proc/1 is the run (its own PID
// namespace), so the magic link /proc/1/root is the run's root, not the host's.
int own_procfs(const SandboxEnv& env) {
  if (!env.procfs) return 30;
  char buf[64];
  ssize_t n = readlink("/proc/1/root", buf, sizeof buf);
  if (n != 1 || buf[0] != '/') return 31;
  if (access("/proc/1/root/etc/passwd", F_OK) == 0 || access("/proc/self/root/../etc/passwd", F_OK) == 0) return 32;
  int fd = open("/m", O_CREAT | O_WRONLY, 0644);
  if (fd < 0) return 33;
  std::string via_fd = "/proc/self/fd/" + std::to_string(fd);
  struct stat a, b;
  if (stat(via_fd.c_str(), &a) != 0 || stat("/m", &b) != 0 || a.st_ino != b.st_ino) return 34;  // a magic link works
  if (getpid() != 1) return 35;
  return 0;
}

class ProcfsTargets : public ::testing::TestWithParam<std::string> {};

TEST_P(ProcfsTargets, MagicLinksResolveInsideTheRun) {
  if (!is_root()) GTEST_SKIP() << "needs root for PID and mount namespaces";
  const std::string target = GetParam();
  if (mkfs_missing(target)) GTEST_SKIP() << "mkfs." << target << " is not installed";
  SandboxOptions options;
  options.procfs = true;
  std::string why;
  auto sandbox = Sandbox::open(*parse_target(target), options, why);
  ASSERT_TRUE(sandbox) << why;
  EXPECT_EQ(sandbox->run(own_procfs).exit_code, 0);
  sandbox.reset();
  EXPECT_TRUE(our_host_mounts().empty()) << our_host_mounts().front();
}

INSTANTIATE_TEST_SUITE_P(Some, ProcfsTargets, ::testing::Values("tmpfs", "ext4", "overlay", "fuse:strict"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

}  // namespace
}  // namespace nfz::test
