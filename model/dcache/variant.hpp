// Seeded variants: today's rules ("fixed") and twelve historical bugs, each a Rule bit
// the step function tests. Registered in one table with display names; the kernel
// commits are cited in docs/DCACHE_MODEL.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "model/dcache/world.hpp"

namespace nfz::dcache {

enum Rule : uint32_t {
  // 2016, pre-4.7 nfs_atomic_open(): the OPEN goes out on the hashed negative dentry it
  // was handed; on -EISDIR/-ENOTDIR it d_drop()s it and falls back to nfs_lookup(),
  // which splices it: two openers of one dentry both splice.
  kRuleAtomicOpenRpcFallback = 1u << 0,
  // 2016 (e7d6ef9790bc): d_alloc_parallel() skips unhashed entries while scanning the
  // in-lookup hash, and every in-lookup dentry is unhashed: no match is ever found.
  kRuleInLookupScanSkipsUnhashed = 1u << 1,
  // 2020 (seed mail): io_uring's nonblocking open is only LOOKUP_RCU; try_to_unlazy()
  // succeeds and the walk goes on into ->lookup in the submitting task.
  kRuleNonblockIsRcuOnly = 1u << 2,
  // 2023: openat2(RESOLVE_CACHED) refuses flags & O_TMPFILE, which contains O_DIRECTORY.
  kRuleCachedTmpfileMaskHasDirectory = 1u << 3,
  // 2025 (46af9ae1305f): try_to_unlazy() calls legitimize_links() only when nd->depth,
  // and the LOOKUP_CACHED refusal lived inside it: at depth 0 the unlazy succeeds.
  kRuleLegitimizeLinksOnlyAtDepth = 1u << 4,
  // 2016, pre-c94c09535c4d nfs_atomic_open(): on -ENOENT from the OPEN of a hashed
  // negative dentry, d_drop() and d_add(dentry, NULL) in two d_lock sections.
  kRuleAtomicOpenEnoentRehash = 1u << 5,
  // 2021 (eacd9aa8cede): the LOOKUP_CACHED failure exits of try_to_unlazy*() cleared
  // LOOKUP_RCU but kept nd->depth: terminate_walk() puts link references never taken.
  kRuleCachedUnlazyKeepsDepth = 1u << 6,
  // 2026 (ceph): ceph_atomic_open() sends the OPEN for a hashed negative dentry and the
  // reply handling d_add()s it again when another client created the file.
  kRuleCephSplicesHashedNegative = 1u << 7,
  // 2016 (Lustre): ll_atomic_open() runs its lookup on a hashed negative dentry and
  // d_add()s it (BUG_ON in d_add: it is hashed).
  kRuleLustreAddsHashedNegative = 1u << 8,
  // 2017 (PREEMPT_RT): i_dir_seq's write side (start_dir_add() .. end_dir_add()) runs
  // with preemption enabled; a reader in d_alloc_parallel() spins on the odd value.
  kRuleDirSeqWritePreemptible = 1u << 9,
  // 2013: atomic_open() returned ->atomic_open()'s -ENOENT, not the create error
  // lookup_open() had set aside (may_o_create() failing: -EROFS here).
  kRuleAtomicOpenLosesCreateError = 1u << 10,
  // d_alloc_parallel() without the i_dir_seq recheck under the in-lookup hash lock: a
  // __d_add() between its hashed lookup and its in-lookup scan goes unseen.
  kRuleNoDirSeqRecheck = 1u << 11,
};

struct Variant {
  std::string_view name;     // the --variant spelling
  std::string_view title;    // display name
  std::string_view kernel;   // where it happened / what fixed it
  uint32_t rules;
  uint8_t expected;          // the Oracle that must catch it (kOracleNone for fixed)
  uint8_t also = kOracleNone;  // another Oracle the same bug trips in other interleavings
  bool caught_by(uint8_t oracle) const { return oracle != kOracleNone && (oracle == expected || oracle == also); }
};

std::span<const Variant> variants();
std::optional<uint8_t> find_variant(std::string_view name);
// "a, b, c" for error messages.
std::string_view variant_names();

}  // namespace nfz::dcache
