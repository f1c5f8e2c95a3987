// Must-show 3 of issue 5: a run killed with SIGKILL mid-way on a loop-image target leaves
// nothing mounted in the host's namespace, and its loop device goes (autoclear) once the
// keeper dies with it; the next run sweeps the image file and starts clean.
#include <csignal>
#include <filesystem>
#include <sys/wait.h>

#include "exec/clock.hpp"
#include "exec/history_buffer.hpp"
#include "exec/loop_image.hpp"
#include "tests/exec/sandbox_helpers.hpp"

namespace nfz::test {
namespace {

// Forks a process that runs programs on `target` until killed; returns its pid once its
// loop device is attached and a run has gone through.
pid_t start_victim(const std::string& target, int ready_pipe_write) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  std::string why;
  auto sandbox = open_sandbox(target, why);
  if (!sandbox) _exit(3);
  Program p = program_of(
      "nameifuzz program v1\nthread 0:\n  mkdir(\"a\", 0755)\n  f0 = open(\"a/x\", O_CREAT|O_WRONLY, 0644) [uring]\n"
      "thread 1:\n  mkdir(\"b\", 0755) [uring-async]\n  rename(\"b\", \"c\")\n");
  HistoryBuffer buffer;
  for (int n = 0;; ++n) {
    run_program(*sandbox, p, {}, buffer);
    if (n == 0) (void)!write(ready_pipe_write, "r", 1);
  }
}

bool image_files_of(pid_t pid) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(kImageDir, ec))
    if (e.path().filename().string().find("-" + std::to_string(pid) + "-") != std::string::npos) return true;
  return false;
}

TEST(Kill, KilledRunLeavesNothingAndTheNextStartsClean) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces, mounts and loop devices";
  for (const char* target : {"ext4", "xfs", "btrfs"}) {
    SCOPED_TRACE(target);
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    pid_t victim = start_victim(target, ready[1]);
    close(ready[1]);
    char c;
    ASSERT_EQ(read(ready[0], &c, 1), 1) << "the victim never ran a program";
    close(ready[0]);
    usleep(50'000);  // mid-way through later runs
    EXPECT_FALSE(loops_of(victim).empty()) << "the victim's loop device should be attached while it runs";
    kill(victim, SIGKILL);
    waitpid(victim, nullptr, 0);
    // The keeper dies with it (PDEATHSIG); its namespace, mount and then the loop device go.
    int64_t until = monotonic_ns() + 5'000'000'000;
    while (!loops_of(victim).empty() && monotonic_ns() < until) usleep(20'000);
    EXPECT_TRUE(loops_of(victim).empty()) << loops_of(victim).front();
    EXPECT_TRUE(image_files_of(victim)) << "the image file stays until the next start sweeps it";
    {
      std::string why;
      auto next = open_sandbox(target, why);  // sweeps the dead victim's leftovers
      ASSERT_TRUE(next) << why;
      EXPECT_FALSE(image_files_of(victim));
      HistoryBuffer buffer;
      ConcurrentRun run = run_program(*next, program_of("nameifuzz program v1\nthread 0:\n  mkdir(\"a\", 0755)\n"), {}, buffer);
      EXPECT_EQ(run.code, kRunOk);
      ASSERT_EQ(run.history.events.size(), 1u);
      EXPECT_EQ(run.history.events[0].result, 0) << "a fresh directory: mkdir succeeds";
    }
    EXPECT_TRUE(loops_of(getpid()).empty());
    EXPECT_FALSE(image_files_of(getpid()));
    EXPECT_TRUE(our_host_mounts().empty()) << our_host_mounts().front();
  }
}

}  // namespace
}  // namespace nfz::test
