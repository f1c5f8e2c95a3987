// A resident sandbox (SandboxOptions::resident: one mount held by a keeper, a fresh
// directory per run) shows a program what a fresh mount shows it: the same outcomes, op by
// op, for every example program run alone; its twin (ConcurrentOptions::then_program) in
// the same child gets its own empty root; a fresh instance comes every fresh_every runs.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "exec/history_buffer.hpp"
#include "tests/exec/sandbox_helpers.hpp"

namespace nfz::test {
namespace {

std::unique_ptr<Sandbox> sandbox_on(const std::string& target, bool resident, uint32_t fresh_every = 256) {
  SandboxOptions options;
  options.resident = resident;
  options.fresh_every = fresh_every;
  std::string why;
  auto sb = Sandbox::open(*parse_target(target), options, why);
  EXPECT_TRUE(sb) << why;
  return sb;
}

// Every op of `p` in its setup, so that it runs alone and its outcomes are determined.
Program alone(const Program& p) {
  Program out;
  out.setup = p.setup;
  for (const auto& t : p.threads) out.setup.insert(out.setup.end(), t.begin(), t.end());
  return out;
}

std::vector<std::string> outcomes(const History& h) {
  std::vector<std::string> out;
  for (const Event& e : h.events) out.push_back(std::to_string(e.index) + ":" + std::to_string(e.result));
  return out;
}

std::vector<Program> examples() {
  std::vector<Program> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(NFZ_SOURCE_DIR) + "/corpus/examples")) {
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    out.push_back(alone(program_of(text.str())));
  }
  return out;
}

TEST(Resident, RunsSeeWhatAFreshMountShows) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces";
  for (const char* target : {"tmpfs", "overlay", "ext4"}) {
    SCOPED_TRACE(target);
    auto fresh = sandbox_on(target, false);
    auto resident = sandbox_on(target, true);
    ASSERT_TRUE(fresh && resident);
    EXPECT_TRUE(resident->resident());
    HistoryBuffer buffer;
    for (const Program& p : examples()) {
      ConcurrentOptions options;
      std::vector<std::string> fresh_outcomes, resident_outcomes;
      const int tries = has_drop_caches(p) ? 3 : 1;  // three tries to agree (has_drop_caches())
      for (int t = 0; t < tries && (t == 0 || fresh_outcomes != resident_outcomes); ++t) {
        ConcurrentRun a = run_program(*fresh, p, options, buffer);
        ConcurrentRun b = run_program(*resident, p, options, buffer);
        ASSERT_EQ(a.code, kRunOk);
        ASSERT_EQ(b.code, kRunOk);
        fresh_outcomes = outcomes(a.history), resident_outcomes = outcomes(b.history);
      }
      EXPECT_EQ(fresh_outcomes, resident_outcomes) << print_program(p);
    }
  }
}

TEST(Resident, TheSecondProgramOfARunHasItsOwnEmptyRoot) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces";
  auto sb = sandbox_on("tmpfs", true);
  ASSERT_TRUE(sb);
  // Both make "d": the second succeeds only in a root of its own.
  Program p = program_of("nameifuzz program v1\nsetup:\n  mkdir(\"d\", 0755)\n  mkdir(\"d/e\", 0755) [uring]\n");
  Program twin = program_of("nameifuzz program v1\nsetup:\n  mkdir(\"d\", 0755)\n  statx(\"d/e\", 0)\n");
  HistoryBuffer buffer, twin_buffer;
  ConcurrentOptions options;
  options.then_program = &twin;
  options.then_buffer = &twin_buffer;
  ConcurrentRun run = run_program(*sb, p, options, buffer);
  ASSERT_EQ(run.code, kRunOk);
  ASSERT_TRUE(run.then_history);
  EXPECT_EQ(outcomes(run.history), (std::vector<std::string>{"0:0", "1:0"}));
  EXPECT_EQ(outcomes(*run.then_history), (std::vector<std::string>{"0:0", "1:" + std::to_string(-ENOENT)}));
}

TEST(Resident, AFreshInstanceComesEveryFreshEveryRuns) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces";
  auto sb = sandbox_on("tmpfs", true, 2);
  ASSERT_TRUE(sb);
  // The root's inode tells the instance apart: in one instance every run's root is a new
  // directory, so inode numbers grow; a new tmpfs starts counting again.
  Program p = program_of("nameifuzz program v1\nsetup:\n  statx(\".\", 0)\n");
  HistoryBuffer buffer;
  std::vector<uint64_t> inos;
  for (int i = 0; i < 4; ++i) {
    ConcurrentRun run = run_program(*sb, p, {}, buffer);
    ASSERT_EQ(run.code, kRunOk);
    ASSERT_EQ(run.history.events.size(), 1u);
    inos.push_back(run.history.events[0].ino);
  }
  EXPECT_LT(inos[0], inos[1]);
  EXPECT_GT(inos[1], inos[2]) << "run 3 should be on a fresh instance";
  EXPECT_LT(inos[2], inos[3]);
}

}  // namespace
}  // namespace nfz::test
