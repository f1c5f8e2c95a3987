// Seeded variants: today's rules ("fixed") and five historical bugs (docs/ARCHITECTURE.md#historical-bugs),
// each a Rule bit the step function tests. Registered in one table with display names.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "model/dcache/world.hpp"

namespace nfz::dcache {

enum Rule : uint32_t {
  // 2016: ->atomic_open tests d_unhashed() to tell a fresh lookup from a hashed negative
  // dentry; a second opener sees the first one's d_drop() and splices again.
  kRuleAtomicOpenTestsUnhashed = 1u << 0,
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
};

struct Variant {
  std::string_view name;     // the --variant spelling
  std::string_view title;    // display name
  std::string_view kernel;   // where it happened / what fixed it
  uint32_t rules;
  uint8_t expected;          // the Oracle that must catch it (kOracleNone for fixed)
};

std::span<const Variant> variants();
std::optional<uint8_t> find_variant(std::string_view name);
// "a, b, c" for error messages.
std::string_view variant_names();

}  // namespace nfz::dcache
