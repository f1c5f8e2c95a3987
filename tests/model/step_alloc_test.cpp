// LookupModel::step() makes no heap allocation once warm (model/lookup/state_pool.hpp):
// the checker and `diff` take millions of steps. Counted by
// tests/counting_new.hpp.
#include "tests/model/model_test_util.hpp"
#include "tests/counting_new.hpp"

namespace nfz::model::testing {
namespace {

// Simple ops that come back to the namespace they start from, with one of each kind of
// outcome set: one outcome, RESOLVE_CACHED's two, a FIFO open's wait.
const char* const kCycle[] = {
    "f0 = open(\"a/f\", O_RDONLY)",        "statx(\"a/b/g\", 0)",
    "f1 = open(\"c/x\", O_WRONLY|O_CREAT, 0644)", "rename(\"c/x\", \"a/b/y\")",
    "open(\"a/missing\", O_RDONLY)",        "close(f0)",
    "unlink(\"a/b/y\")",                    "close(f1)",
    "mkdir(\"c/d\", 0755)",                 "rmdir(\"c/d\")",
    "openat2(\"a/f\", O_RDONLY, 0, RESOLVE_CACHED)", "open(\"p\", O_RDONLY) [uring]",
};

TEST(StepAlloc, NoHeapAllocationOnceWarm) {
  for (Profile profile : {Profile::kTmpfs, Profile::kExt4}) {
    for (Mode mode : {Mode::kSequential, Mode::kConcurrent}) {
      Sim m(profile, mode);
      m.run_all({"mkdir(\"a\", 0755)", "mkdir(\"a/b\", 0755)", "mkdir(\"c\", 0755)",
                 "open(\"a/f\", O_WRONLY|O_CREAT, 0644)", "open(\"a/b/g\", O_WRONLY|O_CREAT, 0644)",
                 "mknod(\"p\", S_IFIFO|0644)"});
      std::vector<Op> ops;
      for (const char* line : kCycle) ops.push_back(parse(line));
      const LookupModel& model = m.model();
      State s = m.state();
      std::vector<Transition> out;
      auto cycle = [&] {
        for (const Op& op : ops) {
          model.step(s, op, out);
          s = out.back().next;  // the last outcome: a FIFO open's wait leaves no fd behind
        }
      };
      const State first = s;
      cycle();
      ASSERT_EQ(s, first) << describe_state(s);
      cycle();  // the spares and `out` reach their sizes
      const uint64_t before = test::heap_allocations();
      for (int i = 0; i < 100; ++i) cycle();
      EXPECT_EQ(test::heap_allocations() - before, 0u) << profile_name(profile) << (mode == Mode::kSequential ? " sequential" : " concurrent");
    }
  }
}

}  // namespace
}  // namespace nfz::model::testing
