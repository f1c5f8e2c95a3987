#include "pipeline/confirm.hpp"

#include <algorithm>
#include <cmath>

namespace nfz::pipeline {

std::string Confirmation::text() const {
  std::string counts = std::to_string(hits) + "/" + std::to_string(tries);
  if (hits == 0) return "did not reproduce (" + counts + ")";
  return counts + " (" + std::to_string(static_cast<int>(std::lround(rate() * 100))) + "%)";
}

Confirmation confirm(Trial& trial, const Program& program, const std::string& title, uint32_t tries) {
  Confirmation c;
  for (uint32_t i = 0; i < tries; ++i) {
    TrialResult r = trial.run(program);
    if (r.environment_error) {
      c.environment_error = true;
      return c;
    }
    ++c.tries;
    if (!r.has(title)) continue;
    ++c.hits;
    if (!c.failing) c.failing = std::move(r);
  }
  return c;
}

uint32_t flake_tries(double rate) {
  if (rate >= 1.0) return 1;
  if (rate <= 0.0) return kMaxFlakeTries;
  double k = std::ceil(std::log(0.05) / std::log(1.0 - rate));
  return static_cast<uint32_t>(std::clamp(k, 1.0, static_cast<double>(kMaxFlakeTries)));
}

bool reproduces_within(Trial& trial, const Program& program, const std::string& title, uint32_t k) {
  for (uint32_t i = 0; i < k; ++i) {
    TrialResult r = trial.run(program);
    if (!r.environment_error && r.has(title)) return true;
  }
  return false;
}

}  // namespace nfz::pipeline
