// What a process with live Sandboxes leaves when it ends without destroying them: exit()
// and SIGTERM remove the image file and the /run directory at once (exec/leftovers.hpp);
// after SIGKILL the next start sweeps them by the dead pid in their names, including the
// run directories a dir:PATH target made in the user's directory.
#include <csignal>
#include <filesystem>
#include <sys/stat.h>
#include <sys/wait.h>

#include "exec/clock.hpp"
#include "exec/loop_image.hpp"
#include "tests/exec/sandbox_helpers.hpp"

namespace nfz::test {
namespace {

namespace fs = std::filesystem;

bool has_name_with(const fs::path& dir, const std::string& prefix, const std::string& tag) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with(prefix) && name.find(tag) != std::string::npos) return true;
  }
  return false;
}
bool images_of(pid_t pid) { return has_name_with(kImageDir, "", "-" + std::to_string(pid) + "-"); }
bool run_dirs_of(pid_t pid) { return has_name_with("/run", "nameifuzz-" + std::to_string(pid) + "-", ""); }

bool wait_until_no_loops_of(pid_t pid) {
  for (int64_t until = monotonic_ns() + 5'000'000'000; !loops_of(pid).empty() && monotonic_ns() < until;) usleep(20'000);
  return loops_of(pid).empty();
}

enum class Ending { kExit, kSigterm, kSigkill };

// A process that opens an ext4 Sandbox, runs once, tells us, then ends as `ending` says:
// exit() once we write to `go`, or by our signal while it waits.
pid_t start(Ending ending, int ready_write, int go_read) {
  fflush(nullptr);
  pid_t pid = fork();
  if (pid != 0) return pid;
  std::string why;
  auto sandbox = open_sandbox("ext4", why);
  if (!sandbox || sandbox->run([](const SandboxEnv&) { return 0; }).exit_code != 0) _exit(3);
  (void)!write(ready_write, "r", 1);
  char go;
  if (ending == Ending::kExit && read(go_read, &go, 1) >= 0) exit(0);  // no destructors: the atexit handler's job
  for (;;) pause();
}

void end_and_check(Ending ending) {
  int ready[2], go[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(go), 0);
  pid_t pid = start(ending, ready[1], go[0]);
  close(ready[1]);
  close(go[0]);
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1) << "the process never ran";
  close(ready[0]);
  EXPECT_TRUE(images_of(pid));
  EXPECT_FALSE(loops_of(pid).empty());
  if (ending == Ending::kExit) (void)!write(go[1], "g", 1);
  else kill(pid, ending == Ending::kSigterm ? SIGTERM : SIGKILL);
  close(go[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(wait_until_no_loops_of(pid)) << loops_of(pid).front();
  EXPECT_TRUE(our_host_mounts().empty()) << our_host_mounts().front();
  if (ending == Ending::kSigkill) {
    EXPECT_TRUE(images_of(pid)) << "nothing runs on SIGKILL: the sweep's job";
    sweep_stale();
  }
  EXPECT_FALSE(images_of(pid));
  if (ending == Ending::kSigterm) EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << "the handler re-raises";
  if (ending != Ending::kSigterm) EXPECT_FALSE(run_dirs_of(pid));  // SIGTERM's stay for the sweep
}

TEST(Leftovers, ExitRemovesTheImageAndRunDirectory) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces, mounts and loop devices";
  if (access("/usr/sbin/mkfs.ext4", X_OK) != 0) GTEST_SKIP() << "mkfs.ext4 missing";
  end_and_check(Ending::kExit);
}

TEST(Leftovers, SigtermRemovesTheImageAndDiesOfTheSignal) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces, mounts and loop devices";
  if (access("/usr/sbin/mkfs.ext4", X_OK) != 0) GTEST_SKIP() << "mkfs.ext4 missing";
  end_and_check(Ending::kSigterm);
}

TEST(Leftovers, SigkillLeavesWhatTheNextStartSweeps) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces, mounts and loop devices";
  if (access("/usr/sbin/mkfs.ext4", X_OK) != 0) GTEST_SKIP() << "mkfs.ext4 missing";
  end_and_check(Ending::kSigkill);
}

TEST(Leftovers, DirTargetSweepsRunDirectoriesOfDeadProcesses) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces and mounts";
  const fs::path user_dir = "/var/tmp/nameifuzz-test-leftovers-dir";
  fs::create_directories(user_dir);
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  fs::path stale = user_dir / ("nameifuzz-run-" + std::to_string(dead) + "-0-3");
  fs::path live = user_dir / ("nameifuzz-run-" + std::to_string(getppid()) + "-0-3");  // a live pid's: kept
  fs::path users = user_dir / "users-own-file";
  fs::create_directories(stale / "deep");
  fs::create_directories(live);
  std::ofstream(users) << "kept\n";
  {
    std::string why;
    auto sandbox = open_sandbox("dir:" + user_dir.string(), why);
    ASSERT_TRUE(sandbox) << why;
    EXPECT_FALSE(fs::exists(stale));
    EXPECT_TRUE(fs::exists(live));
    EXPECT_TRUE(fs::exists(users));
  }
  fs::remove_all(user_dir);
}

}  // namespace
}  // namespace nfz::test
