// The KTAP validator itself: the specification's own examples pass, and each rule it
// states is a case that must fail when broken.
#include <gtest/gtest.h>

#include "tests/report/ktap_validator.hpp"

namespace nfz::testing {
namespace {

struct Case {
  const char* name;
  const char* text;
  const char* error;  // a part of the first error; nullptr: valid
};

const Case kCases[] = {
    {"FlatResults", "KTAP version 1\n1..3\nok 1 a\nnot ok 2 b\nok 3 c # SKIP no reason to run\n", nullptr},
    {"DiagnosticsAnywhere", "# before\nKTAP version 1\n# after the version\n1..1\n# before the result\nok 1 a # rcode=0\n# totals\n", nullptr},
    {"NestedTwoLevels",
     "KTAP version 1\n1..1\n  KTAP version 1\n  1..2\n  ok 1 test_1\n  not ok 2 test_2\n# example failed\nnot ok 1 example\n",
     nullptr},
    {"NestedThreeLevels",
     "KTAP version 1\n1..2\n  KTAP version 1\n  1..2\n    KTAP version 1\n    1..2\n    not ok 1 test_1\n    ok 2 test_2\n"
     "  not ok 1 test_3\n  ok 2 test_4 # SKIP\nnot ok 1 example_test_1\nok 2 example_test_2\n",
     nullptr},
    {"SkippedSubtestsDoNotFailTheParent", "KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  ok 1 a # SKIP off\nok 1 p\n", nullptr},
    {"TimeoutOnNotOk", "KTAP version 1\n1..1\nnot ok 1 t # TIMEOUT 30 seconds\n", nullptr},
    {"NoVersion", "1..1\nok 1 a\n", "must start with"},
    {"OldVersion", "KTAP version 2\n1..1\nok 1 a\n", "want \"KTAP version 1\""},
    {"NoPlan", "KTAP version 1\nok 1 a\n", "no plan"},
    {"PlanCountsWrong", "KTAP version 1\n1..2\nok 1 a\n", "the plan says 2 tests, 1 results"},
    {"NumbersStartAtOne", "KTAP version 1\n1..1\nok 2 a\n", "test number 2, want 1"},
    {"NumbersGoUpByOne", "KTAP version 1\n1..2\nok 1 a\nok 3 b\n", "test number 3, want 2"},
    {"NoNumber", "KTAP version 1\n1..1\nok a\n", "without a test number"},
    {"HashInDescription", "KTAP version 1\n1..1\nok 1 a#b\n", "'#' inside the description"},
    {"TimeoutOnOk", "KTAP version 1\n1..1\nok 1 t # TIMEOUT 30 seconds\n", "TIMEOUT on an \"ok\""},
    {"ErrorOnOk", "KTAP version 1\n1..1\nok 1 t # ERROR disk gone\n", "ERROR on an \"ok\""},
    {"ParentOkWithAFailedSubtest", "KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  not ok 1 a\nok 1 p\n",
     "\"ok\" although a subtest failed"},
    {"NestedWithoutParentResult", "KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  ok 1 a\n", "no result line for its parent"},
    {"ThreeSpaceIndent", "KTAP version 1\n1..1\n   KTAP version 1\n   1..1\n   ok 1 a\nok 1 p\n", "indented 3 spaces"},
    {"SubtestNotIndented", "KTAP version 1\n1..1\nKTAP version 1\n1..1\nok 1 a\nok 1 p\n", "a second top-level version line"},
    {"UnknownLineInStrictMode", "KTAP version 1\n1..1\nhello\nok 1 a\n", "unknown line: hello"},
    {"LinesAfterTheEnd", "KTAP version 1\n1..1\nok 1 a\n  ok 1 b\n", "indented 2 spaces"},
    {"NoFinalNewline", "KTAP version 1\n1..1\nok 1 a", "no newline"},
};

class KtapValidator : public ::testing::TestWithParam<Case> {};

TEST_P(KtapValidator, FollowsTheSpecification) {
  const Case& c = GetParam();
  KtapReport r = validate_ktap(c.text);
  if (!c.error) {
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front());
    return;
  }
  ASSERT_FALSE(r.ok()) << "accepted:\n" << c.text;
  EXPECT_NE(r.errors.front().find(c.error), std::string::npos) << r.errors.front();
}

INSTANTIATE_TEST_SUITE_P(Cases, KtapValidator, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(KtapValidatorCounts, FailedAndSkippedAtEveryLevel) {
  KtapReport r = validate_ktap("KTAP version 1\n1..2\n  KTAP version 1\n  1..3\n  ok 1 a\n  not ok 2 b\n"
                               "  ok 3 c # SKIP why\nnot ok 1 p\nok 2 q # SKIP all\n");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.results, 5u);
  EXPECT_EQ(r.failed, 2u);
  EXPECT_EQ(r.skipped, 2u);
}

TEST(KtapValidatorCounts, UnknownLinesAreAllowedWhenLenient) {
  KtapReport r = validate_ktap("KTAP version 1\n1..1\n[  12.3] kernel says hi\nok 1 a\n", {.strict = false});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.unknown_lines, 1u);
}

}  // namespace
}  // namespace nfz::testing
