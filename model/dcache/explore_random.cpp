// Random schedules. PCT (Burckhardt et al., ASPLOS 2010): threads get distinct random
// priorities, the highest runnable one runs, and at `depth` random steps the running
// thread drops to the lowest priority. Bugs that need few ordering constraints are found
// with high probability; half the schedules are uniform random walks instead.
#include <chrono>

#include "model/dcache/explore.hpp"
#include "model/dcache/oracle.hpp"
#include "model/dcache/step.hpp"

namespace nfz::dcache {

RunResult random_run(const Scenario& s, Rng& rng, int depth, std::vector<uint8_t>& schedule) {
  schedule.clear();
  RunResult r;
  World w = initial_world(s);
  int prio[kMaxThreads];
  for (int t = 0; t < s.nthreads; ++t) prio[t] = 100 + t;
  for (int t = s.nthreads - 1; t > 0; --t) std::swap(prio[t], prio[rng.below(static_cast<uint32_t>(t + 1))]);
  int change_at[4] = {-1, -1, -1, -1};
  for (int i = 0; i < depth && i < 4; ++i) change_at[i] = static_cast<int>(rng.below(24));
  while (w.violation.oracle == kOracleNone && !w.overflow && r.steps < kMaxSteps) {
    int runnable_ts[kMaxThreads];
    int n = 0;
    for (int t = 0; t < s.nthreads; ++t)
      if (runnable(w, s, t)) runnable_ts[n++] = t;
    if (n == 0) {
      check_end(w, s);
      break;
    }
    int pick;
    if (depth > 0) {
      pick = runnable_ts[0];
      for (int i = 1; i < n; ++i)
        if (prio[runnable_ts[i]] > prio[pick]) pick = runnable_ts[i];
      for (int i = 0; i < depth && i < 4; ++i)
        if (change_at[i] == static_cast<int>(r.steps)) prio[pick] = -static_cast<int>(r.steps) - 1;
    } else {
      pick = runnable_ts[rng.below(static_cast<uint32_t>(n))];
    }
    schedule.push_back(static_cast<uint8_t>(pick));
    step(w, s, pick);
    ++r.steps;
  }
  r.violation = w.violation;
  r.consumed = static_cast<uint32_t>(schedule.size());
  r.overflow = (w.overflow || r.steps >= kMaxSteps) && !r.found();
  return r;
}

std::optional<Finding> explore_random(uint8_t variant, const RandomOptions& o, RandomStats& stats) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  Rng rng{o.seed};
  const auto builtins = builtin_scenarios();
  std::vector<uint8_t> schedule;
  schedule.reserve(kMaxSteps);
  std::optional<Finding> found;
  while (!found) {
    Scenario s;
    const bool pick_builtin = o.builtin_scenarios && (!o.random_scenarios || rng.below(2) == 0);
    if (pick_builtin) s = with_variant(builtins[rng.below(static_cast<uint32_t>(builtins.size()))].scenario, variant);
    else s = random_scenario(rng, variant);
    ++stats.scenarios;
    for (int i = 0; i < o.schedules_per_scenario; ++i) {
      const int depth = rng.below(2) ? static_cast<int>(1 + rng.below(3)) : 0;
      const RunResult r = random_run(s, rng, depth, schedule);
      ++stats.schedules;
      stats.steps += r.steps;
      if (r.found()) {
        found = Finding{s, schedule, r.violation};
        break;
      }
    }
    if ((stats.scenarios & 15) == 0 || found) {
      stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      if (o.progress) o.progress(stats);
      if (stats.seconds >= o.budget_seconds) break;
    }
    if (o.max_schedules && stats.schedules >= o.max_schedules) break;
  }
  stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return found;
}

}  // namespace nfz::dcache
