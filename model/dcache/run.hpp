// Running a scenario under a schedule. A schedule is data: a list of thread numbers,
// one per step. An entry whose thread cannot run at that point is skipped; when the
// list is used up, the lowest-numbered runnable thread runs, to the end. So a schedule
// says only where the interleaving departs from "thread 0 first", and minimizing it
// removes every departure the violation does not need.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/dcache/scenario.hpp"
#include "model/dcache/world.hpp"

namespace nfz::dcache {

inline constexpr int kMaxSteps = 256;  // a run longer than this is cut off (never seen)

struct RunResult {
  Violation violation;
  bool overflow = false;   // ran out of dentry slots or steps: says nothing
  uint32_t steps = 0;      // steps taken
  uint32_t consumed = 0;   // schedule entries read before the run ended
  bool found() const { return violation.oracle != kOracleNone; }
};

// One executed step, for printing an interleaving.
struct TraceStep {
  uint8_t thread;
  uint8_t op;
  uint8_t pc;
  bool scheduled;  // chosen by a schedule entry (else by the "lowest runnable" rule)
  const char* what;
  World before;
  World after;
};

RunResult run_schedule(const Scenario& s, std::span<const uint8_t> schedule,
                       std::vector<TraceStep>* trace = nullptr);

// Quiescence checks and the progress oracle, once no thread can run: shared by the
// runner and the explorers.
void check_end(World& w, const Scenario& s);

}  // namespace nfz::dcache
