// Spare States, per thread, so that a step allocates nothing once warm: every outcome
// holds a whole State (two vectors), and the checker and `diff` take millions of steps.
// LookupModel::step() hands the previous call's outcome states back here, and a new
// outcome's state is copied into a spare one, whose vectors keep their capacity.
#pragma once

#include <vector>

#include "model/lookup/lookup_model.hpp"

namespace nfz::model {

// A copy of `from`, built in a spare State's storage when there is one.
State copy_state(const State& from);

// Gives `s` to the spares (up to a small bound).
void recycle_state(State&& s);

// Moves the states of `out` to the spares (up to a small bound), then clears `out`.
void recycle_outcomes(std::vector<Transition>& out);

}  // namespace nfz::model
