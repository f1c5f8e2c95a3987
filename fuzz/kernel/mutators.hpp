// The structure-aware mutators of fuzz_kernel (LLVMFuzzerCustomMutator): each edits a
// decoded Program the way a person would (an op more or less, an op on another thread, one
// flag or RESOLVE bit, one path component, the issue mode, a cache action, a FUSE fault).
// They sit in a table with display names so that a run's statistics say which paid off.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "core/program.hpp"

namespace nfz::fuzz {

using Rng = std::mt19937_64;

struct Mutator {
  std::string_view name;
  // Edits `program`; false when it found nothing to edit (the caller tries another).
  bool (*apply)(Program& program, Rng& rng);
};

const std::vector<Mutator>& mutator_table();

// Two programs made one (LLVMFuzzerCustomCrossOver): setup and each thread taken from
// either parent, faults from both.
Program cross_over(const Program& a, const Program& b, Rng& rng);

}  // namespace nfz::fuzz
