// The hot loop allocates nothing per op: a program with twice the ops per thread makes
// exactly as many heap allocations in run_concurrent (threads, rings, barriers: per run,
// not per op). Counted by replacing the global operator new in this test binary.
#include <atomic>
#include <cstdlib>
#include <new>
#include <unistd.h>

#include "exec/history_buffer.hpp"
#include "tests/exec/sandbox_helpers.hpp"

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

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
      uint64_t before = g_allocations.load();
      if (run_concurrent(p, env, {}, buffer) != kRunOk) return 3;
      counts[i] = g_allocations.load() - before;
    }
    fprintf(stderr, "allocations: %llu for %zu ops, %llu for %zu ops\n", static_cast<unsigned long long>(counts[0]),
            small.op_count(), static_cast<unsigned long long>(counts[1]), large.op_count());
    return counts[0] == counts[1] ? 0 : 1;
  });
  EXPECT_EQ(status.exit_code, 0) << "allocations grew with the number of ops (see stderr)";
}

}  // namespace
}  // namespace nfz::test
