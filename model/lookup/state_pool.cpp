#include "model/lookup/state_pool.hpp"

namespace nfz::model {
namespace {

// A step makes a handful of states; more spares would only hold memory.
constexpr size_t kMaxSpares = 32;

std::vector<State>& spares() {
  thread_local std::vector<State> pool;
  return pool;
}

}  // namespace

State copy_state(const State& from) {
  std::vector<State>& pool = spares();
  if (pool.empty()) return from;
  State s = std::move(pool.back());
  pool.pop_back();
  s = from;  // copy assignment: the vectors reuse their storage
  return s;
}

void recycle_state(State&& s) {
  std::vector<State>& pool = spares();
  // A state the caller moved from has no storage worth keeping.
  if (pool.size() < kMaxSpares && s.nodes.capacity() != 0) pool.push_back(std::move(s));
}

void recycle_outcomes(std::vector<Transition>& out) {
  for (Transition& t : out) recycle_state(std::move(t.next));
  out.clear();
}

}  // namespace nfz::model
