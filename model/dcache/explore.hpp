// Searching schedules: random (PCT-style priorities with change points, or uniform
// choices), bounded exhaustive (depth-first over states, with state hashing), and the
// minimizer that shrinks a failing scenario and schedule to a 1-minimal one.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "model/dcache/run.hpp"
#include "model/dcache/scenario.hpp"
#include "model/dcache/scenarios.hpp"

namespace nfz::dcache {

struct Finding {
  Scenario scenario;
  std::vector<uint8_t> schedule;
  Violation violation;
};

struct RandomStats {
  uint64_t schedules = 0;
  uint64_t steps = 0;
  uint64_t scenarios = 0;
  double seconds = 0;
};

struct RandomOptions {
  uint64_t seed = 1;
  double budget_seconds = 10;
  uint64_t max_schedules = 0;     // 0: no bound but the time
  bool builtin_scenarios = true;  // also draw from builtin_scenarios()
  bool random_scenarios = true;
  int schedules_per_scenario = 64;
  // Called at every look at the clock (each 16 scenarios), for a progress report.
  std::function<void(const RandomStats&)> progress;
};

// One random schedule of s: PCT with `depth` priority change points when depth > 0,
// otherwise a uniformly random runnable thread at each step. Fills `schedule` with
// the choices made and returns what the run found.
RunResult random_run(const Scenario& s, Rng& rng, int depth, std::vector<uint8_t>& schedule);

std::optional<Finding> explore_random(uint8_t variant, const RandomOptions& options, RandomStats& stats);

struct ExhaustiveStats {
  uint64_t states = 0;       // distinct states visited
  uint64_t transitions = 0;  // steps taken, revisits included
  uint64_t terminal = 0;     // distinct end states (every thread done or stuck)
  uint64_t interleavings = 0;  // complete interleavings covered (counted through shared states)
  bool complete = true;      // false: the state bound cut the search
};

// Every interleaving of s, depth-first, a state seen before is not expanded again.
std::optional<Finding> explore_exhaustive(const Scenario& s, uint64_t max_states, ExhaustiveStats& stats);

// Shrinks a finding: drops ops and threads the violation does not need, then schedule
// entries one by one until no single entry can go (the same oracle must still fire).
Finding minimize(const Finding& f);

// Does (scenario, schedule) still violate `oracle`?
bool reproduces(const Scenario& s, const std::vector<uint8_t>& schedule, uint8_t oracle);

}  // namespace nfz::dcache
