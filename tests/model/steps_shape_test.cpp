// LookupModel::step_in_steps() keeps what an op in progress holds alive: every state
// between its steps is a well-formed tree (tree::shape_error()), and no pin or walk
// cursor outlives the node it holds.
#include <algorithm>

#include "model/lookup/step_context.hpp"
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

// rmdir between ->rmdir() and d_delete() holds its parent locked and is past its walk:
// the checker lets the walk's pin go where a walk now would repeat it
// (forget_repeatable_walks()), and the walk is never redone, even once the path is gone
// (met in an xfs stress run: rmdir("c/d") through the symlink c, unlinked meanwhile,
// walked again, failed and left the removed directory's name on a free node).
TEST(StepsShape, AnRmdirPastItsWalkDoesNotWalkAgain) {
  Sim sim(Profile::kXfs, Mode::kConcurrent);
  sim.run_all({"mkdir(\"d\", 0755)", "mkdir(\"d/d\", 0755)", "symlink(\"d\", \"c\")"});
  const LookupModel& m = sim.model();
  const Op rmdir = parse("rmdir(\"c/d\")");
  State s = sim.state();
  while (tree::pinned(s, 1, kLockedParent) == kNoIno) s = step_once_well_formed(m, s, rmdir, 1, kWalked);
  const Ino walked = tree::pinned(s, 1, 0);
  ASSERT_NE(walked, kNoIno);
  s.pins.erase(std::find(s.pins.begin(), s.pins.end(), make_pin(1, 0, walked)));  // as the checker lets it go
  std::vector<Transition> out;
  m.step(s, parse("unlink(\"c\")"), out);
  ASSERT_EQ(out.size(), 1u);
  s = step_once_well_formed(m, out[0].next, rmdir, 1, 0);  // d_delete(): the name goes
  EXPECT_EQ(tree::lookup(s, walked, intern("d")), kNoIno);
  EXPECT_TRUE(s.pins.empty());
}

}  // namespace
}  // namespace nfz::model::testing
