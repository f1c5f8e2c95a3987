// The stateful property (rapidcheck rc::state): random ops run one at a time on a fresh
// tmpfs, each checked against the model before the next is chosen. The system under test
// is an op server in the sandbox (tests/model/op_server.hpp); it carries the set of model
// states that explain every kernel answer so far, and each command asserts that the
// kernel's answer is one the model allows from one of them. Shrinking gives the shortest
// command sequence that still disagrees.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

#include "model/lookup/diff_programs.hpp"
#include "tests/model/op_server.hpp"

namespace nfz::model::testing {
namespace {

// rapidcheck's model: the state following each op's first outcome. It only steers
// generation (no op that may wait for a FIFO peer); the checking is on the Sut's side.
struct RcModel {
  State s = LookupModel(Profile::kTmpfs, Mode::kSequential).initial();
};

struct KernelSut {
  LookupModel model{Profile::kTmpfs, Mode::kSequential};
  OpServer server;
  std::vector<State> frontier{model.initial()};
};

struct RunOp : rc::state::Command<RcModel, KernelSut> {
  Op op;

  RunOp() : op(*diff_gen::op()) {
    op.issue.link = false;  // one op per submission: no chains here
  }

  void checkPreconditions(const RcModel& m) const override {
    std::vector<Transition> out;
    LookupModel(Profile::kTmpfs, Mode::kSequential).step(m.s, op, out);
    for (const Transition& t : out) RC_PRE(t.result != kBlocks);
  }

  void apply(RcModel& m) const override {
    std::vector<Transition> out;
    LookupModel(Profile::kTmpfs, Mode::kSequential).step(m.s, op, out);
    m.s = out.front().next;
  }

  void run(const RcModel&, KernelSut& sut) const override {
    const int32_t got = sut.server.run(op);
    RC_ASSERT(got != kServerGone);
    std::vector<State> next;
    std::vector<Transition> out;
    std::string allowed;
    for (const State& s : sut.frontier) {
      sut.model.step(s, op, out);
      for (Transition& t : out) {
        allowed += " " + result_name(t.result);
        if (t.result == got && std::find(next.begin(), next.end(), t.next) == next.end()) next.push_back(std::move(t.next));
      }
    }
    if (next.empty()) RC_FAIL(print_op(op) + " gave " + result_name(got) + "; the model allows" + allowed);
    sut.frontier = std::move(next);
  }

  void show(std::ostream& os) const override { os << print_op(op); }
};

Sandbox* tmpfs_sandbox() {
  static std::unique_ptr<Sandbox> sandbox = [] {
    std::string why;
    return Sandbox::open(*parse_target("tmpfs"), SandboxOptions{}, why);
  }();
  return sandbox.get();
}

TEST(ModelVsKernel, StatefulOnTmpfs) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: the sandbox mounts a fresh tmpfs in a mount namespace";
  Sandbox* sandbox = tmpfs_sandbox();
  if (!sandbox) GTEST_SKIP() << "no tmpfs sandbox";
  const bool ok = rc::check("every kernel answer is one the model allows", [sandbox] {
    KernelSut sut;
    std::string why = sut.server.start(*sandbox);
    RC_ASSERT(why.empty());
    rc::state::check(RcModel{}, sut, rc::state::gen::execOneOfWithArgs<RunOp>());
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace nfz::model::testing
