// Oracles over the FUSE observer's request trace (docs/ORACLES.md, "FUSE oracles"):
//   lookup.single   no two requests naming one (parent, name) in flight at once
//   lookup.balance  FORGETs never exceed entry replies; equal at quiescence
//   negative.fresh  no CREATE/MKNOD/MKDIR for a name the filesystem holds
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/fuse_trace.hpp"
#include "oracles/violation.hpp"

namespace nfz::oracles {

// A thread's requests within this window after the observer answered it ESTALE belong
// to the kernel's LOOKUP_REVAL retry of the same syscall (see ORACLES.md).
inline constexpr int64_t kEstaleRetryWindowNs = 1'000'000'000;

OracleResult check_lookup_single(const FuseTrace& trace);

// `quiescent`: the trace was taken after drop_caches 2 with no file open and no cwd on
// the mount, before unmounting (the kernel sends no FORGET at unmount).
OracleResult check_lookup_balance(const FuseTrace& trace, bool quiescent);

OracleResult check_negative_fresh(const FuseTrace& trace);

}  // namespace nfz::oracles
