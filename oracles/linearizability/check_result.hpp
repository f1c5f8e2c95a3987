// What the linearizability checker answers (Porcupine's Ok / Illegal / Unknown): a search
// that ran out of budget is never a pass.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nfz::oracles::lin {

enum class Verdict : uint8_t { kOk, kIllegal, kUnknown };

// In an order of steps (CheckResult::partial, witness): an op's step that is not its last
// (a walk: the lookup model's step_in_steps()), as op | kStepBit.
inline constexpr uint32_t kStepBit = 1u << 31;

std::string_view verdict_name(Verdict v);  // "linearizable", "not linearizable", "unknown"

// Limits of one check. Over any of them the answer is kUnknown.
struct Budget {
  uint64_t max_steps = 400'000'000;  // model steps over the whole history
  size_t max_configs = 4'000'000;    // (state, linearized set) pairs alive at one return
  double max_seconds = 60;           // wall clock; 0: none
};

struct CheckStats {
  uint64_t steps = 0;            // model steps taken
  uint64_t returns = 0;          // return marks processed
  uint64_t quiescent_cuts = 0;   // points where no op was in flight
  size_t max_frontier = 0;       // most (state, linearized set) pairs carried across a return
  size_t max_configs = 0;        // most pairs explored at one return
  int max_in_flight = 0;         // most ops in flight at once (hung ones included)
  uint64_t in_flight_sum = 0;    // ops in flight summed over calls: / calls = mean
  uint64_t calls = 0;
};

struct CheckResult {
  Verdict verdict = Verdict::kOk;
  std::string reason;  // kUnknown: which budget ran out

  // kIllegal. The smallest failing prefix is marks[0 .. failing_mark]: every shorter
  // prefix is linearizable (ops called but not returned in a prefix may or may not have
  // taken effect), and at the return of `failing_op` no order explains it any more.
  uint32_t failing_op = 0;
  size_t failing_mark = 0;
  // The longest partial linearization found in that prefix after marks[0 .. partial_after)
  // (a quiescent cut: every op called before it returned before it, and the search carried
  // one model state across it, which explains them all; 0: from the initial state): op
  // indexes, in linearization order, every one with its observed outcome accepted by the
  // model from that state on, consistent with real time. A step of an op before its last
  // one is op | kStepBit.
  std::vector<uint32_t> partial;
  size_t partial_after = 0;
  // kOk, when asked for (check_linearizable()'s `witness`): one order of steps that
  // explains the whole history, as `partial`.
  std::vector<uint32_t> witness;

  CheckStats stats;
};

}  // namespace nfz::oracles::lin
