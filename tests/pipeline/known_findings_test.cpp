// Suppressions (globs and prefixes, '#' comments) and the findings folder's index (one
// entry per title, however many claim it).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "pipeline/finding_index.hpp"
#include "pipeline/suppressions.hpp"

namespace nfz::pipeline {
namespace {

std::string temp_dir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / (std::string("nfz-") + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

TEST(Suppressions, GlobsPrefixesAndComments) {
  std::string dir = temp_dir("supp");
  std::ofstream(dir + "/known") << "# a comment line\n\nnonblock.issue: io_uring inline open* slept (fuse:*)  # reported\n"
                                   "  kernel.health: taint\n";
  std::string why;
  auto s = Suppressions::read(dir + "/known", why);
  ASSERT_TRUE(s) << why;
  ASSERT_EQ(s->patterns.size(), 2u);
  EXPECT_TRUE(suppressed_by(s->patterns, "nonblock.issue: io_uring inline openat2 slept (fuse:GETATTR)"));
  EXPECT_FALSE(suppressed_by(s->patterns, "nonblock.issue: io_uring inline open slept (reclaim)"));
  EXPECT_TRUE(suppressed_by(s->patterns, "kernel.health: taint changed on tmpfs"));  // a prefix
  EXPECT_FALSE(suppressed_by(s->patterns, "linearizable: open ok unexplained on tmpfs"));
  EXPECT_FALSE(Suppressions::read(dir + "/absent", why));
  EXPECT_EQ(why, dir + "/absent:0: cannot read");
  std::filesystem::remove_all(dir);
}

TEST(FindingIndex, ATitleIsClaimedOnce) {
  std::string dir = temp_dir("index");
  IndexEntry existing;
  EXPECT_TRUE(index_claim(dir, {"t: one", "t-one", "tmpfs", 1, 2, "stress"}, &existing));
  EXPECT_FALSE(index_claim(dir, {"t: one", "t-one-again", "ext4", 3, 4, "stress"}, &existing));
  EXPECT_EQ(existing.folder, "t-one");
  EXPECT_EQ(existing.target, "tmpfs");
  EXPECT_TRUE(index_claim(dir, {"t: two", "t-two", "tmpfs", 1, 5, "minimize"}));
  EXPECT_EQ(index_entries(dir).size(), 2u);
  EXPECT_EQ(index_find(dir, "t: two")->program, 5u);
  EXPECT_FALSE(index_find(dir, "t: three"));
  std::filesystem::remove_all(dir);
}

// Jobs are processes: many claimers at once, one winner per title.
TEST(FindingIndex, ConcurrentClaimersGetOneWinner) {
  std::string dir = temp_dir("race");
  constexpr int kClaimers = 8;
  std::vector<pid_t> kids;
  for (int i = 0; i < kClaimers; ++i) {
    pid_t pid = fork();
    if (pid == 0) _exit(index_claim(dir, {"race: title", "race-title", "tmpfs", 0, static_cast<uint64_t>(i), "stress"}) ? 0 : 1);
    kids.push_back(pid);
  }
  int winners = 0;
  for (pid_t pid : kids) {
    int status = 0;
    waitpid(pid, &status, 0);
    winners += WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(index_entries(dir).size(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nfz::pipeline
