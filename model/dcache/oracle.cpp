#include "model/dcache/oracle.hpp"

#include <array>

namespace nfz::dcache {
namespace {

constexpr std::array<OracleInfo, kOracleCount> kOracles = {{
    {"none", "no violation"},
    {"splice.twice", "d_splice_alias()/__d_add() on a dentry that is already hashed (BUG_ON(!d_unhashed(dentry)))"},
    {"inlookup.unique", "two in-lookup dentries for one (parent, name): d_alloc_parallel() must find the first"},
    {"inlookup.hashed", "a dentry both in-lookup (DCACHE_PAR_LOOKUP) and hashed"},
    {"inlookup.done", "an in-lookup dentry never left that state (no __d_add(), no d_lookup_done())"},
    {"refcount", "a dput() below zero, or a reference still held when every thread is done"},
    {"nonblock.walk", "a LOOKUP_CACHED or io_uring nonblocking walk took a blocking step"},
    {"cached.complete", "RESOLVE_CACHED answered -EAGAIN although the walk never had to leave RCU mode"},
    {"progress", "threads left that can never run (lost wakeup or leaked lock), or a retry loop past its bound"},
    {"hashed.unique", "two hashed dentries for one (parent, name): __d_lookup() would find either"},
    {"create.error", "an O_CREAT open that may not create (may_o_create() failed) answered -ENOENT, not that error"},
}};

}  // namespace

const OracleInfo& oracle_info(uint8_t oracle) {
  return kOracles[oracle < kOracleCount ? oracle : kOracleNone];
}

void check_dentry_invariants(World& w, int thread) {
  uint8_t in_lookup_names = 0, hashed_names = 0;
  for (int i = 0; i < w.slots; ++i) {
    const Dentry& d = w.d[i];
    if (!(d.flags & (kHashed | kInLookup))) continue;
    if (d.flags & kHashed) {
      const uint8_t bit = static_cast<uint8_t>(1u << d.name);
      if (hashed_names & bit) violate(w, kHashedUnique, thread, static_cast<uint8_t>(i));
      hashed_names |= bit;
    }
    if (!(d.flags & kInLookup)) continue;
    if (d.flags & kHashed) violate(w, kInLookupHashed, thread, static_cast<uint8_t>(i));
    const uint8_t bit = static_cast<uint8_t>(1u << d.name);
    if (in_lookup_names & bit) violate(w, kInLookupUnique, thread, static_cast<uint8_t>(i));
    in_lookup_names |= bit;
  }
}

void check_quiescent(World& w) {
  for (int i = 0; i < w.slots; ++i) {
    const Dentry& d = w.d[i];
    if (!(d.flags & kUsed)) continue;
    if (d.flags & kInLookup) violate(w, kLookupDone, kSetupSlot, static_cast<uint8_t>(i));
    if (d.count != 0) violate(w, kRefcount, kSetupSlot, static_cast<uint8_t>(i));
  }
  if (w.readers || w.writer) violate(w, kProgress, kSetupSlot);
}

}  // namespace nfz::dcache
