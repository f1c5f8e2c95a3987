// Delta debugging, one element at a time (the test is microseconds, the inputs a few
// dozen elements): threads, then ops, then fewer context switches, then schedule
// entries, until nothing can go.
#include "model/dcache/explore.hpp"

namespace nfz::dcache {
namespace {

// The run's schedule entries after the violation are never read: cut them.
void truncate(const Scenario& s, std::vector<uint8_t>& schedule) {
  const RunResult r = run_schedule(s, schedule);
  if (r.consumed < schedule.size()) schedule.resize(r.consumed);
}

Scenario without_op(Scenario s, int slot, int i) {
  for (int j = i; j + 1 < s.nops[slot]; ++j) s.ops[slot][j] = s.ops[slot][j + 1];
  s.ops[slot][--s.nops[slot]] = Op{};
  return s;
}

// Removes thread t; schedule entries of later threads move down by one.
void without_thread(Scenario& s, std::vector<uint8_t>& schedule, int t) {
  for (int u = t; u + 1 < s.nthreads; ++u) {
    s.nops[u] = s.nops[u + 1];
    for (int i = 0; i < kMaxOps; ++i) s.ops[u][i] = s.ops[u + 1][i];
  }
  --s.nthreads;
  s.nops[s.nthreads] = 0;
  for (auto& op : s.ops[s.nthreads]) op = Op{};
  std::vector<uint8_t> out;
  for (uint8_t e : schedule)
    if (e != t) out.push_back(static_cast<uint8_t>(e > t ? e - 1 : e));
  schedule = std::move(out);
}

bool shrink_program(Scenario& s, std::vector<uint8_t>& schedule, uint8_t oracle) {
  bool changed = false;
  for (int t = s.nthreads - 1; t >= 0 && s.nthreads > 1; --t) {
    Scenario s2 = s;
    std::vector<uint8_t> sch2 = schedule;
    without_thread(s2, sch2, t);
    if (reproduces(s2, sch2, oracle)) {
      s = s2;
      schedule = sch2;
      changed = true;
    }
  }
  for (int slot = 0; slot < kSlots; ++slot) {
    for (int i = s.nops[slot] - 1; i >= 0; --i) {
      if (slot < s.nthreads && s.nops[slot] == 1) break;  // a thread keeps one op
      Scenario s2 = without_op(s, slot, i);
      if (reproduces(s2, schedule, oracle)) {
        s = s2;
        changed = true;
      }
    }
  }
  return changed;
}

void shrink_schedule(const Scenario& s, std::vector<uint8_t>& schedule, uint8_t oracle) {
  truncate(s, schedule);
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 0; i < schedule.size();) {
      std::vector<uint8_t> shorter = schedule;
      shorter.erase(shorter.begin() + static_cast<std::ptrdiff_t>(i));
      if (reproduces(s, shorter, oracle)) {
        schedule = std::move(shorter);
        truncate(s, schedule);
        changed = true;
      } else {
        ++i;
      }
    }
  }
}

size_t switches(const std::vector<uint8_t>& schedule) {
  size_t n = 0;
  for (size_t i = 1; i < schedule.size(); ++i) n += schedule[i] != schedule[i - 1];
  return n;
}

// Fewer context switches read better: make every step of the run explicit, then move
// single entries while that joins runs of one thread and the violation stays.
void fewer_switches(const Scenario& s, std::vector<uint8_t>& schedule, uint8_t oracle) {
  std::vector<TraceStep> trace;
  run_schedule(s, schedule, &trace);
  std::vector<uint8_t> steps;
  for (const TraceStep& t : trace) steps.push_back(t.thread);
  if (!reproduces(s, steps, oracle)) return;
  bool changed = true;
  for (int round = 0; changed && round < 64; ++round) {
    changed = false;
    for (size_t i = 0; i < steps.size() && !changed; ++i) {
      for (size_t j = 0; j < steps.size() && !changed; ++j) {
        if (i == j) continue;
        std::vector<uint8_t> moved = steps;
        const uint8_t e = moved[i];
        moved.erase(moved.begin() + static_cast<std::ptrdiff_t>(i));
        moved.insert(moved.begin() + static_cast<std::ptrdiff_t>(j), e);
        if (switches(moved) < switches(steps) && reproduces(s, moved, oracle)) {
          steps = std::move(moved);
          changed = true;
        }
      }
    }
  }
  schedule = std::move(steps);
}

}  // namespace

bool reproduces(const Scenario& s, const std::vector<uint8_t>& schedule, uint8_t oracle) {
  return run_schedule(s, schedule).violation.oracle == oracle;
}

Finding minimize(const Finding& f) {
  Finding out = f;
  const uint8_t oracle = f.violation.oracle;
  for (int round = 0; round < 8; ++round) {
    const bool changed = shrink_program(out.scenario, out.schedule, oracle);
    fewer_switches(out.scenario, out.schedule, oracle);
    shrink_schedule(out.scenario, out.schedule, oracle);
    if (!changed) break;
  }
  out.violation = run_schedule(out.scenario, out.schedule).violation;
  return out;
}

}  // namespace nfz::dcache
