#include "model/dcache/run.hpp"

#include "model/dcache/oracle.hpp"
#include "model/dcache/step.hpp"

namespace nfz::dcache {

void check_end(World& w, const Scenario& s) {
  for (int t = 0; t < s.nthreads; ++t)
    if (!thread_done(w, s, t)) {
      violate(w, kProgress, t);
      return;
    }
  check_quiescent(w);
}

RunResult run_schedule(const Scenario& s, std::span<const uint8_t> schedule, std::vector<TraceStep>* trace) {
  RunResult r;
  World w = initial_world(s);
  auto take = [&](int t, bool scheduled) {
    if (trace) trace->push_back({static_cast<uint8_t>(t), w.t[t].op, w.t[t].pc, scheduled, nullptr, w, w});
    const char* what = step(w, s, t);
    if (trace) {
      trace->back().what = what;
      trace->back().after = w;
    }
    ++r.steps;
  };
  auto stopped = [&] { return w.violation.oracle != kOracleNone || w.overflow || r.steps >= kMaxSteps; };
  if (!stopped()) {
    for (uint8_t t : schedule) {
      ++r.consumed;
      if (t < s.nthreads && runnable(w, s, t)) take(t, true);
      if (stopped()) break;
    }
  }
  while (!stopped()) {
    int next = -1;
    for (int t = 0; t < s.nthreads && next < 0; ++t)
      if (runnable(w, s, t)) next = t;
    if (next < 0) {
      check_end(w, s);
      break;
    }
    take(next, false);
  }
  r.violation = w.violation;
  r.overflow = (w.overflow || r.steps >= kMaxSteps) && !r.found();
  return r;
}

}  // namespace nfz::dcache
