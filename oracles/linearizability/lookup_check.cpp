#include "oracles/linearizability/lookup_check.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <chrono>
#include <limits>

#include "core/flags.hpp"
#include "core/text.hpp"
#include "model/lookup/profile.hpp"
#include "model/lookup/state_pool.hpp"
#include "model/lookup/step_context.hpp"
#include "model/lookup/tree.hpp"
#include "model/lookup/walk.hpp"
#include "oracles/linearizability/canonical_state.hpp"
#include "oracles/linearizability/checker.hpp"
#include "oracles/linearizability/lone_ops.hpp"
#include "oracles/linearizability/lookup_input.hpp"
#include "oracles/linearizability/register_steps.hpp"
#include "oracles/linearizability/report.hpp"
#include "oracles/linearizability/walk_pruning.hpp"

namespace nfz::oracles::lin {
namespace {

using model::LookupModel;
using model::Profile;

using registers::kOpened;

// NFZ_MODEL_SHAPE_CHECKS=1 (a debugging aid for the model's steps, off by default): every
// state an op's step gives is checked for a well-formed tree (tree::shape_error()), and the
// first that is not ends the process with the op and both states.
const bool kShapeChecks = getenv("NFZ_MODEL_SHAPE_CHECKS") != nullptr;

void check_shapes(const model::State& s, const Op& op, uint32_t index, const std::vector<model::Transition>& out) {
  for (const model::Transition& t : out)
    if (const char* error = model::tree::shape_error(t.next)) {
      fprintf(stderr, "nameifuzz: model bug: op %u, %s, outcome %d: %s\nbefore:\n%s\nafter:\n%s", index,
              print_op(op).c_str(), t.result, error, model::describe_state(s).c_str(),
              model::describe_state(t.next).c_str());
      abort();
    }
}

// LookupModel as the search sees it, plus io_uring's linked chains (uring_chains.hpp),
// which lookup_model.hpp leaves to the checker. The ops input.ops points at copies in
// `chain_ops` have one outcome, `chain_results`' entry, with the state unchanged but for a
// cancelled plain close, whose fd the executor takes out of its register when it prepares
// the chain and gives back when it is cancelled (exec/uring_backend.cpp, since 751fc32;
// cancelled_close()).
// Telling the copies apart by address keeps the step free of lookups. Every state it gives
// is numbered canonically (canonical_state.hpp), so that the search's memo merges states
// that differ only in inode numbers.
class RunModel {
 public:
  RunModel(const LookupModel& model, const LookupCheck& check)
      : model_(model),
        check_(check),
        chain_ops_(check.chain_ops),
        chain_results_(check.chain_results),
        lone_(lone_ops(check)) {}

  model::State initial() const { return model_.initial(); }

  void step(const model::State& s, const Op& op, std::vector<model::Transition>& out) const {
    if (const size_t ring = ring_index(op); ring != kNotChained) return exit_ring(s, check_.ring_tables[ring].slots, out);
    const size_t chained = chain_index(op);
    if (chained == kNotChained) {
      model_.step(s, op, out);
      for (model::Transition& t : out) number(t.next);
      return;
    }
    model::recycle_outcomes(out);
    out.push_back({chain_results_[chained], model::copy_state(s)});
  }

  // As step(), and a successful outcome equal to the observed one must reach the object
  // the kernel reported: the binding is made in the state (bind_identity()), or the
  // outcome is refused (kRefused, which no observed result equals).
  void step_op(const model::State& s, const CheckInput& input, uint32_t index,
               std::vector<model::Transition>& out) const {
    const CheckOp& c = input.ops[index];
    const Op& op = *c.op;
    if (const size_t chained = chain_index(op); chained != kNotChained) {
      if (chain_results_[chained] == -ECANCELED && op.kind == OpKind::kClose && !op.issue.fixed && op.fd >= 0)
        return cancelled_close(s, op, index, out);
      return step(s, op, out);
    }
    if (ring_index(op) != kNotChained) return step(s, op, out);
    if (op.kind == OpKind::kOpen && op.fd == kNoSlot) {
      for (int access = 1; access <= static_cast<int>(model::Access::kPath); ++access)
        if (model::tree::pinned(s, index, kOpened + access) != model::kNoIno) {
          model::recycle_outcomes(out);
          out.push_back(registers::close_unkept(s, index, c.result));
          number(out.back().next);
          return;
        }
    }
    if (op.kind == OpKind::kOpen && op.fd >= 0 && op.fd < kSlotCount) {
      if (op.issue.fixed && model::tree::pinned(s, index, kOpened) != model::kNoIno)
        return put_fixed(s, op, index, c.result, out);
      for (int access = 1; access <= static_cast<int>(model::Access::kPath); ++access)
        if (const model::Ino held = model::tree::pinned(s, index, kOpened + access); held != model::kNoIno)
          return fill_register(s, op, index, held, static_cast<model::Access>(access), c.result, out);
    }
    const model::Seen& seen = check_.seen[index];
    if (op.kind == OpKind::kStatx)
      if (const model::Ino held = model::tree::pinned(s, index, 0); held != model::kNoIno)
        return statx_attributes(s, input, index, held, out);
    // The file the register holds stays there until the executor stores the new one
    // (registers::defer()): the model's open lets it go, so a pin keeps it alive meanwhile.
    if (check_.fd_apart[index] && !model::tree::cursor(s, index, 0)) {  // not started: its dirfd read
      model_.open_start(s, op, index, out);
      for (model::Transition& t : out) number(t.next);
      return;
    }
    const model::FileRef kept = registers::defers(op, c) && op.fd >= 0 ? s.regs[op.fd] : model::FileRef{};
    if (kept.empty()) {
      model_.step_in_steps(s, op, index, out, check_.counts_apart[index]);
    } else {
      keeping_ = s;
      model::tree::add_pin(keeping_, index, registers::kKept, kept.ino);
      model_.step_in_steps(keeping_, op, index, out, check_.counts_apart[index]);
      for (model::Transition& t : out) registers::erase_pin(t.next, model::make_pin(index, registers::kKept, kept.ino));
    }
    if (kShapeChecks) check_shapes(s, op, index, out);
    model::Ino walked = model::kNoIno;
    for (model::Transition& t : out) {
      if (!c.hung && t.result == c.result && c.result >= 0) {
        const model::IdentityCheck id = model::bind_identity(t.next, t.reached, seen, check_.nlink_rule);
        if (id.error == model::IdentityError::kNlink && op.kind == OpKind::kStatx) walked = t.reached;
        if (id.error != model::IdentityError::kNone) {
          if (explain_) *explain_ = describe_refusal(input, t, seen, id);
          t.result = kRefused;
        }
      }
      if (t.result == model::kWalked && commits_other_outcome(t.next, c, index)) t.result = kRefused;
      if (t.result == c.result && registers::defers(op, c)) {
        if (op.fd == kNoSlot) registers::defer_unkept(t, op, index);
        else registers::defer(t, op, index, kept);
      }
      // Only outcomes the search may keep are worth numbering; the search's states are
      // numbered already, so one the op left as it was needs nothing.
      if (!c.hung && t.result != c.result && t.result != model::kWalked) continue;
      const bool walk_only = t.result == model::kWalked && only_walks_differ(s, t.next);
      if (!walk_only && holds_walks(t.next)) forget_repeatable_walks(t.next, input, index);
      // A walk's step adds what it holds to a canonical state: a node reached from the
      // root keeps its number, and a state numbered otherwise is only a missed merge.
      if (walk_only) continue;
      if (!probing_ && !(t.next == s)) number_unless_hidden(s, op, t.next);
    }
    // vfs_statx(): the walk, then vfs_getattr() of what it holds, with no lock between:
    // an unlink or rmdir between them leaves the object's link count lower than any
    // state in which the name still resolves. Only worth a step of its own when the
    // count is all that was refused (the object and its type are the same at any time).
    if (walked != model::kNoIno) {
      out.push_back({model::kWalked, s});
      model::tree::add_pin(out.back().next, index, 0, walked);  // before the cursor that may hold it goes
      model::tree::drop_cursors(out.back().next, index);  // a walk that followed a symlink is done
      number(out.back().next);
    }
  }

  // Whether the step into `next` leaves the op one outcome, not the observed one: after
  // rmdir's ->rmdir() (the kLockedParent pin, step_rmdir()) its only next step is
  // d_delete_notify()'s, which succeeds (unhash_removed()); after rename's ->rename()
  // (step_rename()), d_move()'s, after unlink's ->unlink() (step_unlink()), d_delete()'s,
  // and after link's count (step_link()), its name's, which succeed too. A configuration past such a step
  // can never linearize the op, so refusing the step drops only configurations that die
  // at the op's return: no order that explains the history goes through it. A hung op
  // has no observed outcome and keeps the step.
  static bool commits_other_outcome(const model::State& next, const CheckOp& c, uint32_t index) {
    const OpKind kind = c.op->kind;
    if (c.hung || c.result == 0 ||
        (kind != OpKind::kRmdir && kind != OpKind::kRename && kind != OpKind::kUnlink && kind != OpKind::kLink))
      return false;
    return model::tree::pinned(next, index, model::kLockedParent) != model::kNoIno;
  }

  // The executor's fd registers as steps of their own (register_steps.hpp), numbered.
  void fill_register(const model::State& s, const Op& op, uint32_t index, model::Ino held, model::Access access,
                     int32_t result, std::vector<model::Transition>& out) const {
    model::recycle_outcomes(out);
    out.push_back(registers::fill(s, op, index, held, access, result));
    number(out.back().next);
  }
  void put_fixed(const model::State& s, const Op& op, uint32_t index, int32_t result,
                 std::vector<model::Transition>& out) const {
    model::recycle_outcomes(out);
    out.push_back(registers::put_fixed(s, op, index, result));
    number(out.back().next);
  }
  void cancelled_close(const model::State& s, const Op& op, uint32_t key, std::vector<model::Transition>& out) const {
    registers::cancelled_close(s, op, key, out);
    number_changed(s, out);
  }
  void exit_ring(const model::State& s, const std::vector<int>& slots, std::vector<model::Transition>& out) const {
    registers::exit_ring(s, slots, out);
    number_changed(s, out);
  }
  void number_changed(const model::State& s, std::vector<model::Transition>& out) const {
    for (model::Transition& t : out)
      if (!(t.next == s)) number(t.next);
  }

  // Whether `other`'s next change from `walked` (the state `walker`'s walk steps from
  // `before` left), after any walks of its own, meets those walks: something they added is
  // still held after it (after a change the walks it leaves as they were are let go:
  // forget_repeatable_walks()). What the walker held before (an earlier walk a change
  // met) does not count: the steps from `before` are what the search would move later.
  // An open's file before its register is never let go, so every change meets it.
  bool walk_meets(const model::State& before, const model::State& walked, const CheckInput& input, uint32_t walker,
                  uint32_t other) const {
    const Probing probing(probing_);
    model::State& at = meet_at_;
    at = walked;
    for (int walks = 0; walks < kMaxStepsThrough; ++walks) {
      step_op(at, input, other, meet_);
      const model::Transition* next_walk = nullptr;
      for (const model::Transition& t : meet_) {
        if (only_walks_differ(at, t.next)) {
          if (t.result == model::kWalked) next_walk = &t;
          continue;
        }
        if (still_holds(before, walked, t.next, walker)) return true;
      }
      if (!next_walk) return false;
      at = next_walk->next;
    }
    return true;
  }

  // Whether `after` holds a pin or cursor of `key` that `walked` has and `before` has not.
  // By what the walk holds, not the node's number: a change renumbers the state
  // (canonical_state.hpp), and no other op's step changes `key`'s pins or cursors but to
  // let them go.
  static bool still_holds(const model::State& before, const model::State& walked, const model::State& after,
                          uint32_t key) {
    auto pin_in = [](const model::State& s, uint64_t p) {
      return std::any_of(s.pins.begin(), s.pins.end(), [&](uint64_t q) { return q >> 16 == p >> 16; });
    };
    auto cursor_in = [](const model::State& s, const model::WalkCursor& w) {
      return std::any_of(s.cursors.begin(), s.cursors.end(), [&](const model::WalkCursor& v) {
        return v.key == w.key && v.walk == w.walk && v.links == w.links && v.rest == w.rest;
      });
    };
    for (uint64_t p : walked.pins)
      if (model::pin_op(p) == key && !pin_in(before, p) && pin_in(after, p)) return true;
    for (const model::WalkCursor& w : walked.cursors)
      if (w.key == key && !cursor_in(before, w) && cursor_in(after, w)) return true;
    return false;
  }

  // Numbers `next` canonically, but not where that would hide the change: an exchange of
  // two objects the numbering cannot tell apart (two empty directories side by side) gives,
  // numbered, the namespace it came from, and the search would take it for a step that
  // changes nothing, which commutes with any walk; but a walk held across it now holds the
  // other object (met on btrfs: rename("b/../d", "b/d") = EINVAL, its target's parent walked
  // before renameat2("b/", "d/", RENAME_EXCHANGE) moved it to "d"). Left unnumbered, the
  // state is only a missed merge.
  void number_unless_hidden(const model::State& s, const Op& op, model::State& next) const {
    if (op.kind != OpKind::kRename || !(op.flags & kRenameExchange) || only_walks_differ(s, next))
      return canonical_.apply(next);
    model::State numbered = next;
    canonical_.apply(numbered);
    if (!only_walks_differ(s, numbered)) next = std::move(numbered);
  }

  // Whether `b` is `a` but for what no other op sees (walk_pruning.hpp).
  static bool only_walks_differ(const model::State& a, const model::State& b) { return lin::only_walks_differ(a, b); }

  // The op's steps taken now one after another: the count of steps before its last if
  // every step but the last is a walk (only what the op itself holds changes, which no
  // other op reads; a walk has one outcome) and the last gives the observed outcome and
  // leaves `s` as it was, else -1. For the search's reduction of pure ops: no other op
  // can tell the op's steps apart from none. A step that changes what others see (a
  // cancelled close takes its fd out of the register) rules the op out.
  int steps_through(const model::State& s, const CheckInput& input, uint32_t index) const {
    const CheckOp& c = input.ops[index];
    if (c.hung) return -1;
    std::vector<model::Transition>& out = through_;
    model::State& at = through_at_;
    at = s;
    for (int walks = 0; walks < kMaxStepsThrough; ++walks) {
      step_op(at, input, index, out);
      const model::Transition* walked = nullptr;
      bool matches = false;
      for (const model::Transition& t : out) {
        if (t.result == model::kWalked) {
          if (walked || !only_walks_differ(at, t.next)) return -1;
          walked = &t;
        } else if (t.result == c.result && t.next == s) {
          matches = true;
        }
      }
      if (matches) return walks;
      if (!walked) return -1;
      at = walked->next;
    }
    return -1;
  }
  static constexpr int kMaxStepsThrough = 2 * model::kMaxSymlinks + 4;

  // For the search's lone ops (lone_ops.hpp): whether op `index` is one, and its steps
  // taken now one after another into `out`: false unless each step leaves one way on
  // (one walk, or one outcome equal to the observed one: a choice of the op's own would
  // be a choice the search must keep) and the last changes the namespace. `walks`: the
  // steps before the last.
  bool lone(uint32_t index) const { return lone_[index]; }
  bool steps_to_outcome(const model::State& s, const CheckInput& input, uint32_t index, model::State& out,
                        int& walks) const {
    const int32_t observed = input.ops[index].result;
    std::vector<model::Transition>& steps = through_;
    out = s;
    for (walks = 0; walks < kMaxStepsThrough; ++walks) {
      step_op(out, input, index, steps);
      model::Transition* way = nullptr;
      for (model::Transition& t : steps) {
        if (t.result != model::kWalked && t.result != observed) continue;
        if (way) return false;
        way = &t;
      }
      if (!way) return false;
      const bool last = way->result != model::kWalked;
      out = std::move(way->next);
      if (last) return !only_walks_differ(s, out);
    }
    return false;
  }

  // After a step that changes the namespace (an op's last, or a change before it: rmdir's
  // ->rmdir(), an open's file, a cancelled close's taken fd): lets go of the walks of
  // other ops in flight that a walk now would repeat. A state holding such a walk's result
  // is the state without it followed by that walk, which the search reaches anyway (the op
  // is in flight, its walk may come at any time, and a walk changes no other walk's
  // result, so walks never let each other go). So a walk stays held only once the
  // namespace has changed under it, and the search carries a walk's two positions only
  // where they differ. Latest first (a cursor, then an op's second walk, then its first),
  // so that an op whose walks all repeat lets all of them go in one pass.
  void forget_repeatable_walks(model::State& s, const CheckInput& input, uint32_t stepping) const {
    // A walk stopped at a symlink it follows: let go when a walk now stops there too.
    for (size_t i = s.cursors.size(); i-- > 0;) {
      const model::WalkCursor& at = s.cursors[i];
      if (at.key == stepping || !model_.walk_reaches(s, *input.ops[at.key].op, at)) continue;
      const model::Ino held = at.cur;
      s.cursors.erase(s.cursors.begin() + static_cast<std::ptrdiff_t>(i));
      model::tree::maybe_free(s, held);
    }
    for (size_t i = s.pins.size(); i-- > 0;) {
      const uint64_t pin = s.pins[i];
      const uint32_t op = model::pin_op(pin);
      // A first walk stays held while the second is under way: redone later, it would
      // come after the second walk began, which the kernel never does.
      const bool second_under_way = model::pin_tag(pin) == 0 && (model::tree::pinned(s, op, 1) != model::kNoIno ||
                                                                  model::tree::cursor(s, op, 1) != nullptr);
      if (op == stepping || model::pin_tag(pin) > 1 || second_under_way ||
          model_.walk_now(s, *input.ops[op].op, model::pin_tag(pin)) != model::pin_ino(pin))
        continue;
      s.pins.erase(s.pins.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }

  static bool holds_walks(const model::State& s) { return !s.pins.empty() || !s.cursors.empty(); }

  // The last step of a statx whose walk holds `held`: the attributes as they are now.
  void statx_attributes(const model::State& s, const CheckInput& input, uint32_t index, model::Ino held,
                        std::vector<model::Transition>& out) const {
    model::recycle_outcomes(out);
    out.push_back({0, model::copy_state(s), held});
    model::Transition& t = out.back();
    const model::IdentityCheck id = model::bind_identity(t.next, held, check_.seen[index], check_.nlink_rule);
    if (id.error != model::IdentityError::kNone) {
      if (explain_) *explain_ = describe_refusal(input, t, check_.seen[index], id);
      t.result = kRefused;
    }
    model::tree::drop_pins(t.next, index);
    if (holds_walks(t.next)) forget_repeatable_walks(t.next, input, index);
    number(t.next);
  }

  // Empties `out` for the search's next step, its states' storage kept for the model's
  // copies (state_pool.hpp).
  void recycle(std::vector<model::Transition>& out) const { model::recycle_outcomes(out); }

  // step_op() writes why it refused an outcome into `*why` (null: not asked).
  void explain_into(std::string* why) const { explain_ = why; }

  static constexpr int32_t kRefused = std::numeric_limits<int32_t>::min() + 1;
  static constexpr int32_t kIntermediate = model::kWalked;

 private:
  static constexpr size_t kNotChained = ~size_t{0};

  static size_t index_in(const std::vector<Op>& ops, const Op& op) {
    if (ops.empty() || &op < ops.data() || &op >= ops.data() + ops.size()) return kNotChained;
    return static_cast<size_t>(&op - ops.data());
  }
  size_t chain_index(const Op& op) const { return index_in(chain_ops_, op); }
  size_t ring_index(const Op& op) const { return index_in(check_.ring_exits, op); }

  std::string describe_refusal(const CheckInput& input, const model::Transition& t, const model::Seen& seen,
                               const model::IdentityCheck& id) const {
    auto op_name = [&](size_t k) { return op_label(input.ops[k]) + " " + print_op(*input.ops[k].op); };
    return model::describe_identity_error(t.next, t.reached, seen, id, check_.kernel_ids, op_name);
  }

  // Numbers a state the step gives canonically, but for a probe's: walk_meets() reads
  // which walks are held after a change, by their keys and tags, not numbers, and keeps
  // no state, so a probe's states need no numbering.
  void number(model::State& s) const {
    if (!probing_) canonical_.apply(s);
  }

  struct Probing {
    explicit Probing(bool& flag) : flag_(flag), was_(flag) { flag_ = true; }
    ~Probing() { flag_ = was_; }
    Probing(const Probing&) = delete;
    Probing& operator=(const Probing&) = delete;
    bool& flag_;
    bool was_;
  };

  const LookupModel& model_;
  const LookupCheck& check_;
  const std::vector<Op>& chain_ops_;
  const std::vector<int32_t>& chain_results_;
  mutable CanonicalNumbering canonical_;  // scratch buffers only
  mutable std::string* explain_ = nullptr;
  mutable std::vector<model::Transition> through_;  // steps_through()'s scratch
  mutable std::vector<model::Transition> meet_;     // walk_meets()'s scratch
  mutable model::State keeping_;                    // step_op()'s scratch
  mutable model::State meet_at_, through_at_;       // walk_meets()', steps_through()'s
  mutable bool probing_ = false;                    // in walk_meets(): number() does nothing
  std::vector<bool> lone_;                          // by input.ops index: lone_ops()
};

// Replays an order of steps (CheckResult::partial or witness) from `s` (the state it
// starts from), calling `seen(step, state after it)` for each; stops (false) where the
// order's outcome is not one the model gives.
template <typename Seen>
bool replay(const RunModel& run, const LookupCheck& check, const std::vector<uint32_t>& order, model::State& s,
            Seen seen) {
  std::vector<model::Transition> out;
  for (uint32_t step : order) {
    const uint32_t op = step & ~kStepBit;
    run.step_op(s, check.input, op, out);
    const CheckOp& c = check.input.ops[op];
    auto it = std::find_if(out.begin(), out.end(), [&](const model::Transition& t) {
      if (step & kStepBit) return t.result == model::kWalked;
      return c.hung ? t.result != RunModel::kRefused && t.result != model::kWalked : t.result == c.result;
    });
    if (it == out.end()) return false;
    s = std::move(it->next);
    seen(step, s);
  }
  return true;
}

// Replays the longest partial linearization of a failing check from `s` (the state at its
// cut), then the failing op: if an outcome equal to the observed one was refused for its
// object, says why.
std::string explain_identity(const RunModel& run, const LookupCheck& check, model::State s) {
  if (!replay(run, check, check.result.partial, s, [](uint32_t, const model::State&) {})) return "";
  std::vector<model::Transition> out;
  std::string why;
  run.explain_into(&why);
  run.step_op(s, check.input, check.result.failing_op, out);
  run.explain_into(nullptr);
  return why;
}

// What an op holding its parent locked between two steps has done so far.
std::string locked_step_name(OpKind kind) {
  switch (kind) {
    case OpKind::kRmdir: return "->rmdir() removed the directory, its name not yet unhashed";
    case OpKind::kMkdir: return "->mkdir() counted or named the new directory, not yet both";
    case OpKind::kRename: return "->rename() changed the link counts, the names not yet moved";
    case OpKind::kUnlink: return "->unlink() dropped the file's link, its name not yet gone";
    case OpKind::kLink: return "->link() counted the new link, its name not yet there";
    default: return "holds its parent locked";
  }
}

// The path a walk of `op` took (model::LookupModel::step_in_steps() numbers them).
std::string_view walk_path(const Op& op, int walk) {
  if (op.kind == OpKind::kSymlink || walk == 1) return op.path2;
  return op.path;
}

}  // namespace

std::string check_with_lookup_model(const History& history, std::string_view profile, const Budget& budget,
                                    LookupCheck& out, size_t* bad_event, bool witness) {
  std::optional<Profile> p = profile.empty() ? profile_for_target(history.target) : model::profile_by_name(profile);
  if (!p) {
    if (profile.empty())
      return "target '" + history.target + "' has no model profile (give one: " + known_profiles_text() + ")";
    return "unknown profile '" + std::string(profile) + "' (known: " + known_profiles_text() + ")";
  }
  out.profile = *p;
  if (std::string why = make_check_input(history, out.input, bad_event); !why.empty()) return why;
  if (std::string why = number_ring_slots(history, out); !why.empty()) {
    out.result = CheckResult{};
    out.result.verdict = Verdict::kUnknown;
    out.result.reason = why;
    return "";
  }
  if (std::string beyond = apply_chain_marks(history, out); !beyond.empty()) {
    out.result = CheckResult{};
    out.result.verdict = Verdict::kUnknown;
    out.result.reason = beyond;
    return "";
  }
  add_ring_exits(out);
  learn_identities(history, out);
  mark_counts_beside_statx(out);
  mark_opens_beside_fd_releases(out);
  const LookupModel model(*p, model::Mode::kConcurrent);
  const RunModel run_model(model, out);
  auto start = std::chrono::steady_clock::now();
  model::State partial_from;
  out.result = check_linearizable(run_model, out.input, budget, witness, &partial_from);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (out.result.verdict == Verdict::kIllegal) out.identity = explain_identity(run_model, out, std::move(partial_from));
  return "";
}

std::string explain_steps(const LookupCheck& check) {
  const std::vector<uint32_t>& order = check.result.witness;
  if (check.result.verdict != Verdict::kOk || order.empty()) return "";
  const LookupModel model(check.profile, model::Mode::kConcurrent);
  const RunModel run(model, check);
  std::string text = "an order of steps that explains the history (" + std::to_string(order.size()) + "):\n";
  size_t n = 0;
  model::State s = run.initial();
  std::vector<uint64_t> before;
  const bool whole = replay(run, check, order, s, [&](uint32_t step, const model::State& after) {
    const uint32_t op = step & ~kStepBit;
    const CheckOp& c = check.input.ops[op];
    text += "  " + std::to_string(++n) + ". " + op_label(c) + "  ";
    if (!(step & kStepBit)) {
      text += describe_outcome(c) + "\n";
    } else {
      const size_t described = text.size();
      for (uint64_t pin : after.pins) {
        if (model::pin_op(pin) != op || std::find(before.begin(), before.end(), pin) != before.end()) continue;
        const int walk = model::pin_tag(pin);
        if (walk == model::kLockedParent && model::tree::pinned(after, op, walk) == model::pin_ino(pin))
          text += print_op(*c.op) + ": " + locked_step_name(c.op->kind) + "\n";
        if (walk > kOpened && walk <= kOpened + static_cast<int>(model::Access::kPath))
          text += print_op(*c.op) + ": the kernel opened " + model::node_name(after, model::pin_ino(pin)) +
                  ", the register is filled when the executor reads the completion\n";
        if (walk > 1) continue;
        const bool object = (c.op->kind == OpKind::kLink && walk == 0) || c.op->kind == OpKind::kStatx;
        text += "walk of \"" + std::string(walk_path(*c.op, walk)) + "\" for " + print_op(*c.op) + ": " +
                (object ? "found " : "its parent is ") + model::node_name(after, model::pin_ino(pin)) + "\n";
      }
      for (const model::WalkCursor& at : after.cursors) {
        if (at.key != op) continue;
        text += "walk of \"" + std::string(walk_path(*c.op, at.walk)) + "\" for " + print_op(*c.op) +
                ": at " + model::node_name(after, at.cur) + " (after a followed symlink, or with a lookup to come), goes on with \"" +
                std::string(model::name_of(at.rest)) + "\"\n";
      }
      if (text.size() == described) text += print_op(*c.op) + ": a step before its outcome (a register, a held file)\n";
    }
    before = after.pins;
  });
  if (!whole) text += "  (the order could not be replayed past here: a harness bug)\n";
  return text;
}

std::string lookup_report(const LookupCheck& check) {
  std::string text = text_report(check.input, check.result, check.seconds);
  if (!check.identity.empty()) text += "the failing op's outcome is one the model allows, but not its object: " + check.identity + "\n";
  return text;
}

Budget run_budget() {
  Budget b;
  b.max_steps = 50'000'000;
  b.max_configs = 1'000'000;
  b.max_seconds = 10;
  return b;
}

}  // namespace nfz::oracles::lin

namespace nfz::oracles {

namespace {

std::string outcome_name(const lin::CheckOp& op) {
  if (op.hung) return "hung";
  return op.result < 0 ? std::string(errno_name(-op.result)) : "ok";
}

}  // namespace

std::string lin::violation_title(const lin::LookupCheck& check, std::string_view target) {
  const lin::CheckOp& failing = check.input.ops[check.result.failing_op];
  return "linearizable: " + std::string(op_name(*failing.op)) + " " + outcome_name(failing) + " unexplained on " +
         std::string(target);
}

namespace {

bool injects_errors(const Program& program) {
  for (const FuseFault& f : program.faults)
    if (f.kind == FuseFault::Kind::kError) return true;
  return false;
}

}  // namespace

LinearizableResult check_linearizable_run(const Program& program, const History& history, std::string_view target,
                                          const lin::Budget& budget) {
  LinearizableResult r;
  // An injected FUSE error fails a request the model knows nothing of, and an op that
  // sends several (MKNOD then OPEN without atomic_open) may fail after changing the
  // namespace: no outcome set of the model explains that.
  if (injects_errors(program)) {
    r.skipped = "the program injects FUSE errors, which the model does not predict";
    return r;
  }
  const auto profile = lin::profile_for_target(target);
  if (!profile) {
    r.skipped = "target '" + std::string(target) + "' has no model profile";
    return r;
  }
  lin::LookupCheck check;
  if (std::string why = lin::check_with_lookup_model(history, model::profile_name(*profile), budget, check);
      !why.empty()) {
    r.skipped = why;
    return r;
  }
  r.checks = 1;
  if (check.result.verdict == lin::Verdict::kUnknown) {
    r.unknown = 1;
    r.unknown_reason = check.result.reason;
  } else if (check.result.verdict == lin::Verdict::kIllegal) {
    r.violations.push_back({lin::violation_title(check, target), lin::lookup_report(check)});
  }
  return r;
}

}  // namespace nfz::oracles
