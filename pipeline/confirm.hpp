// Confirm: replay a finding's program on fresh instances of its target and count how
// often its title comes back. The rate decides how many tries the minimizer's predicate
// gets (flake_tries).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pipeline/trial.hpp"

namespace nfz::pipeline {

struct Confirmation {
  uint32_t tries = 0, hits = 0;
  std::optional<TrialResult> failing;  // the first replay that reported the title
  bool environment_error = false;

  double rate() const { return tries ? static_cast<double>(hits) / tries : 0.0; }
  // "17/20 (85%)", or "did not reproduce (0/20)".
  std::string text() const;
};

Confirmation confirm(Trial& trial, const Program& program, const std::string& title, uint32_t tries);

// K such that a candidate that fails at `rate` shows it within K tries with 95%
// probability: 1 - (1 - rate)^K >= 0.95, at most kMaxFlakeTries.
inline constexpr uint32_t kMaxFlakeTries = 8;
uint32_t flake_tries(double rate);

// The minimizer's predicate: the title within `k` replays.
bool reproduces_within(Trial& trial, const Program& program, const std::string& title, uint32_t k);

}  // namespace nfz::pipeline
