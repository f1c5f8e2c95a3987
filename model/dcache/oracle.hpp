// The oracles of the dcache protocol model (docs/ORACLES.md, section "dcache model"),
// registered in one table with their display names, and the invariant checks the
// runner applies after every step and at quiescence.
#pragma once

#include <string_view>

#include "model/dcache/world.hpp"

namespace nfz::dcache {

struct OracleInfo {
  std::string_view name;     // stable: it is the finding's title and dedup key
  std::string_view summary;  // one line, with the kernel function it rests on
};

const OracleInfo& oracle_info(uint8_t oracle);

// Records the first violation only: the run stops at it.
inline void violate(World& w, uint8_t oracle, int thread, uint8_t dentry = kNoDentry) {
  if (w.violation.oracle != kOracleNone) return;
  w.violation = {oracle, static_cast<uint8_t>(thread), dentry};
}

// After every step: never in-lookup and hashed; at most one in-lookup and at most one
// hashed dentry per name.
void check_dentry_invariants(World& w, int thread);
// When every thread is done: nothing left in-lookup, no reference held.
void check_quiescent(World& w);

}  // namespace nfz::dcache
