// The generators draw most opens valid (build_open_flags() in fs/open.c takes them) and keep
// some refused ones: the stress loop and fuzz_kernel's insert_op waste fewer ops on EINVAL.
#include <gtest/gtest.h>

#include <rapidcheck.h>
#include <rapidcheck/Random.h>

#include "core/generate.hpp"

namespace nfz {
namespace {

// Whether openat2 refuses `op` at once (EINVAL, or RESOLVE_CACHED's EAGAIN), as
// build_open_flags() decides; mode is only set on creating opens by the generator.
bool refused_at_once(const Op& op) {
  const uint32_t f = op.flags;
  if ((f & O_ACCMODE) == O_ACCMODE) return true;
  if ((f & O_TMPFILE) == O_TMPFILE) {
    if (f & O_CREAT) return true;                          // O_TMPFILE_MASK
    if ((f & O_ACCMODE) == O_RDONLY) return true;          // needs MAY_WRITE
  } else if ((f & (O_DIRECTORY | O_CREAT)) == (O_DIRECTORY | O_CREAT)) {
    return true;                                           // since 6.4
  }
  if (op.openat2) {
    if ((f & O_PATH) && (f & ~(O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC))) return true;  // O_PATH_FLAGS
    if ((op.resolve & RESOLVE_BENEATH) && (op.resolve & RESOLVE_IN_ROOT)) return true;
    if ((op.resolve & RESOLVE_CACHED) && (f & (O_TRUNC | O_CREAT | O_TMPFILE))) return true;
  }
  return false;
}

TEST(OpenFlagValidity, MostGeneratedOpensAreTakenAndSomeAreNot) {
  int opens = 0, refused = 0;
  for (uint64_t seed = 0; seed < 4000; ++seed) {
    Op op = gen::op_of_kind(OpKind::kOpen)(rc::Random(seed), 20).value();
    ++opens;
    refused += refused_at_once(op);
  }
  const double share = 100.0 * refused / opens;
  EXPECT_LT(share, 100.0 - gen::kValidOpenPercent + 5) << share << "% refused";
  EXPECT_GT(share, 3) << "some invalid opens stay: the refusal paths are tests too";
}

TEST(OpenFlagValidity, ValidShapesAreValid) {
  for (uint64_t seed = 0; seed < 2000; ++seed) {
    Op op;
    op.kind = OpKind::kOpen;
    op.flags = gen::valid_open_flags()(rc::Random(seed), 20).value();
    op.openat2 = true;
    op.resolve = gen::make_resolve_valid(RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED, op.flags);
    EXPECT_FALSE(refused_at_once(op)) << op.flags << " " << op.resolve;
  }
}

}  // namespace
}  // namespace nfz
