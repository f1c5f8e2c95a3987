#include "model/dcache/variant.hpp"

#include <array>

namespace nfz::dcache {
namespace {

constexpr std::array kVariants = {
    Variant{"fixed", "today's rules",
            "lookup_open(), nfs_atomic_open() with d_in_lookup(), LOOKUP_CACHED checked in try_to_unlazy()",
            0, kOracleNone},
    Variant{"atomic-open-unhashed-2016", "atomic_open fallback on a hashed negative dentry (2016)",
            "June 2016 thread 'parallel atomic_open/d_splice_alias fun'; fixed by c94c09535c4d, 1643b43fbd05",
            kRuleAtomicOpenTestsUnhashed, kSpliceTwice},
    Variant{"d-alloc-parallel-braino-2016", "d_unhashed() test in the in-lookup hash scan (2016)",
            "e7d6ef9790bc 'fix idiotic braino in d_alloc_parallel()'",
            kRuleInLookupScanSkipsUnhashed, kInLookupUnique},
    Variant{"rcu-is-not-nonblock-2020", "LOOKUP_RCU used as 'nonblocking' by io_uring (2020)",
            "seed mail of Nov 2020; fixed by LOOKUP_CACHED, 6c6ec2b0a3e0 and 99668f618062",
            kRuleNonblockIsRcuOnly, kNonblockWalk},
    Variant{"cached-tmpfile-odirectory-2023", "O_TMPFILE test catches O_DIRECTORY under RESOLVE_CACHED (2023)",
            "build_open_flags() and io_openat_force_async() tested O_TMPFILE (= __O_TMPFILE|O_DIRECTORY); "
            "Aug 2023 fix (A. Sarai) tests __O_TMPFILE",
            kRuleCachedTmpfileMaskHasDirectory, kCachedComplete},
    Variant{"legitimize-links-depth0-2025", "legitimize_links() skipped at depth 0 under LOOKUP_CACHED (2025)",
            "46af9ae1305f: the LOOKUP_CACHED check moved into try_to_unlazy()",
            kRuleLegitimizeLinksOnlyAtDepth, kNonblockWalk},
};

}  // namespace

std::span<const Variant> variants() { return kVariants; }

std::optional<uint8_t> find_variant(std::string_view name) {
  for (size_t i = 0; i < kVariants.size(); ++i)
    if (kVariants[i].name == name) return static_cast<uint8_t>(i);
  return std::nullopt;
}

std::string_view variant_names() {
  return "fixed, atomic-open-unhashed-2016, d-alloc-parallel-braino-2016, rcu-is-not-nonblock-2020, "
         "cached-tmpfile-odirectory-2023, legitimize-links-depth0-2025";
}

}  // namespace nfz::dcache
