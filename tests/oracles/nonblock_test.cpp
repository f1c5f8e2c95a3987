// The NOBLOCK oracles on hand-made histories, FUSE traces and sleep samples: each one
// flags a history that breaks its promise and passes the same history without the break.
#include <gtest/gtest.h>

#include <cerrno>

#include "oracles/nonblock/nonblock.hpp"

namespace nfz::oracles {
namespace {

constexpr int32_t kTid = 4242;

Op op(const char* line) { return std::get<Op>(parse_op(line, "test", 1)); }

// One thread issuing `ops`, each taking [10*i, 10*i+5] ns; results and nvcsw given.
History history(std::vector<Op> ops, std::vector<int32_t> results, std::vector<uint32_t> nvcsw = {}) {
  History h;
  h.target = "fuse:strict";
  h.ops = {{}, ops};
  h.tids = {kTid, kTid};
  for (size_t i = 0; i < ops.size(); ++i) {
    Event e;
    e.thread = 0;
    e.index = static_cast<uint32_t>(i);
    e.call_ns = 10 * static_cast<int64_t>(i);
    e.return_ns = e.call_ns + 5;
    e.result = results[i];
    e.nvcsw = i < nvcsw.size() ? nvcsw[i] : 0;
    e.how = ops[i].issue.via == Via::kSyscall ? Completion::kSyscall : Completion::kInline;
    h.events.push_back(e);
  }
  return h;
}

FuseTrace fuse_from(int32_t tid, FuseOp what, int64_t at) {
  FuseRequest r;
  r.op = what;
  r.parent = 1;
  r.name = "f";
  r.tid = tid;
  r.recv_ns = at;
  r.reply_ns = at + 1;
  return {FuseCaching::kStrict, {r}};
}

SleepSample sleep_at(int32_t tid, int64_t at, std::vector<std::string> frames) {
  return {tid, at, 'D', std::move(frames)};
}

const std::vector<std::string> kWalkIoStack = {"__schedule", "schedule", "io_schedule", "bit_wait_io",
                                               "__ext4_find_entry", "ext4_lookup", "__lookup_slow",
                                               "walk_component", "link_path_walk", "path_openat"};
const std::vector<std::string> kOpenFuseStack = {"__schedule", "schedule", "request_wait_answer",
                                                 "__fuse_simple_request", "fuse_do_open", "fuse_open",
                                                 "do_dentry_open", "vfs_open", "do_open", "path_openat"};

// ---- nonblock.walk ------------------------------------------------------------------

TEST(NonblockWalk, FlagsAnErrnoOnlyTheFilesystemCouldGive) {
  History bad = history({op("openat2(\"f\", O_RDONLY, 0, RESOLVE_CACHED)")}, {-EIO});
  auto r = check_nonblock_walk({bad});
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].title, "nonblock.walk: openat2(RESOLVE_CACHED) returned EIO");
  for (int ok : {0, -EAGAIN, -ENOENT, -EXDEV, -ELOOP, -ENOTDIR}) {
    History good = history({op("openat2(\"f\", O_RDONLY, 0, RESOLVE_CACHED)")}, {ok});
    EXPECT_TRUE(check_nonblock_walk({good}).violations.empty()) << ok;
  }
}

TEST(NonblockWalk, FlagsAFuseLookupFromTheCallerDuringTheWalk) {
  History h = history({op("openat2(\"f\", O_RDONLY, 0, RESOLVE_CACHED)")}, {0}, {1});
  FuseTrace lookup = fuse_from(kTid, FuseOp::kLookup, 2);
  auto r = check_nonblock_walk({h, &lookup});
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].title, "nonblock.walk: openat2(RESOLVE_CACHED) sent FUSE LOOKUP");
  // The same LOOKUP from another thread, or an OPEN after the walk, is no violation.
  FuseTrace other = fuse_from(kTid + 1, FuseOp::kLookup, 2);
  FuseTrace open_after = fuse_from(kTid, FuseOp::kOpen, 2);
  EXPECT_TRUE(check_nonblock_walk({h, &other}).violations.empty());
  EXPECT_TRUE(check_nonblock_walk({h, &open_after}).violations.empty());
}

TEST(NonblockWalk, FlagsASleepInTheWalkButNotInTheOpenAfterIt) {
  History h = history({op("openat2(\"f\", O_RDONLY, 0, RESOLVE_CACHED) [uring]")}, {0}, {1});
  std::vector<SleepSample> in_walk = {sleep_at(kTid, 3, kWalkIoStack)};
  auto r = check_nonblock_walk({h, nullptr, &in_walk});
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].title, "nonblock.walk: openat2(RESOLVE_CACHED) slept in the walk (io)");
  std::vector<SleepSample> in_open = {sleep_at(kTid, 3, kOpenFuseStack)};
  EXPECT_TRUE(check_nonblock_walk({h, nullptr, &in_open}).violations.empty());
  std::vector<SleepSample> outside = {sleep_at(kTid, 50, kWalkIoStack)};
  EXPECT_TRUE(check_nonblock_walk({h, nullptr, &outside}).violations.empty());
}

TEST(NonblockWalk, IgnoresOpensWithoutResolveCached) {
  History h = history({op("openat2(\"f\", O_RDONLY, 0, RESOLVE_BENEATH)"), op("open(\"f\", O_RDONLY)")}, {-EIO, -EIO});
  auto r = check_nonblock_walk({h});
  EXPECT_EQ(r.checks, 0u);
  EXPECT_TRUE(r.violations.empty());
}

TEST(NonblockWalk, AChainCancelledRequestMadeNoWalkToJudge) {
  // The mkdir fails, so io_uring cancels the linked open: -ECANCELED is not the walk's.
  History h = history({op("mkdir(\"d\", 0755) [uring link]"), op("openat2(\"d\", O_RDONLY, 0, RESOLVE_CACHED) [uring]")},
                      {-EEXIST, -ECANCELED});
  auto r = check_nonblock_walk({h});
  EXPECT_EQ(r.checks, 0u);
  EXPECT_TRUE(r.violations.empty());
  // Without the link the same -ECANCELED did not come from a chain: it is judged.
  History unlinked = history({op("mkdir(\"d\", 0755) [uring]"), op("openat2(\"d\", O_RDONLY, 0, RESOLVE_CACHED) [uring]")},
                             {-EEXIST, -ECANCELED});
  EXPECT_EQ(check_nonblock_walk({unlinked}).violations.size(), 1u);
}

TEST(NonblockWalk, AnOpenInterruptedAtItsDeadlineIsNotJudgedButAnEarlyEintrIs) {
  // A FIFO open waits for a peer after the walk; the executor interrupts it at 5 ns here.
  History h = history({op("openat2(\"p\", O_RDONLY, 0, RESOLVE_CACHED)")}, {-EINTR});
  EXPECT_TRUE(check_nonblock_walk({h, nullptr, nullptr, 5}).violations.empty());
  // An -EINTR well before the deadline came from somewhere in the kernel: judged.
  auto r = check_nonblock_walk({h, nullptr, nullptr, 1'000'000});
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].title, "nonblock.walk: openat2(RESOLVE_CACHED) returned EINTR");
}

// ---- nonblock.issue -----------------------------------------------------------------

TEST(NonblockIssue, FlagsAnInlineOpenWhoseSubmitterSlept) {
  History h = history({op("f0 = open(\"f\", O_RDONLY) [uring]")}, {3}, {1});
  auto r = check_nonblock_issue({h});
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].title, "nonblock.issue: io_uring inline open slept (unknown)");
  EXPECT_EQ(r.unattributed, 1u);
  History quiet = history({op("f0 = open(\"f\", O_RDONLY) [uring]")}, {3}, {0});
  EXPECT_TRUE(check_nonblock_issue({quiet}).violations.empty());
}

TEST(NonblockIssue, ClassesTheSleepByItsCause) {
  History h = history({op("f0 = open(\"f\", O_RDONLY) [uring]")}, {3}, {1});
  FuseTrace open_req = fuse_from(kTid, FuseOp::kOpen, 2);
  EXPECT_EQ(check_nonblock_issue({h, &open_req}).violations.at(0).title,
            "nonblock.issue: io_uring inline open slept (fuse:OPEN)");
  std::vector<SleepSample> io = {sleep_at(kTid, 2, kWalkIoStack)};
  EXPECT_EQ(check_nonblock_issue({h, nullptr, &io}).violations.at(0).title,
            "nonblock.issue: io_uring inline open slept (io)");
  std::vector<SleepSample> reclaim = {sleep_at(kTid, 2, {"schedule", "try_to_free_pages", "__alloc_pages_slowpath"})};
  EXPECT_EQ(check_nonblock_issue({h, nullptr, &reclaim}).violations.at(0).title,
            "nonblock.issue: io_uring inline open slept (reclaim)");
}

TEST(NonblockIssue, AFuseRequestFromTheSubmitterIsAViolationEvenWithoutASwitch) {
  History h = history({op("close(f0) [uring]")}, {0}, {0});
  FuseTrace flush = fuse_from(kTid, FuseOp::kFlush, 3);
  ASSERT_EQ(check_nonblock_issue({h, &flush}).violations.size(), 1u);
}

TEST(NonblockIssue, OnlyJudgesRequestsIoUringIssuesInline) {
  // Forced async at prep (O_CREAT, mkdir, statx), by IOSQE_ASYNC, or plain syscalls.
  History h = history({op("f0 = open(\"f\", O_WRONLY|O_CREAT, 0644) [uring]"), op("mkdir(\"d\", 0755) [uring]"),
                       op("statx(\"f\", 0) [uring]"), op("f1 = open(\"f\", O_RDONLY) [uring-async]"),
                       op("f2 = open(\"f\", O_RDONLY)"), op("f3 = open(\"d\", O_RDONLY|O_DIRECTORY) [uring]")},
                      {3, 0, 0, 4, 5, 6}, {1, 1, 1, 1, 1, 1});
  auto r = check_nonblock_issue({h});
  EXPECT_EQ(r.checks, 1u);  // only the O_DIRECTORY open: O_TMPFILE's bits are not O_DIRECTORY's
  ASSERT_EQ(r.violations.size(), 1u);
}

TEST(NonblockIssue, JudgesALinkedChainAsOneSubmit) {
  History h = history({op("f0 = open(\"f\", O_RDONLY) [uring link fixed]"), op("close(f0) [uring fixed]")}, {0, 0},
                      {1, 1});
  auto r = check_nonblock_issue({h});
  EXPECT_EQ(r.checks, 1u);
  EXPECT_EQ(r.violations.size(), 1u);
  History mixed = history({op("f0 = open(\"f\", O_RDONLY) [uring link]"), op("unlink(\"f\") [uring]")}, {0, 0}, {1, 1});
  EXPECT_EQ(check_nonblock_issue({mixed}).checks, 0u);
}

TEST(NonblockIssue, CountsCompletionsPerKind) {
  History h = history({op("f0 = open(\"f\", O_RDONLY) [uring]"), op("f1 = open(\"f\", O_RDONLY)")}, {3, 4});
  h.events[0].how = Completion::kPunted;
  auto c = count_completions(h);
  EXPECT_EQ(c.by_kind[static_cast<int>(OpKind::kOpen)][static_cast<int>(Completion::kPunted)], 1u);
  EXPECT_EQ(c.by_kind[static_cast<int>(OpKind::kOpen)][static_cast<int>(Completion::kSyscall)], 1u);
}

// ---- cached.complete ----------------------------------------------------------------

TEST(CachedComplete, TwinDropsCreationFlagsAndAddsResolveCached) {
  Event ok{.return_ns = 1, .result = 3};
  auto twin = cached_twin(op("f0 = open(\"d/f\", O_RDWR|O_CREAT|O_EXCL|O_TRUNC, 0644) [uring]"), ok);
  ASSERT_TRUE(twin);
  EXPECT_EQ(print_op(*twin), "openat2(\"d/f\", O_RDWR, 0, RESOLVE_CACHED)");
  EXPECT_EQ(print_op(*cached_twin(op("openat2(f1, \"e\", O_RDONLY|O_DIRECTORY, 0, RESOLVE_BENEATH)"), ok)),
            "openat2(f1, \"e\", O_RDONLY|O_DIRECTORY, 0, RESOLVE_BENEATH|RESOLVE_CACHED)");
  EXPECT_FALSE(cached_twin(op("f0 = open(\".\", O_RDWR|O_TMPFILE, 0600)"), ok));
  Event failed{.return_ns = 1, .result = -ENOENT};
  EXPECT_FALSE(cached_twin(op("open(\"d/f\", O_RDONLY)"), failed));
}

TEST(CachedComplete, FlagsAFailedTwinAndNamesTheO_DIRECTORYClass) {
  Op original = op("f0 = open(\"d\", O_RDONLY|O_DIRECTORY)");
  Op twin = *cached_twin(original, Event{.return_ns = 1, .result = 3});
  auto bad = judge_cached_twin(original, twin, -EAGAIN);
  ASSERT_EQ(bad.violations.size(), 1u);
  EXPECT_EQ(bad.violations[0].title, "cached.complete: cached O_DIRECTORY open after a successful open returned EAGAIN");
  EXPECT_TRUE(judge_cached_twin(original, twin, 4).violations.empty());
}

TEST(SleepClass, ReadsTheCauseOffTheStack) {
  EXPECT_EQ(classify_sleep(sleep_at(1, 0, kOpenFuseStack)), SleepClass::kFuse);
  EXPECT_EQ(classify_sleep(sleep_at(1, 0, kWalkIoStack)), SleepClass::kIo);
  EXPECT_EQ(classify_sleep(sleep_at(1, 0, {"schedule", "rwsem_down_read_slowpath", "lookup_slow"})), SleepClass::kLock);
  EXPECT_EQ(classify_sleep(sleep_at(1, 0, {"schedule", "do_nanosleep"})), SleepClass::kOther);
  EXPECT_EQ(classify_sleep(sleep_at(1, 0, {})), SleepClass::kUnknown);
}

}  // namespace
}  // namespace nfz::oracles
