// The kernel-outcome counters: each region counts what a run observed, and the outcome set
// counts each feature once.
#include <gtest/gtest.h>

#include <cerrno>

#include "fuzz/kernel/outcome_counters.hpp"

namespace nfz::fuzz {
namespace {

size_t set_in(const std::vector<uint8_t>& counters, size_t region) {
  size_t n = 0;
  for (size_t i = 0; i < kRegions[region].size; ++i) n += counters[kRegions[region].offset + i] != 0;
  return n;
}

stress::JudgedRun two_overlapping_opens() {
  stress::JudgedRun run;
  History& h = run.run.history;
  Op open;
  open.kind = OpKind::kOpen;
  open.openat2 = true;
  open.resolve = RESOLVE_BENEATH;
  Op mkdir;
  mkdir.kind = OpKind::kMkdir;
  h.ops = {{}, {open}, {mkdir}};
  Event a{.thread = 0, .index = 0, .call_ns = 10, .return_ns = 30, .result = -EXDEV, .how = Completion::kPunted};
  Event b{.thread = 1, .index = 0, .call_ns = 20, .return_ns = 40, .result = 0};
  h.events = {a, b};
  return run;
}

TEST(OutcomeCounters, ARunSetsItsOpsResolveBitsAndOverlaps) {
  std::vector<uint8_t> counters(kOutcomeCounters);
  count_outcomes(two_overlapping_opens(), counters);
  EXPECT_EQ(set_in(counters, 0), 2u) << "open EXDEV punted, mkdir ok syscall";
  EXPECT_EQ(set_in(counters, 1), 1u) << "RESOLVE_BENEATH x EXDEV";
  EXPECT_EQ(set_in(counters, 2), 1u) << "open x mkdir overlapped, the mkdir succeeded";
  EXPECT_EQ(set_in(counters, 3) + set_in(counters, 4) + set_in(counters, 5), 0u);
}

TEST(OutcomeCounters, OpsThatDoNotOverlapSetNoOverlap) {
  stress::JudgedRun run = two_overlapping_opens();
  run.run.history.events[1].call_ns = 35;
  std::vector<uint8_t> counters(kOutcomeCounters);
  count_outcomes(run, counters);
  EXPECT_EQ(set_in(counters, 2), 0u);
}

TEST(OutcomeCounters, FuseRequestsAndVerdictsCount) {
  stress::JudgedRun run;
  FuseTrace trace;
  trace.requests = {{.op = FuseOp::kLookup, .tid = 1, .recv_ns = 0, .reply_ns = 10},
                    {.op = FuseOp::kCreate, .error = ESTALE, .tid = 2, .recv_ns = 5, .reply_ns = 15}};
  run.extras.fuse = trace;
  run.verdicts.push_back({"lookup.single", {.checks = 1}});
  std::vector<uint8_t> counters(kOutcomeCounters);
  count_outcomes(run, counters);
  EXPECT_EQ(set_in(counters, 3), 2u);
  EXPECT_EQ(set_in(counters, 4), 1u);
  EXPECT_EQ(set_in(counters, 5), 1u);
}

TEST(OutcomeCounters, TheSetCountsEachFeatureOnce) {
  std::vector<uint8_t> counters(kOutcomeCounters);
  count_outcomes(two_overlapping_opens(), counters);
  OutcomeSet set;
  EXPECT_EQ(set.add(counters), 4u);
  EXPECT_EQ(set.add(counters), 0u);
  EXPECT_EQ(set.size(), 4u);
  EXPECT_EQ(errno_class(0), 0u);
  EXPECT_NE(errno_class(-ENOENT), errno_class(-EEXIST));
}

}  // namespace
}  // namespace nfz::fuzz
