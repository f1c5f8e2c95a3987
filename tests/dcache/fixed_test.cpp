// Today's rules stay clean: every interleaving of every built-in scenario, a stretch of
// random scenarios and schedules, and the very schedules that break the seeded variants.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/dcache/explore.hpp"
#include "model/dcache/oracle.hpp"
#include "model/dcache/step.hpp"
#include "model/dcache/variant.hpp"

namespace nfz::dcache {
namespace {

constexpr uint8_t kFixed = 0;

TEST(Fixed, EveryInterleavingOfEveryBuiltinScenarioIsClean) {
  int two_thread_2016 = 0;
  for (const NamedScenario& ns : builtin_scenarios()) {
    ExhaustiveStats stats;
    auto found = explore_exhaustive(with_variant(ns.scenario, kFixed), 5'000'000, stats);
    EXPECT_FALSE(found) << ns.name << ": " << (found ? oracle_info(found->violation.oracle).name : "");
    EXPECT_TRUE(stats.complete) << ns.name;
    EXPECT_GT(stats.terminal, 0u) << ns.name;
    EXPECT_GT(stats.interleavings, 1u) << ns.name;
    if (ns.two_thread_2016) {
      ++two_thread_2016;
      EXPECT_EQ(ns.scenario.nthreads, 2) << ns.name;
    }
  }
  EXPECT_GE(two_thread_2016, 3);
}

TEST(Fixed, RandomScenariosAndSchedulesAreClean) {
  RandomOptions o;
  o.seed = 42;
  o.budget_seconds = 30;
  o.max_schedules = 3'000'000;
  RandomStats stats;
  auto found = explore_random(kFixed, o, stats);
  EXPECT_FALSE(found) << (found ? oracle_info(found->violation.oracle).name : "");
  EXPECT_GE(stats.schedules, 3'000'000u);
}

// The schedules that catch each seeded variant, run under today's rules, are clean.
TEST(Fixed, TheSeededVariantsFindingsAreCleanUnderTodaysRules) {
  for (uint8_t v = 1; v < variants().size(); ++v) {
    RandomOptions o;
    o.seed = 5;
    RandomStats stats;
    auto found = explore_random(v, o, stats);
    ASSERT_TRUE(found) << variants()[v].name;
    const Scenario fixed = with_variant(found->scenario, kFixed);
    EXPECT_FALSE(run_schedule(fixed, found->schedule).found()) << variants()[v].name;
  }
}

}  // namespace
}  // namespace nfz::dcache

namespace nfz::dcache {
namespace {

// The fixed model is not clean because paths are dead: random schedules of the built-in
// scenarios reach every step of the protocol except those only a seeded bug takes: the
// 2016 nfs fallback and d_add(NULL) after a d_drop(), and the end of a preempted __d_add().
TEST(Fixed, RandomSchedulesReachEveryStepButTheBuggyFallback) {
  bool reached[kPcCount] = {};
  Rng rng{11};
  std::vector<uint8_t> schedule;
  std::vector<TraceStep> trace;
  for (const NamedScenario& ns : builtin_scenarios()) {
    const Scenario s = with_variant(ns.scenario, kFixed);
    for (int i = 0; i < 300; ++i) {
      random_run(s, rng, i % 4, schedule);
      trace.clear();
      run_schedule(s, schedule, &trace);
      for (const TraceStep& t : trace) reached[t.pc] = true;
    }
  }
  for (uint8_t pc = 0; pc < kPcCount; ++pc) {
    const bool buggy_only =
        pc == kPcAoFallbackLookup || pc == kPcAoFallbackSplice || pc == kPcAoAddNegative || pc == kPcEndDirAdd;
    EXPECT_EQ(reached[pc], !buggy_only) << pc_name(pc);
  }
}

}  // namespace
}  // namespace nfz::dcache

namespace nfz::dcache {
namespace {

// What fuzz_dcache runs, in ctest: random byte strings decoded to scenario + schedule.
TEST(Fixed, DecodedRandomInputsAreClean) {
  Rng rng{99};
  std::vector<uint8_t> bytes;
  for (int i = 0; i < 200'000; ++i) {
    bytes.resize(rng.below(96));
    for (auto& b : bytes) b = static_cast<uint8_t>(rng.next());
    const Decoded in = decode_input(bytes, kFixed);
    const RunResult r = run_schedule(in.scenario, in.schedule);
    ASSERT_FALSE(r.found()) << oracle_info(r.violation.oracle).name;
  }
}

RC_GTEST_PROP(FixedProperty, NoDecodedInputViolatesAnOracle, (const std::vector<uint8_t>& bytes)) {
  const Decoded in = decode_input(bytes, kFixed);
  RC_ASSERT(!run_schedule(in.scenario, in.schedule).found());
}

}  // namespace
}  // namespace nfz::dcache
