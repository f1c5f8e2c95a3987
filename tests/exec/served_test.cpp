// A served sandbox (Sandbox::begin_served(), exec/program_server.hpp: one long-lived child runs
// program after program with threads and rings kept from program to program) shows a
// program what a forked run shows it: the same outcomes for every example program, no fd
// and no fixed file of an earlier program, an empty root; a child that hangs is replaced.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "exec/program_server.hpp"
#include "exec/program_wire.hpp"
#include "tests/exec/sandbox_helpers.hpp"

namespace nfz::test {
namespace {

std::unique_ptr<Sandbox> resident_on(const std::string& target) {
  SandboxOptions options;
  options.resident = true;
  std::string why;
  auto sb = Sandbox::open(*parse_target(target), options, why);
  EXPECT_TRUE(sb) << why;
  return sb;
}

// Op by op, 0 or -errno; an fd as "fd": a served child's kept rings hold fds of 1000 and
// up where a forked run's rings take the lowest free ones, so a program's fd numbers may
// differ between the two (no outcome the oracles judge depends on them).
std::vector<std::string> outcomes(const History& h) {
  std::vector<std::string> out;
  for (const Event& e : h.events)
    out.push_back(std::to_string(e.thread) + "." + std::to_string(e.index) + ":" +
                  (e.result > 0 ? std::string("fd") : std::to_string(e.result)));
  return out;
}

std::vector<Program> examples() {
  std::vector<Program> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(NFZ_SOURCE_DIR) + "/corpus/examples")) {
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    out.push_back(program_of(text.str()));
  }
  return out;
}

// Every op in setup: it runs alone, so its outcome is determined.
Program alone(const Program& p) {
  Program out;
  out.faults = p.faults;
  out.setup = p.setup;
  for (const auto& t : p.threads) out.setup.insert(out.setup.end(), t.begin(), t.end());
  return out;
}

TEST(ProgramWire, EveryExampleRoundTrips) {
  std::vector<std::byte> bytes(1 << 20);
  for (const Program& p : examples()) {
    size_t n = encode_program(p, bytes);
    ASSERT_GT(n, 0u);
    Program back;
    back.setup.resize(3);  // storage of an earlier program is reused, not appended to
    EXPECT_EQ(decode_program(std::span<const std::byte>(bytes).first(n), back), n);
    EXPECT_EQ(back, p) << print_program(p);
    EXPECT_EQ(decode_program(std::span<const std::byte>(bytes).first(n - 1), back), 0u) << "a cut program is no program";
  }
  Program big = examples().front();
  EXPECT_EQ(encode_program(big, std::span<std::byte>(bytes).first(8)), 0u) << "does not fit: 0";
}

TEST(Served, RunsSeeWhatAForkedRunShows) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces";
  for (const char* target : {"tmpfs", "ext4"}) {
    SCOPED_TRACE(target);
    auto forked = resident_on(target);
    auto served = resident_on(target);
    ASSERT_TRUE(forked && served);
    ASSERT_TRUE(served->served());
    ProgramServer server(*served, nullptr, 1024);
    HistoryBuffer buffer;
    for (RingMode ring : {RingMode::kPerThread, RingMode::kShared})
      for (const Program& p : examples()) {
        ConcurrentOptions options;
        options.ring = ring;
        // A program with drop_caches gets three tries to agree (has_drop_caches()).
        const int tries = has_drop_caches(p) ? 3 : 1;
        std::vector<std::string> forked_outcomes, served_outcomes;
        for (int t = 0; t < tries && (t == 0 || forked_outcomes != served_outcomes); ++t) {
          ConcurrentRun a = run_program(*forked, alone(p), options, buffer);
          ConcurrentRun b = server.run(alone(p), nullptr, options);
          ASSERT_EQ(a.code, kRunOk);
          ASSERT_EQ(b.code, kRunOk);
          forked_outcomes = outcomes(a.history), served_outcomes = outcomes(b.history);
        }
        EXPECT_EQ(forked_outcomes, served_outcomes) << print_program(p);
      }
  }
}

// Program 1 leaves a file in fixed slot 3 and a plain fd in f0; program 2 finds neither,
// as a fresh run does, and its first fd gets the number program 1's got (nothing it
// opened is left in the table); both on one child and the same rings.
TEST(Served, NoFdOrFixedFileOutlivesItsProgram) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces";
  auto sb = resident_on("tmpfs");
  ASSERT_TRUE(sb);
  ProgramServer server(*sb, nullptr, 64);
  Program leave = program_of(
      "nameifuzz program v1\nthread 0:\n  f3 = open(\"a\", O_RDWR|O_CREAT, 0644) [uring fixed]\n"
      "  f0 = open(\"b\", O_RDWR|O_CREAT, 0644)\n");
  Program find = program_of(
      "nameifuzz program v1\nthread 0:\n  close(f3) [uring fixed]\n  f0 = open(\"c\", O_RDWR|O_CREAT, 0644)\n"
      "  statx(\"a\", 0)\n");
  ConcurrentRun first = server.run(leave, nullptr, {});
  ASSERT_EQ(first.code, kRunOk);
  ASSERT_EQ(first.history.events.size(), 2u);
  const int64_t plain_fd = first.history.events[1].result;
  ASSERT_GE(plain_fd, 0);
  for (int round = 0; round < 3; ++round) {
    ConcurrentRun next = server.run(find, nullptr, {});
    ASSERT_EQ(next.code, kRunOk);
    ASSERT_EQ(next.history.events.size(), 3u);
    EXPECT_EQ(next.history.events[0].result, -EBADF) << "fixed slot 3 is empty in a new program";
    EXPECT_EQ(next.history.events[1].result, plain_fd) << "the program's first fd gets the same number";
    EXPECT_EQ(next.history.events[2].result, -ENOENT) << "an empty root";
  }
}

TEST(Served, AHungChildIsReplaced) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces";
  auto sb = resident_on("tmpfs");
  ASSERT_TRUE(sb);
  ProgramServer server(*sb, nullptr, 64);
  // A FIFO open with no peer waits until the deadline's interrupt: recorded as hung, and
  // the child that ran it (its worker may still hold the run's files) goes.
  Program hang = program_of("nameifuzz program v1\nsetup:\n  mknod(\"p\", S_IFIFO|0644)\nthread 0:\n  f0 = open(\"p\", O_RDONLY)\n");
  ConcurrentOptions options;
  options.op_deadline_ns = 50'000'000;
  ConcurrentRun hung = server.run(hang, nullptr, options);
  ASSERT_EQ(hung.history.events.size(), 2u);
  EXPECT_EQ(hung.history.events[1].how, Completion::kHung);
  Program after = program_of("nameifuzz program v1\nthread 0:\n  mkdir(\"d\", 0755) [uring]\n");
  ConcurrentRun next = server.run(after, nullptr, options);
  ASSERT_EQ(next.code, kRunOk);
  ASSERT_EQ(next.history.events.size(), 1u);
  EXPECT_EQ(next.history.events[0].result, 0);
}

}  // namespace
}  // namespace nfz::test
