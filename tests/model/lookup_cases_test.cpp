// The named POSIX/Linux cases (tests/model/*_cases.hpp) on the model. The same cases run
// on the kernel in kernel_cases_test.cpp, so an expectation here is never a guess.
#include "tests/model/namespace_cases.hpp"
#include "tests/model/open_cases.hpp"
#include "tests/model/resolve_cases.hpp"

namespace nfz::model::testing {
namespace {

class OpenCases : public ::testing::TestWithParam<Case> {};
TEST_P(OpenCases, Model) { check_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Lookup, OpenCases, ::testing::ValuesIn(open_cases()), CaseName());

class NamespaceCases : public ::testing::TestWithParam<Case> {};
TEST_P(NamespaceCases, Model) { check_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Lookup, NamespaceCases, ::testing::ValuesIn(all_namespace_cases()), CaseName());

class ResolveCases : public ::testing::TestWithParam<Case> {};
TEST_P(ResolveCases, Model) { check_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Lookup, ResolveCases, ::testing::ValuesIn(resolve_cases()), CaseName());

class FifoCases : public ::testing::TestWithParam<Case> {};
TEST_P(FifoCases, Model) { check_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Lookup, FifoCases, ::testing::ValuesIn(fifo_cases()), CaseName());

class ProfileCases : public ::testing::TestWithParam<Case> {};
TEST_P(ProfileCases, Model) { check_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Lookup, ProfileCases, ::testing::ValuesIn(profile_cases()), CaseName());

TEST(LookupCases, AtLeastSixtyNamedCases) {
  size_t n = open_cases().size() + all_namespace_cases().size() + resolve_cases().size() + fifo_cases().size() +
             profile_cases().size();
  EXPECT_GE(n, 60u);
  for (const auto& list : {open_cases(), all_namespace_cases(), resolve_cases(), fifo_cases(), profile_cases()})
    for (const Case& c : list) EXPECT_FALSE(c.cite.empty()) << c.name;
}

}  // namespace
}  // namespace nfz::model::testing
