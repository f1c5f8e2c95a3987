// Delta debugging of a Program against a predicate, after syzkaller's
// Minimize(prog, callIndex, pred): passes go from coarse to fine (threads, runs of ops,
// single ops, FUSE faults, issue modes, flags, paths), each keeps a change only when the
// predicate still holds, and the whole round repeats until no pass changes anything (a
// local minimum: no single removal or simplification keeps the title) or the budget is
// spent. Every accepted change makes the program strictly smaller by one measure (ops,
// flag bits, issue mode, path bytes), so the rounds end.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/program.hpp"

namespace nfz::pipeline {

// Whether a candidate still fails (for a flaky finding: within K tries).
using Predicate = std::function<bool(const Program&)>;

struct MinimizeStats {
  uint64_t candidates = 0;  // predicate calls
  uint64_t accepted = 0;
  double seconds = 0;
  bool budget_spent = false;  // stopped by the budget, not at a local minimum
  size_t ops_before = 0, ops_after = 0;
  // Accepted changes per pass, by the pass's display name.
  std::vector<std::pair<std::string, uint64_t>> by_pass;
};

// Minimizes `program` (for which `fails` holds) within `budget_s` seconds.
Program minimize(Program program, const Predicate& fails, double budget_s, MinimizeStats& stats);

// The pass table's display names, in the order they run.
std::vector<std::string> minimize_pass_names();

}  // namespace nfz::pipeline
