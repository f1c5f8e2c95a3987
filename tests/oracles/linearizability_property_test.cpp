// Properties of the linearizability search on generated histories (toy flat model):
//  - a sequential run of the model, given random overlapping intervals around each op's
//    linearization point, is always linearizable;
//  - the same history with one outcome changed to one the model never gives is never
//    judged linearizable;
//  - on small histories with arbitrary outcomes the search agrees with a brute-force
//    enumeration of every real-time-consistent order.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cerrno>

#include "lin_toy_model.hpp"
#include "oracles/linearizability/checker.hpp"

namespace nfz::oracles::lin {
namespace {

constexpr const char* kNames[] = {"a", "b", "c", "d"};
constexpr int kOpShapes = 9;
constexpr int32_t kNeverGiven = -EPROTO;  // no namespace op answers EPROTO

struct GenOp {
  int thread, shape, name, name2, choice, before, after;
  bool hang;
};

Op make_op(int shape, int name, int name2) {
  Op op;
  op.path = kNames[name];
  switch (shape) {
    case 0: op.kind = OpKind::kOpen; op.flags = O_RDONLY; break;
    case 1: op.kind = OpKind::kOpen; op.flags = O_RDONLY | O_CREAT; op.mode = 0644; break;
    case 2: op.kind = OpKind::kOpen; op.flags = O_RDONLY | O_CREAT | O_EXCL; op.mode = 0644; break;
    case 3: op.kind = OpKind::kUnlink; break;
    case 4: op.kind = OpKind::kMkdir; op.mode = 0755; break;
    case 5: op.kind = OpKind::kRmdir; break;
    case 6: op.kind = OpKind::kRename; op.path2 = kNames[name2]; break;
    case 7: op.kind = OpKind::kStatx; break;
    default:
      op.kind = OpKind::kOpen;
      op.openat2 = true;
      op.resolve = RESOLVE_CACHED;
      break;
  }
  return op;
}

rc::Gen<GenOp> gen_op(int threads) {
  return rc::gen::apply(
      [](int thread, int shape, int name, int name2, int choice, int before, int after, int hang) {
        return GenOp{thread, shape, name, name2, choice, before, after, hang == 0};
      },
      rc::gen::inRange(0, threads), rc::gen::inRange(0, kOpShapes), rc::gen::inRange(0, 4),
      rc::gen::inRange(0, 4), rc::gen::inRange(0, 2), rc::gen::inRange(0, 60), rc::gen::inRange(0, 60),
      rc::gen::inRange(0, 12));
}

// The model run sequentially, op i taking effect at time 10*i + 5, inside an interval that
// reaches up to 60 ns either side without overlapping its own thread's neighbours. An op
// that is the last of its thread may hang; a hung op took effect or (every other one) not.
History sequential_history(const std::vector<GenOp>& gen, int threads) {
  toy::FlatModel model;
  History h;
  h.target = "toy";
  h.ops.resize(threads + 1);
  std::vector<int64_t> last_return(threads, 0);
  std::vector<int> last_of_thread(threads, -1);
  for (size_t i = 0; i < gen.size(); ++i) last_of_thread[gen[i].thread] = static_cast<int>(i);
  std::vector<int64_t> next_point(gen.size(), INT64_MAX);
  std::vector<int64_t> seen(threads, INT64_MAX);
  for (size_t i = gen.size(); i-- > 0;) {
    next_point[i] = seen[gen[i].thread];
    seen[gen[i].thread] = 10 * static_cast<int64_t>(i) + 5;
  }
  toy::FlatState state = model.initial();
  std::vector<toy::FlatTransition> out;
  bool stopped[kMaxThreads] = {};
  for (size_t i = 0; i < gen.size(); ++i) {
    const GenOp& g = gen[i];
    if (stopped[g.thread]) continue;
    Op op = make_op(g.shape, g.name, g.name2);
    out.clear();
    model.step(state, op, out);
    const auto& t = out[g.choice % out.size()];
    const bool hang = g.hang && static_cast<int>(i) == last_of_thread[g.thread];
    const bool took_effect = !hang || g.choice == 0;
    if (took_effect) state = t.next;
    const int64_t point = 10 * static_cast<int64_t>(i) + 5;
    Event e;
    e.thread = g.thread;
    e.index = static_cast<uint32_t>(h.ops[g.thread + 1].size());
    e.call_ns = std::max(last_return[g.thread] + 1, point - g.before);
    e.return_ns = hang ? -1 : std::min(point + g.after, next_point[i] - 1);
    e.result = t.result;
    last_return[g.thread] = e.return_ns;
    if (hang) stopped[g.thread] = true;
    h.ops[g.thread + 1].push_back(op);
    h.events.push_back(e);
  }
  return h;
}

// Every order consistent with real time, hung ops taken or left out, tried one by one.
bool brute_force_accepts(const toy::FlatModel& model, const CheckInput& in, const toy::FlatState& s,
                         std::vector<bool>& used) {
  bool all = true;
  for (size_t i = 0; i < in.ops.size(); ++i) all = all && (used[i] || in.ops[i].hung);
  if (all) return true;
  for (size_t i = 0; i < in.ops.size(); ++i) {
    if (used[i]) continue;
    bool ready = true;  // every op that returned before i was called is used
    for (size_t j = 0; j < in.ops.size() && ready; ++j)
      if (!used[j] && j != i && !in.ops[j].hung && in.ops[j].return_ns < in.ops[i].call_ns) ready = false;
    if (!ready) continue;
    std::vector<toy::FlatTransition> out;
    model.step(s, *in.ops[i].op, out);
    for (const auto& t : out) {
      if (!in.ops[i].hung && t.result != in.ops[i].result) continue;
      used[i] = true;
      bool ok = brute_force_accepts(model, in, t.next, used);
      used[i] = false;
      if (ok) return true;
    }
  }
  return false;
}

RC_GTEST_PROP(LinearizabilityProperty, SequentialRunsWithOverlapAreLinearizable, ()) {
  const int threads = *rc::gen::inRange(1, 6);
  const auto gen = *rc::gen::container<std::vector<GenOp>>(gen_op(threads));
  History h = sequential_history(gen, threads);
  CheckInput input;
  RC_ASSERT(make_check_input(h, input) == "");
  CheckResult r = check_linearizable(toy::FlatModel{}, input);
  RC_ASSERT(r.verdict == Verdict::kOk);
}

RC_GTEST_PROP(LinearizabilityProperty, OneImpossibleOutcomeIsNeverLinearizable, ()) {
  const int threads = *rc::gen::inRange(1, 6);
  const auto gen = *rc::gen::nonEmpty(rc::gen::container<std::vector<GenOp>>(gen_op(threads)));
  History h = sequential_history(gen, threads);
  std::vector<size_t> returned;
  for (size_t i = 0; i < h.events.size(); ++i)
    if (h.events[i].returned()) returned.push_back(i);
  RC_PRE(!returned.empty());
  const size_t victim = returned[*rc::gen::inRange<size_t>(0, returned.size())];
  h.events[victim].result = kNeverGiven;
  CheckInput input;
  RC_ASSERT(make_check_input(h, input) == "");
  Budget budget;
  budget.max_steps = *rc::gen::element<uint64_t>(50, 100'000'000);
  CheckResult r = check_linearizable(toy::FlatModel{}, input, budget);
  RC_ASSERT(r.verdict != Verdict::kOk);
  if (r.verdict == Verdict::kIllegal) {  // at the latest when the mutated op returns
    size_t victim_return = 0;
    for (size_t m = 0; m < input.marks.size(); ++m)
      if (input.marks[m].is_return && input.ops[input.marks[m].op].event == victim) victim_return = m;
    RC_ASSERT(r.failing_mark <= victim_return);
  }
}

RC_GTEST_PROP(LinearizabilityProperty, AgreesWithBruteForceOnSmallHistories, ()) {
  const int threads = *rc::gen::inRange(1, 4);
  auto gen = *rc::gen::container<std::vector<GenOp>>(*rc::gen::inRange<size_t>(0, 7), gen_op(threads));
  History h = sequential_history(gen, threads);
  // Outcomes drawn at random: most histories become illegal, some stay legal by reordering.
  for (auto& e : h.events)
    if (*rc::gen::inRange(0, 3) == 0) e.result = *rc::gen::element<int32_t>(0, -ENOENT, -EEXIST, -EISDIR, -ENOTDIR, -EAGAIN);
  CheckInput input;
  RC_ASSERT(make_check_input(h, input) == "");
  toy::FlatModel model;
  std::vector<bool> used(input.ops.size(), false);
  const bool expected = brute_force_accepts(model, input, model.initial(), used);
  CheckResult r = check_linearizable(model, input);
  RC_TAG(expected ? "legal" : "illegal");
  RC_ASSERT(r.verdict == (expected ? Verdict::kOk : Verdict::kIllegal));
}

}  // namespace
}  // namespace nfz::oracles::lin

#include "oracles/linearizability/history_gen.hpp"

namespace nfz::oracles::lin {
namespace {

// The benchmark's generator makes linearizable histories; one impossible outcome in the
// middle makes them illegal at that op's return at the latest.
TEST(LinearizabilityGenerated, BenchShapesAreCheckedBothWays) {
  toy::FlatModel model;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    GenShape shape;
    shape.ops = 5000;
    shape.seed = seed;
    shape.renames = seed % 2;
    shape.max_gap_ns = seed == 4 ? 0 : 6;
    History h = generate_history(model, shape);
    CheckInput input;
    ASSERT_EQ(make_check_input(h, input), "");
    EXPECT_EQ(check_linearizable(model, input).verdict, Verdict::kOk) << "seed " << seed;
    h.events[h.events.size() / 2].result = kNeverGiven;
    ASSERT_EQ(make_check_input(h, input), "");
    EXPECT_EQ(check_linearizable(model, input).verdict, Verdict::kIllegal) << "seed " << seed;
  }
}

}  // namespace
}  // namespace nfz::oracles::lin
