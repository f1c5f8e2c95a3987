// LookupModel::step_in_steps() keeps what an op in progress holds alive: every state
// between its steps is a well-formed tree (tree::shape_error()), and no pin or walk
// cursor outlives the node it holds.
#include "model/lookup/tree.hpp"
#include "tests/model/model_test_util.hpp"

namespace nfz::model::testing {
namespace {

// Steps `op` (keyed `key`) once from `s` and expects every outcome well formed; returns
// the outcome with `result`.
State step_once_well_formed(const LookupModel& m, const State& s, const Op& op, uint32_t key, int32_t result) {
  std::vector<Transition> out;
  m.step_in_steps(s, op, key, out, false);
  const State* picked = nullptr;
  for (const Transition& t : out) {
    const char* error = tree::shape_error(t.next);
    EXPECT_EQ(error, nullptr) << print_op(op) << " = " << t.result << ": " << error << "\n" << describe_state(t.next);
    if (t.result == result) picked = &t.next;
  }
  EXPECT_NE(picked, nullptr) << print_op(op) << ": no outcome " << result;
  return picked ? *picked : s;
}

// A walk paused in "c" (with "./a" to go) holds it by its cursor alone once an rmdir
// removed it; the walk's end pins it before the cursor goes (met in a fuse:strict stress
// run: the node was freed between, and the symlink's last step looked into a free node).
TEST(StepsShape, AWalkInARemovedDirectoryKeepsItToTheLastStep) {
  Sim sim(Profile::kTmpfs, Mode::kConcurrent);
  sim.run_all({"mkdir(\"c\", 0755)"});
  const LookupModel& m = sim.model();
  const Op symlink = parse("symlink(\"t\", \"c/./a\")");
  State s = step_once_well_formed(m, sim.state(), symlink, 1, kWalked);  // into "c"
  std::vector<Transition> out;
  m.step(s, parse("rmdir(\"c\")"), out);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].result, 0);
  s = out[0].next;
  while (tree::cursor(s, 1, 0)) s = step_once_well_formed(m, s, symlink, 1, kWalked);
  s = step_once_well_formed(m, s, symlink, 1, -ENOENT);  // filename_create() in a dead directory
  EXPECT_TRUE(s.pins.empty());
  EXPECT_TRUE(s.cursors.empty());
}

}  // namespace
}  // namespace nfz::model::testing
