// The hot loop allocates nothing per op: a program with twice the ops per thread makes
// exactly as many heap allocations in run_concurrent (threads, rings, barriers: per run,
// not per op). Counted by tests/counting_new.hpp.
#include <unistd.h>

#include "exec/history_buffer.hpp"
#include "tests/exec/sandbox_helpers.hpp"
#include "tests/counting_new.hpp"

namespace nfz::test {
namespace {

Program repeated(int rounds) {
  std::string text = "nameifuzz program v1\nsetup:\n  mkdir(\"d\", 0755)\n";
  for (int t = 0; t < 2; ++t) {
    text += "thread " + std::to_string(t) + ":\n";
    std::string f = "\"d/f" + std::to_string(t) + "\"", g = "\"d/g" + std::to_string(t) + "\"";
    for (int r = 0; r < rounds; ++r)
      text += "  f" + std::to_string(t) + " = open(" + f + ", O_WRONLY|O_CREAT, 0644) [uring]\n"
              "  close(f" + std::to_string(t) + ")\n"
              "  rename(" + f + ", " + g + ") [uring-async]\n"
              "  statx(" + g + ", 0) [uring link]\n"
              "  unlink(" + g + ") [uring]\n"
              "  mkdir(\"d/x\", 0755)\n  rmdir(\"d/x\")\n";
  }
  return program_of(text);
}

TEST(HotLoop, NoHeapAllocationPerOp) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces";
  std::string why;
  auto sandbox = open_sandbox("tmpfs", why);
  ASSERT_TRUE(sandbox) << why;
  Program small = repeated(20), large = repeated(40);
  RunStatus status = sandbox->run([&](const SandboxEnv& env) {
    HistoryBuffer buffer;  // in the child: the counts stay here
    uint64_t counts[2];
    for (int i = 0; i < 2; ++i) {
      const Program& p = i == 0 ? small : large;
      buffer.reset(p);
      uint64_t before = heap_allocations();
      if (run_concurrent(p, env, {}, buffer) != kRunOk) return 3;
      counts[i] = heap_allocations() - before;
    }
    fprintf(stderr, "allocations: %llu for %zu ops, %llu for %zu ops\n", static_cast<unsigned long long>(counts[0]),
            small.op_count(), static_cast<unsigned long long>(counts[1]), large.op_count());
    return counts[0] == counts[1] ? 0 : 1;
  });
  EXPECT_EQ(status.exit_code, 0) << "allocations grew with the number of ops (see stderr)";
}

}  // namespace
}  // namespace nfz::test
