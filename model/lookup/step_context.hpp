// What every op's step function gets, and the per-op entry points (model/lookup/*.cpp).
#pragma once

#include <utility>
#include <vector>

#include "core/op.hpp"
#include "model/lookup/lookup_model.hpp"
#include "model/lookup/state_pool.hpp"

namespace nfz::model {

struct StepContext {
  const LookupModel& model;
  const State& s;
  const Op& op;
  std::vector<Transition>& out;

  Profile profile() const { return model.profile(); }
  bool concurrent() const { return model.mode() == Mode::kConcurrent; }
  void unchanged(int32_t result) const { out.push_back({result, copy_state(s)}); }
  // A copy of the state before the op, to change into the next one.
  State copy() const { return copy_state(s); }
  void changed(int32_t result, State next) const { out.push_back({result, std::move(next)}); }
  // Adds `result` with an unchanged state unless an identical outcome is there already.
  void also_unchanged(int32_t result) const {
    for (const Transition& t : out)
      if (t.result == result && t.next == s) return;
    unchanged(result);
  }
};

void step_open(const StepContext& c);
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
