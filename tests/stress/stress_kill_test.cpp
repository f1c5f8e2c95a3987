// kill -9 of `nameifuzz stress --jobs 2` (or of one of its jobs) on a resident sandbox:
// jobs and keepers die with their parent (PR_SET_PDEATHSIG), their namespaces take the
// mounts, autoclear the loop devices; the next start sweeps the image files, and nothing of
// ours stays in /proc/mounts or `losetup -a`.
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "exec/clock.hpp"
#include "exec/loop_image.hpp"

namespace nfz::stress {
namespace {

const std::string kBinary = std::string(NFZ_BINARY_DIR) + "/nameifuzz";

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  for (pid_t c; in >> c;) out.push_back(c);
  return out;
}

// Our lines of /proc/mounts, loop devices backed by our images, and image files: what a
// finished run must not leave.
std::vector<std::string> leftovers() {
  std::vector<std::string> out;
  std::ifstream mounts("/proc/self/mounts");
  for (std::string line; std::getline(mounts, line);)
    if (line.find("nameifuzz") != std::string::npos) out.push_back("mount: " + line);
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/sys/block", ec)) {
    std::ifstream backing(e.path() / "loop" / "backing_file");
    std::string b;
    if (std::getline(backing, b) && b.find("nameifuzz-images") != std::string::npos) out.push_back("loop: " + b);
  }
  for (const auto& e : std::filesystem::directory_iterator(kImageDir, ec)) out.push_back("image: " + e.path().string());
  return out;
}

pid_t start_stress(const std::string& target, int out_fd) {
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, STDERR_FILENO);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    execl(kBinary.c_str(), "nameifuzz", "stress", "--target", target.c_str(), "--jobs", "2", "--threads", "2",
          "--duration", "60", "--findings", "/var/tmp/nameifuzz-test-kill-findings", "--keep-going", nullptr);
    _exit(127);
  }
  return pid;
}

// Waits for the first progress line (every job has its sandboxes and ran programs).
bool wait_for_progress(int fd) {
  std::string seen;
  char buf[512];
  int64_t until = monotonic_ns() + 30'000'000'000;
  while (monotonic_ns() < until) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    seen.append(buf, static_cast<size_t>(n));
    if (seen.find("stress: ") != std::string::npos && seen.find(" programs ") != std::string::npos) return true;
  }
  return false;
}

// Tasks of `nameifuzz` still alive (not zombies): a fuse:* run killed without aborting its
// connection leaves one in D state for good (request_wait_answer()).
std::vector<std::string> live_nameifuzz_tasks() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& p : std::filesystem::directory_iterator("/proc", ec)) {
    std::ifstream stat(p.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    size_t open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 >= line.size()) continue;
    if (line.substr(open + 1, close - open - 1) == "nameifuzz" && line[close + 2] != 'Z') out.push_back(line);
  }
  return out;
}

void expect_clean_after_next_start() {
  // The next start sweeps what the dead ones left (a short run on tmpfs).
  std::string cmd = kBinary + " stress --target tmpfs --programs 2 --jobs 1 --quiet --findings "
                              "/var/tmp/nameifuzz-test-kill-findings > /dev/null 2>&1";
  EXPECT_EQ(system(cmd.c_str()), 0);
  int64_t until = monotonic_ns() + 5'000'000'000;
  while (!leftovers().empty() && monotonic_ns() < until) usleep(50'000);
  std::vector<std::string> left = leftovers();
  EXPECT_TRUE(left.empty()) << left.front();
}

void kill_and_check(const std::string& target, bool only_one_job) {
  SCOPED_TRACE(target + (only_one_job ? ", one job killed" : ", the stress process killed"));
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t stress = start_stress(target, out[1]);
  close(out[1]);
  ASSERT_TRUE(wait_for_progress(out[0])) << "no progress line from nameifuzz stress on " << target;
  std::vector<pid_t> jobs = children_of(stress);
  ASSERT_EQ(jobs.size(), 2u);
  if (only_one_job) {
    kill(jobs[0], SIGKILL);
    int status = 0;
    waitpid(stress, &status, 0);  // the parent notices and ends
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << "a killed job is an environment error";
  } else {
    kill(stress, SIGKILL);
    waitpid(stress, nullptr, 0);
  }
  close(out[0]);
  int64_t until = monotonic_ns() + 10'000'000'000;
  auto alive = [&] {
    for (pid_t j : jobs)
      if (kill(j, 0) == 0) return true;
    return false;
  };
  while (alive() && monotonic_ns() < until) usleep(20'000);
  EXPECT_FALSE(alive()) << "jobs outlived their parent";
  while (!live_nameifuzz_tasks().empty() && monotonic_ns() < until) usleep(20'000);
  std::vector<std::string> stuck = live_nameifuzz_tasks();
  EXPECT_TRUE(stuck.empty()) << "a task of the killed run is still there: " << stuck.front();
  expect_clean_after_next_start();
}

TEST(StressKill, KilledResidentRunsLeaveNothing) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for mount namespaces and loop devices";
  std::filesystem::remove_all("/var/tmp/nameifuzz-test-kill-findings");
  for (const char* target : {"ext4", "xfs", "btrfs", "fuse:strict", "tmpfs,ext4"}) {
    kill_and_check(target, false);
    if (std::string(target) == "ext4") kill_and_check(target, true);
  }
  std::filesystem::remove_all("/var/tmp/nameifuzz-test-kill-findings");
}

}  // namespace
}  // namespace nfz::stress
