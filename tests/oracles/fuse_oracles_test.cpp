// The FUSE oracles on hand-made request traces: each flags violating traces and passes
// legal ones (docs/ORACLES.md, "FUSE oracles").
#include <gtest/gtest.h>

#include <cerrno>

#include "oracles/fuse/fuse_oracles.hpp"

namespace nfz::oracles {
namespace {

// A request named like the trace a person would read: op, parent, name, tid, [recv, reply].
FuseRequest req(FuseOp op, uint64_t parent, const char* name, int32_t tid, int64_t recv, int64_t reply,
                uint64_t node = 0, int32_t error = 0) {
  FuseRequest r;
  r.op = op;
  r.parent = parent;
  r.name = name;
  r.tid = tid;
  r.recv_ns = recv;
  r.reply_ns = reply;
  r.node = node;
  r.error = error;
  return r;
}
FuseRequest rename_req(uint64_t p, const char* from, uint64_t p2, const char* to, int32_t tid, int64_t recv, int64_t reply) {
  FuseRequest r = req(FuseOp::kRename, p, from, tid, recv, reply);
  r.parent2 = p2;
  r.name2 = to;
  return r;
}
FuseRequest link_req(uint64_t node, uint64_t p2, const char* to, int32_t tid, int64_t recv, int64_t reply) {
  FuseRequest r = req(FuseOp::kLink, 0, "", tid, recv, reply, node);
  r.parent2 = p2;
  r.name2 = to;
  return r;
}
FuseRequest forget(uint64_t node, uint64_t n, int64_t at) {
  FuseRequest r = req(FuseOp::kForget, 0, "", 0, at, at, node);
  r.nlookup = n;
  return r;
}
FuseRequest held_create(FuseOp op, uint64_t parent, const char* name, bool held) {
  FuseRequest r = req(op, parent, name, 7, 10, 20, held ? 0 : 5, held ? EEXIST : 0);
  r.held = held;
  return r;
}

FuseTrace trace(std::vector<FuseRequest> reqs, FuseCaching caching = FuseCaching::kStrict) {
  return {caching, std::move(reqs)};
}

using L = FuseOp;

// ---- lookup.single ------------------------------------------------------------------

struct SingleCase {
  const char* name;
  FuseTrace trace;
  size_t violations;
};

class LookupSingle : public ::testing::TestWithParam<SingleCase> {};

TEST_P(LookupSingle, FlagsOnlyIllegalOverlaps) {
  auto r = check_lookup_single(GetParam().trace);
  EXPECT_EQ(r.violations.size(), GetParam().violations);
  for (const auto& v : r.violations) EXPECT_EQ(v.title.rfind("lookup.single: ", 0), 0u);
}

TEST(LookupSingle, CountsTheRequestsThatNameEntries) {
  auto t = trace({req(L::kLookup, 1, "a", 1, 0, 5), req(L::kGetattr, 1, "", 1, 6, 7), rename_req(1, "a", 1, "b", 1, 8, 9)});
  EXPECT_EQ(check_lookup_single(t).checks, 2u);
}

INSTANTIATE_TEST_SUITE_P(
    Traces, LookupSingle,
    ::testing::Values(
        // Violations.
        SingleCase{"two_lookups_overlap", trace({req(L::kLookup, 1, "a", 10, 0, 50), req(L::kLookup, 1, "a", 11, 20, 60)}), 1},
        SingleCase{"lookup_during_create", trace({req(L::kCreate, 1, "a", 10, 0, 50), req(L::kLookup, 1, "a", 11, 49, 60)}), 1},
        SingleCase{"unlink_during_rename_target", trace({rename_req(1, "b", 1, "a", 10, 0, 50), req(L::kUnlink, 1, "a", 11, 10, 20)}), 1},
        SingleCase{"link_into_name_being_looked_up", trace({req(L::kLookup, 2, "x", 10, 0, 50), link_req(9, 2, "x", 11, 5, 6)}), 1},
        SingleCase{"mkdir_rmdir_overlap_in_churn", trace({req(L::kMkdir, 1, "d", 10, 0, 50), req(L::kRmdir, 1, "d", 11, 10, 20)}, FuseCaching::kChurn), 1},
        SingleCase{"three_way", trace({req(L::kLookup, 1, "a", 1, 0, 100), req(L::kLookup, 1, "a", 2, 10, 20), req(L::kCreate, 1, "a", 3, 30, 40)}), 2},
        // Legal.
        SingleCase{"sequential_lookups", trace({req(L::kLookup, 1, "a", 10, 0, 50), req(L::kLookup, 1, "a", 11, 50, 60)}), 0},
        SingleCase{"different_names", trace({req(L::kLookup, 1, "a", 10, 0, 50), req(L::kCreate, 1, "b", 11, 10, 60)}), 0},
        SingleCase{"same_name_other_parent", trace({req(L::kLookup, 1, "a", 10, 0, 50), req(L::kLookup, 2, "a", 11, 10, 60)}), 0},
        SingleCase{"churn_revalidation_lookups", trace({req(L::kLookup, 1, "a", 10, 0, 50), req(L::kUnlink, 1, "a", 11, 10, 60)}, FuseCaching::kChurn), 0},
        SingleCase{"estale_retry_lookup", trace({req(L::kLookup, 1, "a", 10, 0, 5, 0, ESTALE), req(L::kLookup, 1, "a", 10, 6, 50),
                                                 req(L::kCreate, 1, "a", 11, 10, 60)}), 0},
        SingleCase{"getattr_ignored", trace({req(L::kGetattr, 1, "a", 10, 0, 50), req(L::kGetattr, 1, "a", 11, 10, 60)}), 0}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(LookupSingle, EstaleWindowIsPerThread) {
  // Thread 12's ESTALE does not excuse thread 10's overlapping LOOKUP.
  auto t = trace({req(L::kLookup, 1, "z", 12, 0, 5, 0, ESTALE), req(L::kLookup, 1, "a", 10, 6, 50),
                  req(L::kCreate, 1, "a", 11, 10, 60)});
  EXPECT_EQ(check_lookup_single(t).violations.size(), 1u);
}

// ---- lookup.balance -----------------------------------------------------------------

struct BalanceCase {
  const char* name;
  FuseTrace trace;
  bool quiescent;
  size_t violations;
};

class LookupBalance : public ::testing::TestWithParam<BalanceCase> {};

TEST_P(LookupBalance, CountsForgetsAgainstReplies) {
  auto r = check_lookup_balance(GetParam().trace, GetParam().quiescent);
  EXPECT_EQ(r.violations.size(), GetParam().violations);
  for (const auto& v : r.violations) EXPECT_EQ(v.title.rfind("lookup.balance: ", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Traces, LookupBalance,
    ::testing::Values(
        // Violations.
        BalanceCase{"forget_without_lookup", trace({forget(5, 1, 10)}), false, 1},
        BalanceCase{"forget_too_many", trace({req(L::kLookup, 1, "a", 1, 0, 5, 5), forget(5, 2, 10)}), false, 1},
        BalanceCase{"forget_before_reply", trace({forget(5, 1, 3), req(L::kLookup, 1, "a", 1, 0, 5, 5)}), false, 1},
        BalanceCase{"leak_at_quiescence", trace({req(L::kLookup, 1, "a", 1, 0, 5, 5), req(L::kLookup, 1, "b", 1, 6, 7, 6), forget(5, 1, 10)}), true, 1},
        BalanceCase{"failed_lookup_counted", trace({req(L::kLookup, 1, "a", 1, 0, 5, 5, ENOENT), forget(5, 1, 10)}), false, 1},
        // Legal.
        BalanceCase{"balanced", trace({req(L::kLookup, 1, "a", 1, 0, 5, 5), req(L::kLookup, 1, "a", 2, 6, 7, 5), forget(5, 2, 10)}), true, 0},
        BalanceCase{"batch_of_creates", trace({req(L::kCreate, 1, "a", 1, 0, 5, 5), req(L::kMkdir, 1, "d", 1, 0, 6, 6),
                                               req(L::kSymlink, 1, "s", 1, 7, 8, 7), link_req(5, 1, "h", 1, 9, 10), forget(5, 2, 11),
                                               forget(6, 1, 11), forget(7, 1, 12)}), true, 0},
        BalanceCase{"not_yet_forgotten_mid_run", trace({req(L::kLookup, 1, "a", 1, 0, 5, 5)}), false, 0},
        BalanceCase{"root_never_forgotten", trace({req(L::kLookup, 1, ".", 1, 0, 5, kFuseRootId)}), true, 0},
        BalanceCase{"mknod_then_forget", trace({req(L::kMknod, 1, "p", 1, 0, 5, 9), forget(9, 1, 6)}), true, 0}),
    [](const auto& info) { return std::string(info.param.name); });

// ---- negative.fresh -----------------------------------------------------------------

struct FreshCase {
  const char* name;
  FuseTrace trace;
  size_t violations;
};

class NegativeFresh : public ::testing::TestWithParam<FreshCase> {};

TEST_P(NegativeFresh, FlagsCreatesOfHeldNames) {
  auto r = check_negative_fresh(GetParam().trace);
  EXPECT_EQ(r.violations.size(), GetParam().violations);
  for (const auto& v : r.violations) EXPECT_EQ(v.title.rfind("negative.fresh: ", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Traces, NegativeFresh,
    ::testing::Values(
        // Violations.
        FreshCase{"create_of_held", trace({held_create(L::kCreate, 1, "a", true)}), 1},
        FreshCase{"mknod_of_held", trace({held_create(L::kMknod, 1, "a", true)}), 1},
        FreshCase{"mkdir_of_held", trace({held_create(L::kMkdir, 1, "d", true)}), 1},
        FreshCase{"one_of_many", trace({held_create(L::kCreate, 1, "a", false), held_create(L::kCreate, 1, "b", true)}), 1},
        FreshCase{"two_stale", trace({held_create(L::kMkdir, 1, "a", true), held_create(L::kCreate, 2, "a", true)}), 2},
        // Legal.
        FreshCase{"fresh_create", trace({held_create(L::kCreate, 1, "a", false)}), 0},
        FreshCase{"fresh_mkdir", trace({held_create(L::kMkdir, 1, "a", false)}), 0},
        FreshCase{"lookup_of_held_is_fine", trace({req(L::kLookup, 1, "a", 1, 0, 5, 5)}), 0},
        FreshCase{"symlink_not_covered", trace({[] { auto r = held_create(L::kSymlink, 1, "s", true); return r; }()}), 0},
        FreshCase{"empty_trace", trace({}), 0}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace nfz::oracles
