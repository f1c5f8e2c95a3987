// What every op's step function gets, and the per-op entry points (model/lookup/*.cpp).
#pragma once

#include <utility>
#include <vector>

#include "core/op.hpp"
#include "model/lookup/lookup_model.hpp"
#include "model/lookup/state_pool.hpp"

namespace nfz::model {

// Pin tags of an rmdir between ->rmdir() and d_delete() (step_rmdir()): the parent it
// holds locked, and the removed directory, whose name is still there.
inline constexpr int kLockedParent = 8;
inline constexpr int kLockedChild = 9;
// Pin tags of a mkdir between its two steps (step_mkdir()): the parent counts the new
// directory before its name appears (kMkdirCounted: the parent), or the name is there
// before the parent counts it (kMkdirUncounted: the new directory).
inline constexpr int kMkdirCounted = 7;
inline constexpr int kMkdirUncounted = 15;
// A rename between ->rename() and d_move() (step_rename()) holds both parents locked
// (kLockedParent), the target it replaces (kLockedChild: a directory at 0, as rmdir leaves
// one, a file one link less, its name still there) and the counts of a directory moving
// to another parent (kMkdirUncounted, kMkdirCounted).

struct StepContext {
  const LookupModel& model;
  const State& s;
  const Op& op;
  std::vector<Transition>& out;

  // step_in_steps(): the op's key, whose walks' results are in the state's pins.
  uint32_t key = kNoKey;
  static constexpr uint32_t kNoKey = ~uint32_t{0};
  // The node walk `walk` of this op holds (State::pins), or kNoIno.
  Ino pinned(int walk) const;
  // step_in_steps(): a mkdir takes its parent's count and its name in two steps (the
  // checker asks where a statx, which reads the count, runs beside it).
  bool counts_apart = false;

  // step_in_steps(): where the walk of an open or statx stopped at a symlink in an
  // earlier step (walk 0's cursor), or null.
  const WalkCursor* walk_cursor() const;
  // Ends this step where `w` stopped at a symlink (Walker::kPaused): the walk's cursor
  // in the state, the op goes on (kWalked).
  void paused(const class Walker& w) const;

  // The node a successful open or statx reaches: outcomes >= 0 added after it is set
  // carry it (Transition::reached).
  mutable Ino reached = kNoIno;

  Profile profile() const { return model.profile(); }
  Ino reached_by(int32_t result) const { return result >= 0 ? reached : kNoIno; }
  bool concurrent() const { return model.mode() == Mode::kConcurrent; }
  void unchanged(int32_t result) const { out.push_back({result, copy_state(s), reached_by(result)}); }
  // A copy of the state before the op, to change into the next one.
  State copy() const { return copy_state(s); }
  void changed(int32_t result, State next) const { out.push_back({result, std::move(next), reached_by(result)}); }
  // Adds `result` with an unchanged state unless an identical outcome is there already.
  void also_unchanged(int32_t result) const {
    for (const Transition& t : out)
      if (t.result == result && t.next == s) return;
    unchanged(result);
  }
};

void step_open(const StepContext& c);
void step_open_start(const StepContext& c);
void step_close(const StepContext& c);
void step_mkdir(const StepContext& c);
void step_mknod(const StepContext& c);
void step_symlink(const StepContext& c);
void step_link(const StepContext& c);
void step_unlink(const StepContext& c);
void step_rmdir(const StepContext& c);
void step_rename(const StepContext& c);
void step_statx(const StepContext& c);

}  // namespace nfz::model
