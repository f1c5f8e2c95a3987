// Bounded exhaustive exploration: depth-first over the interleavings of a scenario.
// Two interleavings that reach the same World continue identically (the step function
// is deterministic and sees nothing else), so a state seen before is not expanded
// again: the search covers every interleaving while visiting each state once.
#include <unordered_map>

#include "model/dcache/explore.hpp"
#include "model/dcache/oracle.hpp"
#include "model/dcache/step.hpp"

namespace nfz::dcache {
namespace {

// 64-bit hash of the World's bytes (all uint8_t fields: no padding). A collision would
// prune an unexplored state; at 2^-64 per pair it is not a practical concern.
uint64_t hash_world(const World& w) {
  const auto* p = reinterpret_cast<const unsigned char*>(&w);
  uint64_t h = 0x243f6a8885a308d3ull;
  for (size_t i = 0; i < sizeof(World); ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
    h ^= h >> 29;
  }
  return h;
}

struct Frame {
  World w;
  uint64_t hash;
  uint64_t paths = 0;  // complete interleavings from this state (saturating)
  uint8_t next = 0;    // next thread to try from this state
};

constexpr uint64_t kOnStack = ~0ull;

uint64_t add_sat(uint64_t a, uint64_t b) { return a + b < a ? kOnStack - 1 : a + b; }

}  // namespace

std::optional<Finding> explore_exhaustive(const Scenario& s, uint64_t max_states, ExhaustiveStats& stats) {
  // State hash -> number of complete interleavings from it (kOnStack while expanding).
  std::unordered_map<uint64_t, uint64_t> seen;
  seen.reserve(1 << 16);
  std::vector<Frame> stack;
  std::vector<uint8_t> path;
  auto finding = [&](const World& w) { return Finding{s, path, w.violation}; };
  auto terminal = [&](const World& w) {
    for (int t = 0; t < s.nthreads; ++t)
      if (runnable(w, s, t)) return false;
    return true;
  };
  World w0 = initial_world(s);
  if (w0.violation.oracle != kOracleNone) return finding(w0);
  const uint64_t h0 = hash_world(w0);
  seen.emplace(h0, kOnStack);
  stats.states = 1;
  stack.push_back({w0, h0});
  // Leaving a fully expanded state: its interleaving count is final; the parent adds it.
  auto pop = [&] {
    const Frame& done = stack.back();
    seen[done.hash] = done.paths;
    const uint64_t paths = done.paths;
    stack.pop_back();
    if (!path.empty()) path.pop_back();
    if (!stack.empty()) stack.back().paths = add_sat(stack.back().paths, paths);
    else stats.interleavings = paths;
  };
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next == 0 && terminal(f.w)) {
      World end = f.w;
      check_end(end, s);
      ++stats.terminal;
      if (end.violation.oracle != kOracleNone) return finding(end);
      f.paths = 1;
      pop();
      continue;
    }
    int t = f.next;
    while (t < s.nthreads && !runnable(f.w, s, t)) ++t;
    if (t >= s.nthreads) {
      pop();
      continue;
    }
    f.next = static_cast<uint8_t>(t + 1);
    World next = f.w;
    step(next, s, t);
    ++stats.transitions;
    if (next.violation.oracle != kOracleNone) {
      path.push_back(static_cast<uint8_t>(t));
      return finding(next);
    }
    if (next.overflow || stack.size() >= kMaxSteps) {
      stats.complete = false;
      continue;
    }
    const uint64_t h = hash_world(next);
    if (auto it = seen.find(h); it != seen.end()) {
      if (it->second != kOnStack) f.paths = add_sat(f.paths, it->second);
      continue;
    }
    if (++stats.states > max_states) {
      stats.complete = false;
      break;
    }
    seen.emplace(h, kOnStack);
    path.push_back(static_cast<uint8_t>(t));
    stack.push_back({next, h});
  }
  return std::nullopt;
}

}  // namespace nfz::dcache
