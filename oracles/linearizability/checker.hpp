// The `linearizable` oracle's search (docs/ORACLES.md): is a concurrent history
// explained by some total order of its ops, consistent with real time, in which every op's
// observed outcome is one the model allows from the state reached so far?
//
// The search is Wing–Gong–Lowe's, memoized on (model state, set of linearized ops) as
// Porcupine does, but run breadth-first along time (Lowe's "just-in-time linearization"):
// the history's calls and returns are consumed in order, and the search carries the set of
// configurations (state, which of the ops now in flight are already linearized) that
// explain everything seen so far. At the return of an op, every configuration that has not
// linearized it yet must do so now, possibly after linearizing other ops in flight first;
// the op then leaves the window. So the linearized set is a 64-bit mask over in-flight
// ops, not a bitset over the whole history, memory is bounded by what is in flight, and a
// quiescent point (nothing in flight) is a cut across which only a set of states is
// carried. Hung ops stay in flight to the end: they may take effect at any point after
// their call, with any outcome, or never.
#pragma once

#include <algorithm>
#include <bit>
#include <chrono>
#include <concepts>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/op.hpp"
#include "oracles/linearizability/check_input.hpp"
#include "oracles/linearizability/check_result.hpp"
#include "oracles/linearizability/config_set.hpp"

namespace nfz::oracles::lin {

namespace detail {
template <typename F>
struct StepTransition;
template <typename M, typename S, typename T>
struct StepTransition<void (M::*)(const S&, const Op&, std::vector<T>&) const> {
  using type = T;
};
}  // namespace detail

// The model a history is checked against: a pure step function giving every allowed
// (outcome, next state) — `result` 0 for any success, or -errno.
template <typename M>
using ModelState = std::decay_t<decltype(std::declval<const M&>().initial())>;
template <typename M>
using ModelTransition = typename detail::StepTransition<decltype(&M::step)>::type;

template <typename M>
concept Model = requires(const M& m, const ModelState<M>& s, const Op& op,
                         std::vector<ModelTransition<M>>& out, const ModelTransition<M>& t) {
  { s == s } -> std::convertible_to<bool>;
  { s.hash() } -> std::convertible_to<size_t>;
  m.step(s, op, out);
  { t.result } -> std::convertible_to<int32_t>;
  { t.next } -> std::convertible_to<ModelState<M>>;
};

inline constexpr int kMaxInFlight = 64;

// Whether an op that gave `result` leaves every state as it found it: a failed op (the
// kernel undoes or never starts what fails, and the models say so), a statx, an open that
// neither creates, truncates nor keeps its fd. A model may decide for itself by defining
// `bool pure(const Op&, int32_t result) const`. Used only together with a check that the
// model's transition indeed left the state unchanged.
template <Model M>
bool is_pure_outcome(const M& model, const Op& op, int32_t result) {
  if constexpr (requires { { model.pure(op, result) } -> std::convertible_to<bool>; }) {
    return model.pure(op, result);
  } else {
    if (result < 0 || op.kind == OpKind::kStatx) return true;
    return op.kind == OpKind::kOpen && !creates_file(op.flags) && !(op.flags & O_TRUNC) && op.fd == kNoSlot;
  }
}

// A model that takes an op in several steps says so with `static constexpr int32_t
// kIntermediate`: a transition with that result is a step of the op that is not its last
// (the op stays in flight, not linearized, in the state it leads to).
template <Model M>
constexpr bool is_intermediate(int32_t result) {
  if constexpr (requires { M::kIntermediate; }) return result == M::kIntermediate;
  else return false;
}

namespace detail {

// A model step for op `op` of the input: a model that judges more than the result (the
// lookup model holds the object an op reached against the kernel's) takes the whole CheckOp
// through `step_op(state, input, op, out)`; any other gets the Op.
template <Model M>
void step_op(const M& model, const ModelState<M>& s, const CheckInput& input, uint32_t op,
             std::vector<ModelTransition<M>>& out) {
  if constexpr (requires { model.step_op(s, input, op, out); }) model.step_op(s, input, op, out);
  else model.step(s, *input.ops[op].op, out);
}

// A quiescent cut of a search: the marks before `mark` are consumed, no op is in flight,
// and `state` is the one state carried across it.
template <typename State>
struct Cut {
  size_t mark = 0;
  State state;
};

// Empties `out` before a model step: a model that keeps its states' storage for reuse
// says so with `void recycle(std::vector<Transition>&) const`.
template <Model M>
void clear_steps(const M& model, std::vector<ModelTransition<M>>& out) {
  if constexpr (requires { model.recycle(out); }) model.recycle(out);
  else out.clear();
}

// One pass over the marks. With kTrackPaths every configuration remembers the order that
// led to it (an append-only tree of nodes), so that a failure can show the longest partial
// linearization; the first pass runs without, and only a failing history is searched again.
template <Model M, bool kTrackPaths>
class Search {
 public:
  using State = ModelState<M>;
  using Transition = ModelTransition<M>;

  Search(const M& model, const CheckInput& input, const Budget& budget)
      : model_(model), input_(input), budget_(budget), slot_(input.ops.size(), -1), cut_{0, model.initial()} {
    pure_.reserve(input.ops.size());
    for (const CheckOp& c : input.ops) pure_.push_back(!c.hung && is_pure_outcome(model, *c.op, c.result));
  }

  // Searches marks [from.mark, mark_count) from the quiescent cut `from` (the initial
  // state before the first mark, or a cut() of an earlier pass over the same input).
  CheckResult run(size_t mark_count, Cut<State> from) {
    start_ = std::chrono::steady_clock::now();
    if constexpr (kTrackPaths) nodes_.push_back({0, 0, 0});
    frontier_.insert({std::move(from.state), 0, 0, 0});
    for (size_t m = from.mark; m < mark_count; ++m) {
      const Mark& mark = input_.marks[m];
      if (!mark.is_return) {
        if (!call(mark.op)) return unknown("more than 64 ops in flight at once");
        continue;
      }
      if (!ret(mark.op)) return unknown(why_);
      if (frontier_.empty()) {
        result_.verdict = Verdict::kIllegal;
        result_.failing_op = mark.op;
        result_.failing_mark = m;
        if constexpr (kTrackPaths) result_.partial = path_of(deepest_);
        return std::move(result_);
      }
      if constexpr (!kTrackPaths)
        if (in_flight_ == 0 && frontier_.size() == 1) remember_cut(m + 1);
    }
    result_.verdict = Verdict::kOk;
    if constexpr (kTrackPaths) result_.witness = path_of(frontier_[0].path);
    return std::move(result_);
  }

  // The last quiescent cut the search carried one state across before its end or its
  // failing return: nothing in flight, and that state alone explains every op before it
  // (an op called before the cut returned before it), so a later pass may start there.
  const Cut<State>& last_cut() const { return cut_; }

 private:
  struct Node {
    uint32_t parent, op, depth;
  };

  bool call(uint32_t op) {
    if (in_flight_ == ~uint64_t{0}) return false;
    int s = std::countr_one(in_flight_);
    in_flight_ |= uint64_t{1} << s;
    slot_[op] = static_cast<int8_t>(s);
    op_of_slot_[s] = op;
    int n = std::popcount(in_flight_);
    if (n > result_.stats.max_in_flight) result_.stats.max_in_flight = n;
    result_.stats.in_flight_sum += static_cast<uint64_t>(n);
    ++result_.stats.calls;
    return true;
  }

  // The return of `op`: keep the configurations that linearized it already; from the
  // others, linearize any other ops in flight and then `op`. A configuration reached by
  // linearizing something after `op` is not kept: it is reachable again later from the one
  // that stopped at `op`, which is kept.
  //
  // Pure ops (is_pure_outcome) that the model accepts in the current state without a
  // change are linearized at once, before anything else: for any order that places such an
  // op later, the order that places it now explains the same history (it was called
  // already, so no real-time constraint forbids it, and it changes nothing the ops between
  // see). So the configurations that leave it for later are never needed, and the search
  // does not branch on reads.
  bool ret(uint32_t op) {
    const uint64_t bit = uint64_t{1} << slot_[op];
    next_.clear();
    work_.clear();
    for (size_t i = 0; i < frontier_.size(); ++i) {
      auto& c = frontier_[i];
      if (c.linearized & bit) next_.insert({std::move(c.state), c.linearized & ~bit, c.path, 0, 0, c.state_hash});
      else work_.insert({std::move(c.state), c.linearized, c.path, 0, 0, c.state_hash});
    }
    for (size_t i = 0; i < work_.size(); ++i) {
      if (take_lone(i)) {
        if (!within_budget()) return false;
        continue;
      }
      uint64_t lin = work_[i].linearized;
      uint32_t path = work_[i].path;
      const uint64_t open = in_flight_ & ~lin;
      uint64_t stuttered = 0;
      for (uint64_t rest = open; rest; rest &= rest - 1) {
        const int s = std::countr_zero(rest);
        const CheckOp& c = input_.ops[op_of_slot_[s]];
        auto& out = transitions_[s];
        clear_steps(model_, out);
        step_op(model_, work_[i].state, input_, op_of_slot_[s], out);
        ++result_.stats.steps;
        if (!pure_[op_of_slot_[s]]) continue;
        // An op that may also take a step that is not its last is not linearized now by
        // this step alone: the state between its steps may be what explains another op.
        // But if all its steps taken now, one after another, give its outcome and leave
        // the state as it was, the same argument as for a one-step pure op holds for the
        // whole op: linearized at once, its steps in the path.
        if (std::any_of(out.begin(), out.end(), [](const auto& t) { return is_intermediate<M>(t.result); })) {
          if constexpr (requires { model_.steps_through(work_[i].state, input_, op_of_slot_[s]); }) {
            const int walks = model_.steps_through(work_[i].state, input_, op_of_slot_[s]);
            if (walks < 0) continue;
            stuttered |= uint64_t{1} << s;
            for (int k = 0; k < walks; ++k) path = extend(path, op_of_slot_[s] | kStepBit);
            path = extend(path, op_of_slot_[s]);
          }
          continue;
        }
        for (const auto& t : out) {
          if (t.result == c.result && t.next == work_[i].state) {
            stuttered |= uint64_t{1} << s;
            path = extend(path, op_of_slot_[s]);
            break;
          }
        }
      }
      lin |= stuttered;
      if (lin & bit) {
        next_.insert({work_[i].state, lin & ~bit, path, 0, 0, work_[i].state_hash});
        continue;
      }
      const uint64_t walked = work_[i].walked;
      const uint64_t movers = open & ~stuttered;
      changing_ = 0;  // for walk_met(): which movers' next steps change the state
      for (uint64_t rest = movers; rest; rest &= rest - 1) {
        const int s = std::countr_zero(rest);
        const auto& steps = transitions_[s];
        walks_only_[s].assign(steps.size(), kUnknown);
        for (size_t k = 0; k < steps.size(); ++k) {
          if (is_intermediate<M>(steps[k].result) || !walks_only(i, s, k)) {
            changing_ |= uint64_t{1} << s;
            break;
          }
        }
      }
      for (uint64_t rest = movers; rest; rest &= rest - 1) {
        const int s = std::countr_zero(rest);
        const uint32_t candidate = op_of_slot_[s];
        const CheckOp& c = input_.ops[candidate];
        // A walk that no other op's next step meets (changes what it found) is taken
        // together with its op's next step: walks_met() says why that loses no order.
        std::vector<Transition>& steps = transitions_[s];
        std::vector<uint32_t>& paths = step_paths_[s];
        paths.assign(steps.size(), path);
        for (size_t k = 0; k < steps.size(); ++k) {
          Transition& t = steps[k];
          if (!is_intermediate<M>(t.result)) continue;
          const bool walk = walks_only(i, s, k);
          if (walk && steps.size() < kMaxAbsorbed && !walk_met(t.next, candidate, s, movers, i)) {
            clear_steps(model_, more_);
            step_op(model_, t.next, input_, candidate, more_);
            ++result_.stats.steps;
            const uint32_t through = extend(paths[k], candidate | kStepBit);
            steps[k].result = kAbsorbed;  // `t` dangles once `steps` grows
            for (Transition& m : more_) {
              steps.push_back(std::move(m));
              paths.push_back(through);
              walks_only_[s].push_back(kUnknown);
            }
            continue;
          }
          const uint64_t now = walk ? walked | uint64_t{1} << s : 0;
          work_.insert({std::move(t.next), lin, extend(paths[k], candidate | kStepBit), 0, now});
          t.result = kAbsorbed;
        }
        for (size_t k = 0; k < steps.size(); ++k) {
          Transition& t = steps[k];
          if (t.result == kAbsorbed || is_intermediate<M>(t.result)) continue;
          if (!c.hung && t.result != c.result) continue;
          // A hung op need never take effect, so taking effect without a change is useless.
          if (c.hung && t.next == work_[i].state) continue;
          // After walks, a change or the last step of an op that walked: another op's step
          // that changes nothing commutes with the walks, so the order that takes it
          // before them is searched already.
          uint64_t still = 0;
          if (walked && walks_only(i, s, k)) {
            if (!(walked & (uint64_t{1} << s))) continue;
            still = walked & ~(uint64_t{1} << s);
          }
          const uint32_t next_path = extend(paths[k], candidate);
          if (candidate == op) next_.insert({std::move(t.next), lin, next_path, 0});
          else work_.insert({std::move(t.next), lin | (uint64_t{1} << s), next_path, 0, still});
        }
      }
      if (!within_budget()) return false;
    }
    if (work_.size() > result_.stats.max_configs) result_.stats.max_configs = work_.size();
    in_flight_ &= ~bit;
    slot_[op] = -1;
    frontier_.swap(next_);
    if (frontier_.size() > result_.stats.max_frontier) result_.stats.max_frontier = frontier_.size();
    ++result_.stats.returns;
    if (in_flight_ == 0) ++result_.stats.quiescent_cuts;
    return true;
  }

  // only_walks_differ() of configuration `config`'s state and transition `k` of slot `s`,
  // computed once: the search asks it up to three times per transition.
  bool walks_only(size_t config, int s, size_t k) {
    int8_t& known = walks_only_[s][k];
    if (known == kUnknown) known = only_walks_differ(work_[config].state, transitions_[s][k].next) ? 1 : 0;
    return known == 1;
  }

  // Lone ops (a model says which with `bool lone(op)`: lone_ops.hpp): an op none of whose
  // steps reads what a step of any op overlapping it in time changes, or changes what one
  // reads. If the model takes all its steps now, one way each, to its observed outcome,
  // the configuration goes on only with the op linearized: any order that explains the
  // history from here places the op's steps somewhere in its interval, every step between
  // here and there is a step of an op overlapping it (it lies in that op's interval too),
  // and moving the op's steps before them changes no outcome and no state after them. So
  // the order with the op's steps first explains the history too, and the configurations
  // that leave it for later are not needed. If the model refuses the outcome now, the
  // configuration is searched as any other. The state it leads to is a change, so no walk
  // is pending after it. The other reductions (pure ops, walks taken only where a change
  // meets them) then search from it as from any configuration: each keeps an order for
  // every order, so together they keep one for the order with the op first. Sound also
  // the other way: the op's steps are steps the model takes, after its call.
  bool take_lone(size_t config) {
    if constexpr (requires { { model_.lone(uint32_t{}) } -> std::convertible_to<bool>; }) {
      const uint64_t lin = work_[config].linearized;
      for (uint64_t rest = in_flight_ & ~lin; rest; rest &= rest - 1) {
        const int s = std::countr_zero(rest);
        const uint32_t op = op_of_slot_[s];
        if (!model_.lone(op)) continue;
        int walks = 0;
        ++result_.stats.steps;
        if (!model_.steps_to_outcome(work_[config].state, input_, op, lone_state_, walks)) continue;
        result_.stats.steps += static_cast<uint64_t>(walks);
        uint32_t path = work_[config].path;
        for (int k = 0; k < walks; ++k) path = extend(path, op | kStepBit);
        path = extend(path, op);
        work_.insert({std::move(lone_state_), lin | uint64_t{1} << s, path, 0, 0});
        return true;
      }
    }
    return false;
  }

  // Whether `b` is `a` but for what walks in progress hold: a model that takes ops in
  // steps says so with `bool only_walks_differ(const State&, const State&) const`. The
  // search then takes a walk only where a change or its own op's next step follows it:
  // a walk and a step of another op that changes nothing commute (the walk reads the
  // same namespace, the step reads no other op's walk), so any order can move each walk
  // later until one of those follows it. Without the hook no step counts as a walk.
  bool only_walks_differ(const State& a, const State& b) const {
    if constexpr (requires { { model_.only_walks_differ(a, b) } -> std::convertible_to<bool>; })
      return model_.only_walks_differ(a, b);
    else
      return false;
  }

  // Whether the walk op `walker` took into `walked` is met by the next change of another op
  // now movable (after its own walks: a step that changes the state and after which the walk is still held:
  // the model lets go of a walk a change leaves as it was). A walk no such step meets can
  // move later past whatever comes next, up to its own op's next step: so it is taken
  // together with that step, and the search branches on a walk only where a change meets
  // it. Without the model's hook every walk is met.
  bool walk_met(const State& walked, uint32_t walker, int slot, uint64_t movers, size_t config) {
    if constexpr (requires {
                    { model_.walk_meets(walked, walked, input_, walker, walker) } -> std::convertible_to<bool>;
                  }) {
      for (uint64_t rest = movers & changing_ & ~(uint64_t{1} << slot); rest; rest &= rest - 1) {
        const int other = std::countr_zero(rest);
        ++result_.stats.steps;
        if (model_.walk_meets(work_[config].state, walked, input_, walker, op_of_slot_[other])) return true;
      }
      return false;
    } else {
      return true;
    }
  }

  uint32_t extend(uint32_t parent, uint32_t op) {
    if constexpr (!kTrackPaths) {
      return 0;
    } else {
      uint32_t depth = nodes_[parent].depth + 1;
      nodes_.push_back({parent, op, depth});
      auto id = static_cast<uint32_t>(nodes_.size() - 1);
      if (depth > nodes_[deepest_].depth) deepest_ = id;
      return id;
    }
  }

  std::vector<uint32_t> path_of(uint32_t node) const {
    std::vector<uint32_t> ops;
    for (; node != 0; node = nodes_[node].parent) ops.push_back(nodes_[node].op);
    return {ops.rbegin(), ops.rend()};
  }

  bool within_budget() {
    if (result_.stats.steps > budget_.max_steps) {
      why_ = "search over budget: more than " + std::to_string(budget_.max_steps) + " model steps";
      return false;
    }
    if (work_.size() + next_.size() > budget_.max_configs) {
      why_ = "search over budget: more than " + std::to_string(budget_.max_configs) +
             " configurations at one return";
      return false;
    }
    if (budget_.max_seconds > 0 && (++clock_checks_ & 1023) == 0) {
      std::chrono::duration<double> spent = std::chrono::steady_clock::now() - start_;
      if (spent.count() > budget_.max_seconds) {
        why_ = "search over budget: more than " + std::to_string(budget_.max_seconds) + " s";
        return false;
      }
    }
    return true;
  }

  CheckResult unknown(std::string why) {
    result_.verdict = Verdict::kUnknown;
    result_.reason = std::move(why);
    return std::move(result_);
  }

  void remember_cut(size_t mark) {
    cut_.mark = mark;
    cut_.state = frontier_[0].state;
  }

  const M& model_;
  const CheckInput& input_;
  Budget budget_;
  std::vector<int8_t> slot_;  // per op: its in-flight slot, -1 when not in flight
  uint32_t op_of_slot_[kMaxInFlight] = {};
  uint64_t in_flight_ = 0;
  ConfigSet<State> frontier_, next_, work_;
  std::vector<Transition> transitions_[kMaxInFlight];  // per in-flight slot
  std::vector<uint32_t> step_paths_[kMaxInFlight];     // the path before each of them
  std::vector<Transition> more_;                       // an absorbed walk's next step
  State lone_state_;                                   // take_lone()'s
  std::vector<int8_t> walks_only_[kMaxInFlight];       // per slot and transition: walks_only()
  static constexpr int8_t kUnknown = -1;
  uint64_t changing_ = 0;  // per configuration: the movers whose next steps change the state
  static constexpr size_t kMaxAbsorbed = 64;
  // A transition already taken (a walk taken alone, or together with its op's next step).
  static constexpr int32_t kAbsorbed = std::numeric_limits<int32_t>::min() + 3;
  std::vector<bool> pure_;
  std::vector<Node> nodes_;
  uint32_t deepest_ = 0;
  uint64_t clock_checks_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::string why_;
  CheckResult result_;
  Cut<State> cut_;
};

}  // namespace detail

// Checks `input` against `model`. A violation is searched a second time up to the failing
// return with the linearization orders tracked, to give the longest partial linearization,
// from the last quiescent cut before it that one state explains (CheckResult::partial_after;
// `partial_from`, if given, gets that state); with `witness`, a linearizable history is
// searched a second time for one order that explains it.
template <Model M>
CheckResult check_linearizable(const M& model, const CheckInput& input, const Budget& budget = {},
                               bool witness = false, ModelState<M>* partial_from = nullptr) {
  detail::Search<M, false> search(model, input, budget);
  CheckResult first = search.run(input.marks.size(), {0, model.initial()});
  if (first.verdict == Verdict::kOk && witness) {
    CheckResult traced = detail::Search<M, true>(model, input, budget).run(input.marks.size(), {0, model.initial()});
    if (traced.verdict == Verdict::kOk) first.witness = std::move(traced.witness);
    return first;
  }
  if (first.verdict != Verdict::kIllegal) return first;
  // The traced pass starts at the last quiescent cut the first pass carried one state
  // across: from there it is the same search, so it fails at the same return, and the
  // ops before the cut need no order of their own (that state explains them all).
  const detail::Cut<ModelState<M>>& cut = search.last_cut();
  CheckResult traced = detail::Search<M, true>(model, input, budget).run(first.failing_mark + 1, cut);
  if (traced.verdict == Verdict::kIllegal) {
    first.partial = std::move(traced.partial);
    first.partial_after = cut.mark;
    if (partial_from) *partial_from = cut.state;
  } else if (partial_from) {
    *partial_from = model.initial();
  }
  return first;
}

}  // namespace nfz::oracles::lin
