#include "model/dcache/variant.hpp"

#include <array>
#include <string>

namespace nfz::dcache {
namespace {

constexpr std::array kVariants = {
    Variant{"fixed", "today's rules",
            "lookup_open(), nfs_atomic_open() with d_in_lookup(), LOOKUP_CACHED checked in try_to_unlazy()",
            0, kOracleNone},
    Variant{"atomic-open-fallback-2016", "nfs_atomic_open: OPEN on a hashed negative dentry, -EISDIR fallback (2016)",
            "June 2016 thread 'parallel atomic_open/d_splice_alias fun'; fixed by c94c09535c4d, 1643b43fbd05",
            kRuleAtomicOpenRpcFallback, kSpliceTwice, kHashedUnique},
    Variant{"atomic-open-enoent-2016", "nfs_atomic_open: -ENOENT does d_drop + d_add(NULL) on a hashed dentry (2016)",
            "pre-c94c09535c4d nfs_atomic_open(): d_drop(); d_add(dentry, NULL) in two d_lock sections",
            kRuleAtomicOpenEnoentRehash, kSpliceTwice, kHashedUnique},
    Variant{"d-alloc-parallel-braino-2016", "d_unhashed() test in the in-lookup hash scan (2016)",
            "e7d6ef9790bc 'fix idiotic braino in d_alloc_parallel()'",
            kRuleInLookupScanSkipsUnhashed, kInLookupUnique},
    Variant{"rcu-is-not-nonblock-2020", "LOOKUP_RCU used as 'nonblocking' by io_uring (2020)",
            "seed mail of Nov 2020 (a proposal, never merged); fixed by LOOKUP_CACHED, 6c6ec2b0a3e0 and 99668f618062",
            kRuleNonblockIsRcuOnly, kNonblockWalk},
    Variant{"cached-tmpfile-odirectory-2023", "O_TMPFILE test catches O_DIRECTORY under RESOLVE_CACHED (2023)",
            "build_open_flags() and io_openat_force_async() tested O_TMPFILE (= __O_TMPFILE|O_DIRECTORY); "
            "Aug 2023 fix (A. Sarai) tests __O_TMPFILE",
            kRuleCachedTmpfileMaskHasDirectory, kCachedComplete},
    Variant{"legitimize-links-depth0-2025", "legitimize_links() skipped at depth 0 under LOOKUP_CACHED (2025)",
            "46af9ae1305f: the LOOKUP_CACHED check moved into try_to_unlazy()",
            kRuleLegitimizeLinksOnlyAtDepth, kNonblockWalk},
    Variant{"atomic-open-create-error-2013", "atomic_open() returns -ENOENT instead of the create error (2013)",
            "62b2ce964bb9 (not confirmed here): atomic_open() must return create_error on -ENOENT",
            kRuleAtomicOpenLosesCreateError, kCreateError},
    Variant{"lustre-atomic-open-2016", "ll_atomic_open() d_add()s a hashed negative dentry (2016)",
            "Lustre 99f1c013194e (not confirmed here): several atomic_open openers, BUG_ON in d_add",
            kRuleLustreAddsHashedNegative, kSpliceTwice},
    Variant{"d-alloc-parallel-dir-seq-2016", "d_alloc_parallel() without the i_dir_seq recheck (2016)",
            "d9171b934526 'parallel lookups machinery, part 4 (and last)' added i_dir_seq with the in-lookup hash",
            kRuleNoDirSeqRecheck, kHashedUnique},
    Variant{"dir-seq-preempt-rt-2017", "i_dir_seq write side preemptible on PREEMPT_RT (2017)",
            "RT patch 'fs/dcache: disable preemption on i_dir_seq's write side' (S. Siewior, Oct 2017)",
            kRuleDirSeqWritePreemptible, kProgress},
    Variant{"nd-depth-cached-unlazy-2021", "nd->depth kept after a failed LOOKUP_CACHED unlazy (2021)",
            "eacd9aa8cede 'fix handling of nd->depth on LOOKUP_CACHED failures in try_to_unlazy*'",
            kRuleCachedUnlazyKeepsDepth, kRefcount},
    Variant{"ceph-hashed-negative-2026", "ceph_atomic_open() splices a hashed negative dentry (2026)",
            "ceph fix 803447f (not confirmed here): a dentry not d_in_lookup() gets -ENOENT in atomic_open",
            kRuleCephSplicesHashedNegative, kSpliceTwice},
};

}  // namespace

std::span<const Variant> variants() { return kVariants; }

std::optional<uint8_t> find_variant(std::string_view name) {
  for (size_t i = 0; i < kVariants.size(); ++i)
    if (kVariants[i].name == name) return static_cast<uint8_t>(i);
  return std::nullopt;
}

std::string_view variant_names() {
  static const std::string kNames = [] {
    std::string out;
    for (const Variant& v : kVariants) out += (out.empty() ? "" : ", ") + std::string(v.name);
    return out;
  }();
  return kNames;
}

}  // namespace nfz::dcache
