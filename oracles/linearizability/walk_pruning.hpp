// The checker's walk pruning (checker.hpp only_walks_differ()): whether a step changed
// only what its own op holds for itself, which no other op reads.
#pragma once

#include <cstdint>
#include <vector>

#include "model/lookup/lookup_model.hpp"
#include "model/lookup/step_context.hpp"

namespace nfz::oracles::lin {

using model::same_bytes;

// The kinds of pin other ops do see: a parent an op holds locked (they wait for it), the
// counts of a mkdir or rename between its steps (a statx reads them: step_mkdir(),
// step_rename()) and an open file no register shows (a FIFO's peers count it:
// model::held_access()).
inline bool seen_by_others(uint64_t pin) {
  const int tag = model::pin_tag(pin);
  return tag == model::kLockedParent || tag == model::kMkdirCounted || tag == model::kMkdirUncounted ||
         tag == model::kLockedChild || model::held_access(tag) != model::Access::kNone;
}

inline bool same_seen_pins(const model::State& a, const model::State& b) {
  auto i = a.pins.begin(), j = b.pins.begin();
  for (;;) {
    while (i != a.pins.end() && !seen_by_others(*i)) ++i;
    while (j != b.pins.end() && !seen_by_others(*j)) ++j;
    if (i == a.pins.end() || j == b.pins.end()) return i == a.pins.end() && j == b.pins.end();
    if (*i++ != *j++) return false;
  }
}

// Whether `b` is `a` but for its pins and cursors that no other op sees. Entries first: a
// change of the namespace changes them most often.
inline bool only_walks_differ(const model::State& a, const model::State& b) {
  return same_bytes(a.dirents, b.dirents) && same_bytes(a.nodes, b.nodes) && a.regs == b.regs && a.fixed == b.fixed &&
         same_seen_pins(a, b);
}

}  // namespace nfz::oracles::lin
