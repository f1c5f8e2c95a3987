// Peer waits (exec/peer_wait.hpp): a FIFO open waiting for its other end is ended before
// its deadline once no other worker can bring that end (all finished, or all waiting for
// peers themselves), and left to wait while another worker still runs ops. The deadline
// here is a minute: an op "ended early" is one whose thread went on to its next op long
// before that (recorded call times, not the test's own clock).
#include <cerrno>

#include "core/history.hpp"
#include "exec/history_buffer.hpp"
#include "exec/peer_wait.hpp"
#include "tests/exec/sandbox_helpers.hpp"

namespace nfz::test {
namespace {

constexpr int64_t kMinute = 60'000'000'000;

ConcurrentRun run_on_tmpfs(const char* text, int64_t deadline_ns = kMinute, bool probes = true) {
  std::string why;
  auto sandbox = open_sandbox("tmpfs", why);
  EXPECT_TRUE(sandbox) << why;
  if (!sandbox) return {};
  HistoryBuffer buffer;
  ConcurrentOptions options;
  options.op_deadline_ns = deadline_ns;
  if (!probes) options.peer_probe_ns = 0;
  return run_program(*sandbox, program_of(text), options, buffer);
}

const Event& event_of(const History& h, int thread, uint32_t index) {
  for (const Event& e : h.events)
    if (e.thread == thread && e.index == index) return e;
  ADD_FAILURE() << "no event " << thread << "." << index;
  return h.events.front();
}

// The op `index` of `thread` hung, and the thread's next op was called well before the
// hung op's deadline.
void expect_ended_early(const History& h, int thread, uint32_t index) {
  const Event& wait = event_of(h, thread, index);
  EXPECT_EQ(wait.how, Completion::kHung);
  EXPECT_NE(wait.ino, 0u) << "explained as a FIFO";
  const Event& next = event_of(h, thread, index + 1);
  EXPECT_LT(next.call_ns - wait.call_ns, kMinute / 2);
}

TEST(PeerWait, ALoneReaderEndsWithoutWaitingForItsDeadline) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces";
  for (const char* issue : {"", " [uring-async]"}) {
    SCOPED_TRACE(issue);
    ConcurrentRun run = run_on_tmpfs((std::string("nameifuzz program v1\nsetup:\n  mknod(\"p\", S_IFIFO|0644)\n"
                                                  "  f0 = open(\"p\", O_RDONLY)") + issue + "\n  mkdir(\"after\", 0755)\n")
                                         .c_str());
    ASSERT_EQ(run.code, kRunOk);
    expect_ended_early(run.history, kSetupThread, 1);
    EXPECT_EQ(event_of(run.history, kSetupThread, 2).result, 0);
  }
}

// The writer comes 20 ms later, from a thread that was sleeping, not waiting for a peer:
// the reader waits for it and both open.
TEST(PeerWait, AReaderWaitsWhileAnotherThreadMayStillOpenTheOtherEnd) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces";
  ConcurrentRun run = run_on_tmpfs(R"(nameifuzz program v1
setup:
  mknod("p", S_IFIFO|0644)
thread 0:
  f0 = open("p", O_RDONLY)
thread 1:
  usleep(20000)
  f1 = open("p", O_WRONLY) [uring-async]
)");
  ASSERT_EQ(run.code, kRunOk);
  EXPECT_GE(event_of(run.history, 0, 0).result, 0);
  EXPECT_GE(event_of(run.history, 1, 1).result, 0);
}

// Two readers of one FIFO: each waits for the other kind of end, which neither brings.
TEST(PeerWait, ReadersWaitingOnlyForEachOtherAreAllEnded) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces";
  ConcurrentRun run = run_on_tmpfs(R"(nameifuzz program v1
setup:
  mknod("p", S_IFIFO|0644)
thread 0:
  f0 = open("p", O_RDONLY)
  mkdir("after0", 0755)
thread 1:
  f1 = open("p", O_RDONLY) [uring-async]
  mkdir("after1", 0755)
)");
  ASSERT_EQ(run.code, kRunOk);
  expect_ended_early(run.history, 0, 0);
  expect_ended_early(run.history, 1, 0);
}

// A probe reads /proc on a thread of its own fd table: the program's fd numbers are
// those of the same run without probes (where the reader waits out a 200 ms deadline;
// its open holds an fd number while it waits, do_sys_openat2()).
TEST(PeerWait, ProbesTakeNoFdNumberOfTheProgram) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces";
  const char* text = R"(nameifuzz program v1
setup:
  mknod("p", S_IFIFO|0644)
thread 0:
  f0 = open("p", O_RDONLY)
  f1 = open("a", O_RDWR|O_CREAT, 0644)
thread 1:
  usleep(5000)
  f2 = open("b", O_RDWR|O_CREAT, 0644)
  usleep(5000)
  f3 = open("c", O_RDWR|O_CREAT, 0644)
)";
  ConcurrentRun probed = run_on_tmpfs(text), unprobed = run_on_tmpfs(text, 200'000'000, false);
  ASSERT_EQ(probed.code, kRunOk);
  ASSERT_EQ(unprobed.code, kRunOk);
  for (uint32_t index : {1u, 3u}) EXPECT_EQ(event_of(probed.history, 1, index).result, event_of(unprobed.history, 1, index).result);
  EXPECT_EQ(event_of(probed.history, 0, 1).result, event_of(unprobed.history, 0, 1).result);
}

}  // namespace
}  // namespace nfz::test
