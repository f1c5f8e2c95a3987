// Lone ops (oracles/linearizability/lone_ops.hpp): an op whose paths no op overlapping it
// touches is linearized as soon as the model accepts its outcome. Histories that need
// such an op placed late are linearizable only if the touch is seen (an exclusive create a
// statx beside it saw missing, a mkdir in a directory a rename replaced while it was in
// flight): with the touch missed, the search would take the op first and reject them.
#include <gtest/gtest.h>

#include <algorithm>

#include "oracles/linearizability/lone_ops.hpp"
#include "tests/oracles/lin_history_builder.hpp"

namespace nfz::oracles::lin {
namespace {

using testing::build_history;
using testing::HistoryCase;

struct LoneCase {
  HistoryCase history;
  Verdict expected;
  std::vector<bool> lone;  // by thread op, in call order (the cases list them so)
};

const LoneCase kLoneCases[] = {
    {{"an exclusive create a statx beside it saw missing",
      {"mkdir(\"d1\", 0755)"},
      {{0, "open(\"d1/n3\", O_WRONLY|O_CREAT|O_EXCL, 0644)", 10, 100, "ok"}, {1, "statx(\"d1/n3\", 0)", 20, 30, "ENOENT"}}},
     Verdict::kOk,
     {false, false}},
    // The rename of d0 onto d1 needs d1 empty, so mkdir comes after it, in the old d0.
    {{"a mkdir in a directory a rename replaced while it was in flight",
      {"mkdir(\"d0\", 0755)", "mkdir(\"d1\", 0755)"},
      {{0, "mkdir(\"d1/n3\", 0755)", 10, 100, "ok"}, {1, "renameat2(\"d0\", \"d1\", 0)", 20, 30, "ok"}}},
     Verdict::kOk,
     {false, false}},
    {{"creates in different directories, each in flight beside the other",
      {"mkdir(\"d1\", 0755)", "mkdir(\"d2\", 0755)"},
      {{0, "open(\"d1/a\", O_RDONLY|O_CREAT, 0644)", 10, 100, "ok"}, {1, "mkdir(\"d2/b\", 0755)", 20, 30, "ok"},
       {1, "statx(\"d2/b\", 0)", 40, 50, "ok"}, {0, "unlink(\"d1/a\")", 110, 120, "ok"}}},
     Verdict::kOk,
     {true, true, true, true}},
    {{"a lone mkdir's impossible outcome is still one",
      {"mkdir(\"d1\", 0755)", "mkdir(\"d2\", 0755)"},
      {{0, "mkdir(\"d1/a\", 0755)", 10, 20, "ok"}, {1, "mkdir(\"d2/b\", 0755)", 15, 40, "EEXIST"}}},
     Verdict::kIllegal,
     {true, true}},
    // A lone op is linearized where it is accepted, but no earlier than its call: the
    // rmdir called after the mkdir returned must see it.
    {{"a lone rmdir after a mkdir in the same directory, not overlapping",
      {"mkdir(\"d1\", 0755)", "mkdir(\"d2\", 0755)"},
      {{0, "mkdir(\"d1/a\", 0755)", 10, 20, "ok"}, {1, "rmdir(\"d1/a\")", 30, 60, "ok"},
       {0, "mkdir(\"d2/a\", 0755)", 40, 50, "ok"}, {0, "statx(\"d1/a\", 0)", 70, 80, "ENOENT"}}},
     Verdict::kOk,
     {true, true, true, true}},
    // A symlink in the run: paths no longer say what they reach, so no op is lone.
    {{"no op is lone in a run with a symlink",
      {"mkdir(\"d1\", 0755)", "symlink(\"d1\", \"d2\")"},
      {{0, "mkdir(\"d1/a\", 0755)", 10, 100, "ok"}, {1, "statx(\"d2/a\", 0)", 20, 30, "ENOENT"}}},
     Verdict::kOk,
     {false, false}},
};

class Lone : public ::testing::TestWithParam<LoneCase> {};

// Which ops are lone, by call time (the table's order; input.ops has its own).
std::vector<bool> lone_by_call(const LookupCheck& check) {
  const std::vector<bool> lone = lone_ops(check);
  std::vector<std::pair<int64_t, bool>> by_call;
  for (size_t i = 0; i < check.input.ops.size(); ++i)
    if (check.input.ops[i].thread != kSetupThread) by_call.push_back({check.input.ops[i].call_ns, lone[i]});
  std::sort(by_call.begin(), by_call.end());
  std::vector<bool> out;
  for (const auto& [call, is_lone] : by_call) out.push_back(is_lone);
  return out;
}

TEST_P(Lone, VerdictAndWhichOpsAreLone) {
  const LoneCase& c = GetParam();
  const History h = build_history(c.history);  // the check points into it
  LookupCheck check;
  ASSERT_EQ(check_with_lookup_model(h, "tmpfs", Budget{}, check, nullptr, true), "");
  EXPECT_EQ(lone_by_call(check), c.lone);
  EXPECT_EQ(check.result.verdict, c.expected) << lookup_report(check) << explain_steps(check);
}

INSTANTIATE_TEST_SUITE_P(Lookup, Lone, ::testing::ValuesIn(kLoneCases),
                         [](const ::testing::TestParamInfo<LoneCase>& info) {
                           return testing::gtest_name(info.param.history.name);
                         });

TEST(LonePaths, TouchIsAPrefixByComponents) {
  EXPECT_TRUE(paths_touch("d1", "d1/n3"));
  EXPECT_TRUE(paths_touch("d1/n3", "d1"));
  EXPECT_TRUE(paths_touch("d1/n3", "d1/n3"));
  EXPECT_FALSE(paths_touch("d1", "d10/n3"));
  EXPECT_FALSE(paths_touch("d1/n3", "d1/n4"));
  EXPECT_FALSE(paths_touch("d1/n3", "d2/n3"));
}

}  // namespace
}  // namespace nfz::oracles::lin
