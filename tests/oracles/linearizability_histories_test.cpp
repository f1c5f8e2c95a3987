// The linearizability search on hand-written histories, against the toy flat-namespace
// model: every linearizable case needs ops reordered against call order (a naive check that
// replays ops in call order rejects it), and every non-linearizable case is rejected with
// its failing op named.
#include <gtest/gtest.h>

#include <algorithm>

#include "lin_history_builder.hpp"
#include "lin_toy_model.hpp"
#include "oracles/linearizability/checker.hpp"
#include "oracles/linearizability/report.hpp"

namespace nfz::oracles::lin {
namespace {

using testing::HistoryCase;
using testing::kHung;

// The cases' op texts.
constexpr const char* kCreateA = "open(\"a\", O_RDONLY|O_CREAT, 0644)";
constexpr const char* kExclA = "open(\"a\", O_RDONLY|O_CREAT|O_EXCL, 0644)";
constexpr const char* kOpenA = "open(\"a\", O_RDONLY)";
constexpr const char* kStatA = "statx(\"a\", 0)";
constexpr const char* kStatB = "statx(\"b\", 0)";
constexpr const char* kStatC = "statx(\"c\", 0)";
constexpr const char* kUnlinkA = "unlink(\"a\")";
constexpr const char* kUnlinkB = "unlink(\"b\")";
constexpr const char* kMknodA = "mknod(\"a\", S_IFREG|0644)";
constexpr const char* kMknodB = "mknod(\"b\", S_IFREG|0644)";
constexpr const char* kMkdirD = "mkdir(\"d\", 0755)";
constexpr const char* kRmdirD = "rmdir(\"d\")";
constexpr const char* kRenameAB = "renameat2(\"a\", \"b\", 0)";

const std::vector<HistoryCase>& linearizable_cases() {
  static const std::vector<HistoryCase> cases = {
      {"open_enoent_before_overlapping_create", {}, {{0, kCreateA, 0, 10, "ok"}, {1, kOpenA, 1, 5, "ENOENT"}}},
      {"excl_loser_called_first", {}, {{0, kExclA, 0, 10, "EEXIST"}, {1, kExclA, 1, 5, "ok"}}},
      {"statx_before_overlapping_unlink", {kMknodA}, {{0, kUnlinkA, 0, 10, "ok"}, {1, kStatA, 2, 4, "ok"}}},
      {"open_target_after_overlapping_rename", {kMknodA}, {{0, "open(\"b\", O_RDONLY)", 0, 10, "ok"}, {1, kRenameAB, 1, 3, "ok"}}},
      {"rmdir_after_overlapping_mkdir", {}, {{0, kRmdirD, 0, 10, "ok"}, {1, kMkdirD, 1, 5, "ok"}}},
      {"rename_chain_in_reverse_call_order", {kMknodA},
       {{0, kStatC, 0, 20, "ok"}, {1, "renameat2(\"b\", \"c\", 0)", 1, 15, "ok"}, {2, kRenameAB, 2, 5, "ok"}}},
      {"exchange_before_directory_open", {kMknodA, "mkdir(\"b\", 0755)"},
       {{0, "open(\"a\", O_RDONLY|O_DIRECTORY)", 0, 10, "ok"}, {1, "renameat2(\"a\", \"b\", RENAME_EXCHANGE)", 1, 5, "ok"}}},
      {"cached_eagain_is_allowed_anywhere", {kMknodA},
       {{0, kUnlinkA, 0, 10, "ok"},
        {1, "openat2(\"a\", O_RDONLY, 0, RESOLVE_CACHED)", 1, 5, "EAGAIN"},
        {2, "openat2(\"a\", O_RDONLY, 0, 0)", 2, 6, "ok"}}},
      {"hung_unlink_never_took_effect", {kMknodA}, {{0, kUnlinkA, 0, kHung, "EINTR"}, {1, kStatA, 5, 6, "ok"}}},
      {"hung_unlink_took_effect_late", {kMknodA},
       {{0, kUnlinkA, 0, kHung, "EINTR"}, {1, kStatA, 5, 6, "ok"}, {1, kStatA, 7, 8, "ENOENT"}}},
      {"excl_create_unlink_create", {},
       {{0, kExclA, 0, 30, "ok"}, {1, kExclA, 1, 5, "ok"}, {2, kUnlinkA, 6, 10, "ok"}}},
      {"readers_straddle_a_long_unlink", {kMknodA},
       {{0, kUnlinkA, 0, 100, "ok"}, {1, kStatA, 1, 2, "ok"}, {2, kStatA, 3, 4, "ENOENT"}, {1, kStatA, 5, 6, "ENOENT"}}},
      {"noreplace_loses_to_overlapping_create", {kMknodA},
       {{0, "renameat2(\"a\", \"b\", RENAME_NOREPLACE)", 0, 10, "EEXIST"}, {1, kMknodB, 1, 5, "ok"}}},
      {"link_before_overlapping_unlink", {kMknodA},
       {{0, kUnlinkA, 0, 10, "ok"}, {1, "link(\"a\", \"b\")", 1, 5, "ok"}, {2, kStatB, 11, 12, "ok"}}},
      {"rmdir_enoent_after_overlapping_rmdir", {kMkdirD}, {{0, kRmdirD, 0, 10, "ENOENT"}, {1, kRmdirD, 1, 5, "ok"}}},
      {"two_renames_in_reverse_call_order", {kMknodA},
       {{0, "renameat2(\"b\", \"c\", 0)", 0, 10, "ok"}, {1, kRenameAB, 1, 5, "ok"}, {2, kStatC, 11, 12, "ok"}}},
      {"two_states_carried_across_a_cut", {kMknodA, kMknodB},
       {{0, kUnlinkB, 0, 10, "ok"}, {1, kRenameAB, 1, 9, "ok"}, {0, kStatB, 20, 21, "ENOENT"}}},
  };
  return cases;
}

const std::vector<HistoryCase>& illegal_cases() {
  static const std::vector<HistoryCase> cases = {
      {"two_excl_creates_both_succeed", {}, {{0, kExclA, 0, 10, "ok"}, {1, kExclA, 1, 9, "ok"}}},
      {"open_finds_name_after_returned_unlink", {kMknodA}, {{0, kUnlinkA, 0, 5, "ok"}, {1, kOpenA, 6, 8, "ok"}}},
      {"renamed_name_reappears", {kMknodA},
       {{0, kRenameAB, 0, 5, "ok"}, {1, kStatA, 6, 7, "ENOENT"}, {1, kStatA, 8, 9, "ok"}}},
      {"one_source_renamed_twice", {kMknodA},
       {{0, kRenameAB, 0, 10, "ok"}, {1, "renameat2(\"a\", \"c\", 0)", 1, 9, "ok"}}},
      {"statx_finds_a_name_nobody_made", {}, {{0, kStatA, 0, 1, "ok"}}},
      {"one_name_unlinked_twice", {kMknodA}, {{0, kUnlinkA, 0, 10, "ok"}, {1, kUnlinkA, 1, 9, "ok"}}},
      {"mkdir_eexist_on_empty_namespace", {}, {{0, kMkdirD, 0, 5, "EEXIST"}}},
      {"reader_sees_new_then_old", {},
       {{0, kCreateA, 0, 100, "ok"}, {1, kStatA, 1, 2, "ok"}, {1, kStatA, 3, 4, "ENOENT"}}},
      {"noreplace_over_existing_target", {kMknodA, kMknodB},
       {{0, "renameat2(\"a\", \"b\", RENAME_NOREPLACE)", 0, 5, "ok"}}},
      {"exchange_before_its_target_exists", {kMknodA},
       {{0, "renameat2(\"a\", \"b\", RENAME_EXCHANGE)", 0, 5, "ok"}, {1, kMknodB, 6, 8, "ok"}}},
      {"hung_unlink_cannot_create", {}, {{0, kUnlinkA, 0, kHung, "EINTR"}, {1, kStatA, 5, 6, "ok"}}},
      {"hung_op_cannot_act_before_its_call", {kMknodA},
       {{1, kStatA, 0, 1, "ENOENT"}, {0, kUnlinkA, 5, kHung, "EINTR"}}},
      {"state_carried_across_a_cut", {}, {{0, kCreateA, 0, 1, "ok"}, {1, kExclA, 5, 6, "ok"}}},
      {"rmdir_of_a_file", {kMknodA}, {{0, "rmdir(\"a\")", 0, 1, "ok"}}},
      {"two_creates_one_unlink_leave_a_name", {},
       {{0, kExclA, 0, 10, "ok"}, {1, kExclA, 0, 10, "ok"}, {2, kUnlinkA, 0, 10, "ok"}, {3, kStatA, 11, 12, "ENOENT"}}},
      {"link_after_returned_unlink", {kMknodA}, {{0, kUnlinkA, 0, 1, "ok"}, {1, "link(\"a\", \"b\")", 2, 3, "ok"}}},
      {"eagain_without_resolve_cached", {kMknodA}, {{0, kOpenA, 0, 1, "EAGAIN"}}},
      {"real_time_order_across_threads", {},
       {{0, kMkdirD, 0, 1, "ok"}, {1, kRmdirD, 2, 3, "ok"}, {0, "statx(\"d\", 0)", 4, 5, "ok"}}},
  };
  return cases;
}

// A naive check: the ops replayed one after another in call order, each taking effect
// (a hung one with any outcome).
bool naive_accepts(const toy::FlatModel& model, const CheckInput& input) {
  std::vector<toy::FlatState> states = {model.initial()};
  std::vector<toy::FlatTransition> out;
  for (const Mark& m : input.marks) {
    if (m.is_return) continue;
    const CheckOp& op = input.ops[m.op];
    std::vector<toy::FlatState> next;
    for (const auto& s : states) {
      out.clear();
      model.step(s, *op.op, out);
      for (auto& t : out)
        if (op.hung || t.result == op.result) next.push_back(t.next);
    }
    if (next.empty()) return false;
    states = std::move(next);
  }
  return true;
}

// Whether `order` is a linearization of part of `input` after marks[0 .. after) from
// `from`: the marks before `after` a quiescent cut (every op called there returned there),
// each op of `order` called after it and once, no op before one that returned before it
// was called, every outcome accepted by the model in turn.
bool partial_is_valid(const toy::FlatModel& model, const CheckInput& input, const std::vector<uint32_t>& order,
                      size_t after = 0, const toy::FlatState& from = {}) {
  std::vector<size_t> call_at(input.ops.size()), return_at(input.ops.size(), SIZE_MAX);
  for (size_t i = 0; i < input.marks.size(); ++i)
    (input.marks[i].is_return ? return_at : call_at)[input.marks[i].op] = i;
  for (size_t i = 0; i < after; ++i)
    if (!input.marks[i].is_return && return_at[input.marks[i].op] >= after) return false;
  for (size_t i = 0; i < order.size(); ++i) {
    if (call_at[order[i]] < after) return false;
    for (size_t j = i + 1; j < order.size(); ++j)
      if (order[i] == order[j] || return_at[order[j]] < call_at[order[i]]) return false;
  }
  std::vector<toy::FlatState> states = {from};
  std::vector<toy::FlatTransition> out;
  for (uint32_t op : order) {
    std::vector<toy::FlatState> next;
    for (const auto& s : states) {
      out.clear();
      model.step(s, *input.ops[op].op, out);
      for (auto& t : out)
        if (input.ops[op].hung || t.result == input.ops[op].result) next.push_back(t.next);
    }
    if (next.empty()) return false;
    states = std::move(next);
  }
  return true;
}

CheckInput input_of(const History& h) {
  CheckInput input;
  EXPECT_EQ(make_check_input(h, input), "");
  return input;
}

TEST(LinearizabilityHistories, LinearizableCasesNeedReordering) {
  ASSERT_GE(linearizable_cases().size(), 15u);
  toy::FlatModel model;
  for (const HistoryCase& c : linearizable_cases()) {
    SCOPED_TRACE(c.name);
    History h = testing::build_history(c);
    CheckInput input = input_of(h);
    CheckResult r = check_linearizable(model, input);
    EXPECT_EQ(r.verdict, Verdict::kOk) << r.reason;
    EXPECT_FALSE(naive_accepts(model, input))
        << "a naive check in call order accepts it: the case does not exercise reordering";
  }
}

TEST(LinearizabilityHistories, IllegalCasesAreRejected) {
  ASSERT_GE(illegal_cases().size(), 15u);
  toy::FlatModel model;
  for (const HistoryCase& c : illegal_cases()) {
    SCOPED_TRACE(c.name);
    History h = testing::build_history(c);
    CheckInput input = input_of(h);
    toy::FlatState from;
    CheckResult r = check_linearizable(model, input, {}, false, &from);
    ASSERT_EQ(r.verdict, Verdict::kIllegal) << r.reason;
    EXPECT_LT(r.failing_mark, input.marks.size());
    EXPECT_TRUE(input.marks[r.failing_mark].is_return);
    EXPECT_EQ(input.marks[r.failing_mark].op, r.failing_op);
    EXPECT_LE(r.partial_after, r.failing_mark);
    if (r.partial_after == 0) EXPECT_TRUE(from == model.initial());
    EXPECT_TRUE(partial_is_valid(model, input, r.partial, r.partial_after, from));
  }
}

// The traced pass starts at the last quiescent cut the search carried one state across:
// here after the create and the statx (marks 0..3), with "a" made; the statx of "b" spans
// the later point where nothing else is in flight, so no cut comes after it.
TEST(LinearizabilityHistories, PartialStartsAtTheLastCutOneStateExplains) {
  toy::FlatModel model;
  const HistoryCase c = {"statx_after_returned_unlink_past_a_cut",
                         {},
                         {{0, kCreateA, 0, 1, "ok"},
                          {1, kStatA, 2, 3, "ok"},
                          {0, kUnlinkA, 5, 10, "ok"},
                          {1, kStatA, 6, 7, "ok"},
                          {2, kStatB, 8, 13, "ENOENT"},
                          {1, kStatA, 11, 12, "ok"}}};
  History h = testing::build_history(c);
  CheckInput input = input_of(h);
  toy::FlatState from;
  CheckResult r = check_linearizable(model, input, {}, false, &from);
  ASSERT_EQ(r.verdict, Verdict::kIllegal);
  EXPECT_EQ(r.partial_after, 4u);
  EXPECT_EQ(from.kind("a"), toy::Kind::kFile);
  EXPECT_TRUE(partial_is_valid(model, input, r.partial, r.partial_after, from));
  EXPECT_FALSE(partial_is_valid(model, input, r.partial, 0, model.initial())) << "the partial order needs the cut's state";
  EXPECT_EQ(r.partial.size(), 3u);  // the unlink and two statx
  const std::string text = text_report(input, r, 0);
  EXPECT_NE(text.find("longest partial linearization: 3 ops after the first 4 calls and returns (2 ops, all "
                      "returned there: one model state explains them"),
            std::string::npos)
      << text;
}

TEST(LinearizabilityHistories, FailingPrefixIsTheSmallest) {
  toy::FlatModel model;
  for (const HistoryCase& c : illegal_cases()) {
    SCOPED_TRACE(c.name);
    History h = testing::build_history(c);
    CheckInput input = input_of(h);
    CheckResult r = check_linearizable(model, input);
    ASSERT_EQ(r.verdict, Verdict::kIllegal);
    CheckInput shorter = input;
    shorter.marks.resize(r.failing_mark);
    EXPECT_EQ(check_linearizable(model, shorter).verdict, Verdict::kOk);
  }
}

TEST(LinearizabilityHistories, BudgetExhaustionIsUnknownNeverOk) {
  toy::FlatModel model;
  Budget tiny;
  tiny.max_steps = 1;
  for (const HistoryCase& c : linearizable_cases()) {
    SCOPED_TRACE(c.name);
    History h = testing::build_history(c);
    CheckResult r = check_linearizable(model, input_of(h), tiny);
    EXPECT_NE(r.verdict, Verdict::kIllegal);
    if (r.verdict == Verdict::kUnknown) EXPECT_NE(r.reason.find("budget"), std::string::npos);
  }
  History h = testing::build_history(linearizable_cases()[5]);
  CheckResult r = check_linearizable(model, input_of(h), tiny);
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
}

}  // namespace
}  // namespace nfz::oracles::lin

namespace nfz::oracles::lin {
namespace {

TEST(LinearizabilityHistories, MoreThan64InFlightIsUnknown) {
  HistoryCase c{"wide", {}, {}};
  for (int t = 0; t < 70; ++t) c.ops.push_back({t, kStatA, t, 1000, "ENOENT"});
  History h = testing::build_history(c);
  CheckResult r = check_linearizable(toy::FlatModel{}, input_of(h));
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
  EXPECT_NE(r.reason.find("64"), std::string::npos) << r.reason;
}

}  // namespace
}  // namespace nfz::oracles::lin
