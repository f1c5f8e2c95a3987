// The stress loop's pure parts: kernel log patterns, finding signatures, op mixes, the
// issue.equivalent comparison, and the oracle table's shape.
#include <cerrno>
#include <set>
#include <gtest/gtest.h>

#include "core/generate.hpp"
#include "core/text.hpp"
#include "stress/findings.hpp"
#include "stress/issue_equivalent.hpp"
#include "stress/kernel_health.hpp"
#include "stress/kernel_log.hpp"
#include "stress/oracle.hpp"
#include "stress/program_source.hpp"

namespace nfz::stress {
namespace {

TEST(KernelLog, RecognizesTheKernelsWordsForTrouble) {
  struct Case {
    const char* line;
    const char* pattern;
  };
  const Case cases[] = {
      {"BUG: kernel NULL pointer dereference, address: 0000000000000008", "BUG:"},
      {"WARNING: CPU: 1 PID: 2345 at fs/dcache.c:1234 d_splice_alias+0x1/0x2", "WARNING:"},
      {"INFO: task iou-wrk-123:456 blocked for more than 120 seconds.", "INFO: task"},
      {"rcu: INFO: rcu_preempt self-detected stall on CPU", "rcu: INFO:"},
      {"general protection fault, probably for non-canonical address 0xdead: 0000 [#1]", "general protection fault"},
      {"list_del corruption. next->prev should be ffff, but was dead", "list_del corruption"},
      {"VFS: Busy inodes after unmount of loop0 (ext4)", "Busy inodes after unmount"},
      {"EXT4-fs (loop0): mounted filesystem with ordered data mode", ""},
      {"loop0: detected capacity change from 0 to 262144", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(trouble_in(c.line), c.pattern) << c.line;
}

TEST(Findings, SignatureIsAStableFolderName) {
  EXPECT_EQ(signature_of("kernel.health: open hung on ext4"), "kernel.health-open-hung-on-ext4");
  EXPECT_EQ(signature_of("issue.equivalent: openat2 uring+link ENOENT vs syscall success on dir:/srv/x"),
            "issue.equivalent-openat2-uring-link-ENOENT-vs-syscall-success-on-dir-srv-x");
  EXPECT_EQ(signature_of("///"), "finding");
}

TEST(OpMix, ParsesWeightsAndRejectsNonsense) {
  std::string why;
  auto mix = parse_op_mix("open=1,rename=0,drop_caches=0", why);
  ASSERT_TRUE(mix) << why;
  EXPECT_EQ(mix->weight[static_cast<int>(OpKind::kOpen)], 1u);
  EXPECT_EQ(mix->weight[static_cast<int>(OpKind::kRename)], 0u);
  EXPECT_FALSE(parse_op_mix("open", why));
  EXPECT_FALSE(parse_op_mix("frobnicate=3", why));
  EXPECT_FALSE(parse_op_mix("open=x", why));
  std::string all_zero;
  for (const char* k : {"open", "close", "mkdir", "rmdir", "unlink", "rename", "symlink", "link", "mknod", "statx",
                        "drop_caches", "revalidate", "sleep"})
    all_zero += std::string(all_zero.empty() ? "" : ",") + k + "=0";
  EXPECT_FALSE(parse_op_mix(all_zero, why));
  EXPECT_EQ(format_op_mix(*parse_op_mix(format_op_mix(default_op_mix()), why)), format_op_mix(default_op_mix()));
}

TEST(ProgramSource, SameSeedSameProgramAndTheMixIsObeyed) {
  std::string why;
  OpMix only_mkdir = *parse_op_mix(
      "open=0,close=0,mkdir=1,rmdir=0,unlink=0,rename=0,symlink=0,link=0,mknod=0,statx=0,drop_caches=0,sleep=0,revalidate=0", why);
  ProgramSource a(7, 3, 10, default_op_mix()), b(7, 3, 10, default_op_mix()), m(7, 2, 5, only_mkdir);
  for (uint64_t n = 0; n < 20; ++n) {
    Program pa = a.make(n);
    EXPECT_EQ(pa, b.make(n));
    EXPECT_EQ(pa.threads.size(), 3u);
    for (const auto& t : pa.threads) EXPECT_LE(t.size(), 10u);
    auto parsed = parse_program(print_program(pa), "gen");
    ASSERT_TRUE(std::holds_alternative<Program>(parsed));
    for (const auto& t : m.make(n).threads)
      for (const Op& op : t) EXPECT_EQ(op.kind, OpKind::kMkdir);
  }
  EXPECT_NE(a.make(1), a.make(2));
}

TEST(ProgramSource, EveryOtherProgramAimsAtNoblockPathsWhenAsked) {
  ProgramSource s(7, 3, 10, default_op_mix());
  s.set_nonblock_every(2);
  const Program deep = gen::nonblock_setup();
  for (uint64_t n = 0; n < 6; ++n) {
    Program p = s.make(n);
    EXPECT_EQ(p.setup == deep.setup, n % 2 == 0) << n;
    EXPECT_LE(p.threads.size(), 3u);
    EXPECT_EQ(p, s.make(n));  // still a function of (seed, n)
  }
}

History setup_history(const Program& p, std::vector<int32_t> results) {
  History h;
  h.target = "tmpfs";
  h.ops.push_back(p.setup);
  for (uint32_t i = 0; i < results.size(); ++i) {
    Event e;
    e.thread = kSetupThread;
    e.index = i;
    e.call_ns = i * 10;
    e.return_ns = i * 10 + 5;
    e.result = results[i];
    h.events.push_back(e);
  }
  return h;
}

TEST(IssueEquivalent, ComparesOutcomesUpToDocumentedDifferences) {
  auto parsed = parse_program(R"(nameifuzz program v1
setup:
  mkdir("a", 0755) [uring]
  f0 = openat2("a", O_RDONLY, 0, RESOLVE_CACHED) [uring]
  unlink("a/x") [uring-async]
  rmdir("a") [uring]
)", "t");
  const Program& p = std::get<Program>(parsed);
  ASSERT_TRUE(wants_syscall_twin(p));
  Program twin = syscall_twin(p);
  EXPECT_TRUE(twin.threads.empty());
  for (const Op& op : twin.setup) EXPECT_EQ(op.issue.via, Via::kSyscall);

  History same = setup_history(p, {0, 5, -ENOENT, 0});
  History twin_h = setup_history(twin, {0, 7, -ENOENT, 0});
  RunRecord run{p, same, "tmpfs", &twin_h};
  auto r = check_issue_equivalent(run);
  EXPECT_EQ(r.checks, 4u);
  EXPECT_TRUE(r.violations.empty());

  History cached = setup_history(p, {0, -EAGAIN, -ENOENT, 0});  // RESOLVE_CACHED may say EAGAIN
  r = check_issue_equivalent({p, cached, "tmpfs", &twin_h});
  EXPECT_TRUE(r.violations.empty());

  History differs = setup_history(p, {0, 5, -EISDIR, 0});
  r = check_issue_equivalent({p, differs, "tmpfs", &twin_h});
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].title, "issue.equivalent: unlink uring-async EISDIR vs syscall ENOENT on tmpfs");
}

// A scoped ".." says EAGAIN when rename_lock moved, which any rename on the machine does;
// an unscoped open has no such EAGAIN.
TEST(IssueEquivalent, AScopedDotDotMaySayEagain) {
  for (const char* resolve : {"RESOLVE_IN_ROOT", "RESOLVE_BENEATH", "0"}) {
    const std::string text = std::string("nameifuzz program v1\nsetup:\n  f1 = openat2(\"../c\", O_RDONLY, 0, ") +
                             resolve + ") [uring]\n";
    auto parsed = parse_program(text, "t");
    const Program& p = std::get<Program>(parsed);
    History orig = setup_history(p, {-EISDIR});
    History twin = setup_history(syscall_twin(p), {-EAGAIN});
    auto r = check_issue_equivalent({p, orig, "fuse:strict", &twin});
    EXPECT_EQ(r.violations.size(), std::string(resolve) == "0" ? 1u : 0u) << resolve;
  }
}

TEST(IssueEquivalent, StopsAtALinkedOpReadingARegisterItsChainSets) {
  auto parsed = parse_program(R"(nameifuzz program v1
setup:
  f1 = open("/", O_RDONLY|O_PATH) [uring-async link]
  close(f1) [uring-async link]
  mkdir("a", 0755) [uring]
)", "t");
  const Program& p = std::get<Program>(parsed);
  History orig = setup_history(p, {7, -EBADF, 0});
  History twin = setup_history(syscall_twin(p), {7, 0, 0});
  auto r = check_issue_equivalent({p, orig, "tmpfs", &twin});
  EXPECT_EQ(r.checks, 1u);
  EXPECT_TRUE(r.violations.empty());
}

TEST(KernelHealth, UnexplainedHangIsAViolationAFifoWaitIsNot) {
  auto parsed = parse_program("nameifuzz program v1\nthread 0:\n  f0 = open(\"p\", O_RDONLY)\n  mkdir(\"a\", 0755)\n", "t");
  const Program& p = std::get<Program>(parsed);
  History h;
  h.target = "ext4";
  h.ops = {{}, p.threads[0]};
  Event fifo{.thread = 0, .index = 0, .call_ns = 1, .return_ns = -1, .result = -EINTR, .how = Completion::kHung};
  Event stuck{.thread = 0, .index = 1, .call_ns = 2, .return_ns = -1, .result = 0, .how = Completion::kHung};
  Event fifo_uring = fifo;
  fifo_uring.result = -512;  // -ERESTARTSYS, as io-wq posts it
  h.events = {fifo, stuck, fifo_uring};
  auto r = check_kernel_health({p, h, "ext4"});
  EXPECT_EQ(r.checks, 3u);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].title, "kernel.health: mkdir hung on ext4");
}

TEST(OracleTable, EveryOracleHasANameAndTheDefaultsCanRun) {
  std::set<std::string_view> names;
  const std::vector<TargetSpec> every = {*parse_target("tmpfs"), *parse_target("fuse:strict")};
  for (const Oracle& o : oracle_table()) {
    EXPECT_FALSE(o.name.empty());
    EXPECT_TRUE(names.insert(o.name).second) << o.name;
    EXPECT_TRUE(o.skipped) << o.name;
    if (o.skipped(every).empty()) EXPECT_TRUE(o.check) << o.name << " runs but has no check";
  }
  EXPECT_TRUE(find_oracle("kernel.health"));
  EXPECT_TRUE(find_oracle("issue.equivalent"));
  EXPECT_TRUE(find_oracle("linearizable"));
}

TEST(OracleTable, TargetOracleIsSkippedWithItsReasonWhereItCannotJudge) {
  const std::vector<TargetSpec> tmpfs = {*parse_target("tmpfs")};
  const std::vector<TargetSpec> fuse = {*parse_target("fuse:churn")};
  EXPECT_NE(find_oracle("lookup.single")->skipped(tmpfs), "");
  EXPECT_EQ(find_oracle("lookup.single")->skipped(fuse), "");
  EXPECT_NE(find_oracle("cached.complete")->skipped(fuse), "");
  EXPECT_EQ(find_oracle("cached.complete")->skipped(tmpfs), "");
}

TEST(OracleTable, GroupsNameTheirOracles) {
  auto nonblock = expand_oracle_group("nonblock");
  EXPECT_EQ(nonblock, (std::vector<std::string_view>{"nonblock.walk", "nonblock.issue", "cached.complete"}));
  auto fuse = expand_oracle_group("fuse");
  EXPECT_EQ(fuse, (std::vector<std::string_view>{"lookup.single", "lookup.balance", "negative.fresh"}));
  for (auto name : nonblock) EXPECT_TRUE(find_oracle(name)) << name;
  for (auto name : fuse) EXPECT_TRUE(find_oracle(name)) << name;
  EXPECT_EQ(expand_oracle_group("kernel.health"), (std::vector<std::string_view>{"kernel.health"}));
}

}  // namespace
}  // namespace nfz::stress
