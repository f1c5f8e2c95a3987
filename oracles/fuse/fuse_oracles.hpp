// Oracles over the FUSE observer's request trace (docs/ORACLES.md, "FUSE oracles"):
//   lookup.single   no two requests naming one (parent, name) in flight at once
//   lookup.balance  FORGETs never exceed entry replies; equal at quiescence
//   negative.fresh  no CREATE/MKNOD/MKDIR for a name the filesystem holds
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/fuse_trace.hpp"

namespace nfz::oracles {

struct FuseViolation {
  std::string title;   // stable: oracle, request kinds, errnos; no ids or times
  std::string detail;  // the requests involved, for a person
};

struct FuseOracleResult {
  uint64_t checks = 0;  // requests (or pairs, nodes) the oracle examined
  std::vector<FuseViolation> violations;
};

// A thread's requests within this window after the observer answered it ESTALE belong
// to the kernel's LOOKUP_REVAL retry of the same syscall (see ORACLES.md).
inline constexpr int64_t kEstaleRetryWindowNs = 1'000'000'000;

FuseOracleResult check_lookup_single(const FuseTrace& trace);

// `quiescent`: the trace was taken after drop_caches 2 with no file open and no cwd on
// the mount, before unmounting (the kernel sends no FORGET at unmount).
FuseOracleResult check_lookup_balance(const FuseTrace& trace, bool quiescent);

FuseOracleResult check_negative_fresh(const FuseTrace& trace);

}  // namespace nfz::oracles
