// The dcache primitives trip their oracles exactly when the kernel's assertion would.
#include <gtest/gtest.h>

#include "model/dcache/dentry_ops.hpp"
#include "model/dcache/oracle.hpp"

namespace nfz::dcache {
namespace {

TEST(Oracles, SpliceOfAnUnhashedDentryIsFineAndOfAHashedOneIsNot) {
  World w;
  const uint8_t d = d_alloc(w, 0);
  w.d[d].flags |= kInLookup;
  d_splice_alias(w, 0, d, kFile);
  EXPECT_EQ(w.violation.oracle, kOracleNone);
  EXPECT_EQ(w.d[d].flags & (kHashed | kInLookup), kHashed);
  d_splice_alias(w, 1, d, kFile);
  EXPECT_EQ(w.violation.oracle, kSpliceTwice);
  EXPECT_EQ(w.violation.thread, 1);
  EXPECT_EQ(w.violation.dentry, d);
}

TEST(Oracles, DropThenAddIsFine) {
  World w;
  const uint8_t d = d_alloc(w, 0);
  d_add(w, 0, d, kNone);
  d_drop(w, d);
  d_add(w, 0, d, kNone);
  EXPECT_EQ(w.violation.oracle, kOracleNone);
}

TEST(Oracles, DputBelowZeroIsARefcountViolation) {
  World w;
  const uint8_t d = d_alloc(w, 0);
  d_add(w, 0, d, kFile);
  dput(w, 0, d);
  EXPECT_EQ(w.violation.oracle, kOracleNone);
  EXPECT_TRUE(w.d[d].flags & kUsed);  // hashed: stays cached at count 0
  dput(w, 2, d);
  EXPECT_EQ(w.violation.oracle, kRefcount);
}

TEST(Oracles, UnhashedDentryDiesWithItsLastReference) {
  World w;
  const uint8_t d = d_alloc(w, 0);
  const uint8_t seq = w.d[d].seq;
  dput(w, 0, d);
  EXPECT_FALSE(w.d[d].flags & kUsed);
  EXPECT_NE(w.d[d].seq, seq);  // an RCU walker that sampled the old seq must not legitimize it
}

TEST(Oracles, TwoInLookupDentriesForOneNameAndInLookupHashed) {
  World w;
  const uint8_t a = d_alloc(w, 0), b = d_alloc(w, 0), c = d_alloc(w, 1);
  w.d[a].flags |= kInLookup;
  w.d[c].flags |= kInLookup;
  check_dentry_invariants(w, 0);
  EXPECT_EQ(w.violation.oracle, kOracleNone);
  w.d[b].flags |= kInLookup;
  check_dentry_invariants(w, 3);
  EXPECT_EQ(w.violation.oracle, kInLookupUnique);

  World w2;
  const uint8_t x = d_alloc(w2, 0);
  w2.d[x].flags |= kInLookup | kHashed;
  check_dentry_invariants(w2, 0);
  EXPECT_EQ(w2.violation.oracle, kInLookupHashed);
}

TEST(Oracles, QuiescenceWantsNoInLookupAndNoReference) {
  World w;
  const uint8_t d = d_alloc(w, 0);
  w.d[d].flags |= kInLookup;
  check_quiescent(w);
  EXPECT_EQ(w.violation.oracle, kLookupDone);

  World w2;
  const uint8_t e = d_alloc(w2, 0);
  d_add(w2, 0, e, kFile);  // hashed, still holding the d_alloc reference
  check_quiescent(w2);
  EXPECT_EQ(w2.violation.oracle, kRefcount);

  World w3;
  check_quiescent(w3);
  EXPECT_EQ(w3.violation.oracle, kOracleNone);
}

TEST(Oracles, ShrinkKillsOnlyUnusedDentries) {
  World w;
  const uint8_t held = d_alloc(w, 0), cached = d_alloc(w, 1);
  d_add(w, 0, held, kFile);
  d_add(w, 0, cached, kFile);
  dput(w, 0, cached);
  shrink_dcache(w);
  EXPECT_TRUE(w.d[held].flags & kUsed);
  EXPECT_FALSE(w.d[cached].flags & kUsed);
}

TEST(Oracles, EveryOracleHasADistinctName) {
  for (uint8_t a = 0; a < kOracleCount; ++a)
    for (uint8_t b = a + 1; b < kOracleCount; ++b) EXPECT_NE(oracle_info(a).name, oracle_info(b).name);
}

}  // namespace
}  // namespace nfz::dcache
